#!/bin/bash
# h6-06-rustc-force-rustc-version-env: CLASS rustc's own environment not keyed: RUSTC_FORCE_RUSTC_VERSION changes the version rustc writes into the crate's metadata; set after the store, the hit serves the old rlib/rmeta
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
printf 'pub fn f() -> u32 { 1 }\n' > a.rs
C="$R --crate-type lib --crate-name a --edition 2021 --emit=dep-info,metadata,link --out-dir . a.rs"
warm "liba.rlib liba.rmeta a.d" $C
export RUSTC_FORCE_RUSTC_VERSION=zz
final "liba.rlib liba.rmeta a.d" $C
verdict
