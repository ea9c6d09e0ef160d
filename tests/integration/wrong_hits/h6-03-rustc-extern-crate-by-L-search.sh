#!/bin/bash
# h6-03-rustc-extern-crate-by-L-search: CLASS rustc crates found by -L search not keyed: `extern crate dep;` resolved in -L d (no --extern); libdep.rlib rebuilt with V 2, the hit serves the crate built against V 1
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir d; printf 'pub const V: u32 = 1;\n' > d/dep.rs
$R --crate-type lib --crate-name dep --edition 2021 --emit=link --out-dir d d/dep.rs
printf 'extern crate dep;\npub const W: u32 = dep::V;\n' > b.rs
C="$R --crate-type lib --crate-name b --edition 2021 -L d --emit=dep-info,metadata,link --out-dir . b.rs"
warm "libb.rlib libb.rmeta b.d" $C
printf 'pub const V: u32 = 2;\n' > d/dep.rs
$R --crate-type lib --crate-name dep --edition 2021 --emit=link --out-dir d d/dep.rs
final "libb.rlib libb.rmeta b.d" $C
verdict
