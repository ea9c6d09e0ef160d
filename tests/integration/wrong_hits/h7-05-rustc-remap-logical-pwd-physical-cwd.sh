#!/bin/bash
# h7-05-rustc-remap-logical-pwd-physical-cwd: CLASS rustc --remap-path-prefix matched against $PWD: the checkouts are entered through symlinks and the map names $PWD, but rustc names its folder by getcwd() (the real path), which the map does not cover: the crate's debug info holds the real path, the store's scan looks for $PWD only, and checkout B is served A's path
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir -p real/A real/B links
ln -s "$T/w/real/A" links/A; ln -s "$T/w/real/B" links/B
for d in A B; do printf 'pub fn f(x: u32) -> u32 { x * 3 }\n' > real/$d/a.rs; done
cd "$T/w/links/A" && export PWD=$T/w/links/A
zc $R --crate-type lib --crate-name a --edition 2021 -g --remap-path-prefix=$PWD=/src --emit=dep-info,metadata,link --out-dir . a.rs >/dev/null 2>&1
cd "$T/w/links/B" && export PWD=$T/w/links/B
final "liba.rlib liba.rmeta a.d" $R --crate-type lib --crate-name a --edition 2021 -g --remap-path-prefix=$PWD=/src --emit=dep-info,metadata,link --out-dir . a.rs
strings -a liba.rlib | grep -m1 "$T/w/real" | sed 's/^/  bare crate names: /'
verdict
