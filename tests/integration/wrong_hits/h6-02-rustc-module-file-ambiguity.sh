#!/bin/bash
# h6-02-rustc-module-file-ambiguity: CLASS rustc module search not recorded: `mod foo;` found foo.rs; then foo/mod.rs appears (rustc: error E0761, found at both), the hit still serves the crate
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
printf 'mod foo;\npub fn f() -> u32 { foo::V }\n' > a.rs
printf 'pub const V: u32 = 1;\n' > foo.rs
C="$R --crate-type lib --crate-name a --edition 2021 --emit=dep-info,metadata,link --out-dir . a.rs"
warm "liba.rlib liba.rmeta a.d" $C
mkdir foo; printf 'pub const V: u32 = 2;\n' > foo/mod.rs
final "liba.rlib liba.rmeta a.d" $C
verdict
