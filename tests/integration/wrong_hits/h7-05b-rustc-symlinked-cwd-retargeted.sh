#!/bin/bash
# h7-05b-rustc-symlinked-cwd-retargeted: CLASS rustc names its folder by getcwd() (the real path) where the request names it by $PWD: with no remap at all, the build folder is a symlink retargeted from checkout A to an identical checkout B; $PWD (and every argument) stays the same, the crate's debug info holds B's real path, the hit must not serve A's
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir -p real/A
printf 'pub fn f(x: u32) -> u32 { x * 3 }\n' > real/A/a.rs
cp -a real/A real/B && ln -s real/A cur
C="$R --crate-type lib --crate-name a --edition 2021 -g --emit=dep-info,metadata,link --out-dir . a.rs"
cd "$T/w/cur" && export PWD=$T/w/cur
warm "liba.rlib liba.rmeta a.d" $C
cd "$T/w" && rm cur && ln -s real/B cur
cd "$T/w/cur" && export PWD=$T/w/cur
final "liba.rlib liba.rmeta a.d" $C
verdict
