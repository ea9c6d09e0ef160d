#!/bin/bash
# h7-06b-rustc-remap-depinfo-escaped-space-cwd: CLASS rustc --remap-path-prefix, cwd written escaped: rustc's dep-info spells a space in a source path (here the absolute one cargo gives for a registry crate) as "\ ", which a byte search for the cwd does not see; checkout B (a space in its name too) must not be served a dep-info naming A's folder
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir "A co"
printf 'pub fn f(x: u32) -> u32 { x * 3 }\n' > "A co/a.rs"
cp -a "A co" "B co"
cd "$T/w/A co" && export PWD=$T/w/A\ co
zc $R --crate-type lib --crate-name a --edition 2021 --remap-path-prefix="$PWD=/src" --emit=dep-info,metadata,link --out-dir "$PWD" "$PWD/a.rs" >/dev/null 2>&1
cd "$T/w/B co" && export PWD=$T/w/B\ co
final "liba.rlib liba.rmeta a.d" $R --crate-type lib --crate-name a --edition 2021 --remap-path-prefix="$PWD=/src" --emit=dep-info,metadata,link --out-dir "$PWD" "$PWD/a.rs"
verdict
