#!/bin/bash
# h6-12-clippy-disable-docs-links-env: CLASS rustc/clippy-driver's own environment not keyed: CLIPPY_DISABLE_DOCS_LINKS drops clippy's "for further information visit" lines; set after the store, the hit replays them
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
D=$(rustc --print sysroot 2>/dev/null)
[ -x "$D/bin/clippy-driver" ] || { echo "SKIP: no clippy-driver"; exit 77; }
export LD_LIBRARY_PATH=$D/lib CARGO_MANIFEST_DIR=$PWD
unset CLIPPY_DISABLE_DOCS_LINKS
printf 'pub fn f(x: &Vec<u32>) -> usize { x.len() }\n' > a.rs
C="$D/bin/clippy-driver --crate-type lib --crate-name a --edition 2021 --emit=dep-info,metadata --out-dir $PWD a.rs"
warm "liba.rmeta a.d" $C
export CLIPPY_DISABLE_DOCS_LINKS=1
final "liba.rmeta a.d" $C
verdict
