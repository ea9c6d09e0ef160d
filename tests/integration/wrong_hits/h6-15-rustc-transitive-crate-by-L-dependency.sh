#!/bin/bash
# h6-15-rustc-transitive-crate-by-L-dependency: CLASS rustc crates found by -L search not keyed (cargo form): app --extern mid, mid needs dep found through -L dependency=d; dep rebuilt alone, rustc now fails (E0460 possibly newer version), the hit serves the crate
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir d
printf 'pub const V: u32 = 1;\n' > dep.rs
printf 'pub fn h() -> u32 { dep::V }\n' > mid.rs
$R --crate-type lib --crate-name dep --edition 2021 -C metadata=1 -C extra-filename=-1 --emit=link --out-dir d dep.rs
$R --crate-type lib --crate-name mid --edition 2021 -C metadata=2 -C extra-filename=-2 --extern dep=d/libdep-1.rlib -L dependency=d --emit=link --out-dir d mid.rs
printf 'pub fn k() -> u32 { mid::h() }\n' > app.rs
C="$R --crate-type lib --crate-name app --edition 2021 --extern mid=d/libmid-2.rlib -L dependency=d --emit=dep-info,metadata,link --out-dir $PWD app.rs"
warm "libapp.rlib libapp.rmeta app.d" $C
printf 'pub const V: u32 = 2;\n' > dep.rs
$R --crate-type lib --crate-name dep --edition 2021 -C metadata=1 -C extra-filename=-1 --emit=link --out-dir d dep.rs
final "libapp.rlib libapp.rmeta app.d" $C
verdict
