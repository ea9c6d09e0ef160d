#!/bin/bash
# h7-06-rustc-remap-json-escaped-cwd: CLASS rustc --remap-path-prefix, cwd written escaped: rustc's JSON artifact notices spell a backslash in the cwd as \\, which the store's rewrite (a byte search for the cwd) does not see: kept as is and served to checkout B with A's folder
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
A='A\co' B='B\co'
mkdir "$A" "$B"
for d in "$A" "$B"; do printf 'pub fn f(x: u32) -> u32 { x * 3 }\n' > "$d/a.rs"; done
cd "$T/w/$A" && export PWD=$T/w/$A
zc $R --crate-type lib --crate-name a --edition 2021 --error-format=json --json=artifacts --remap-path-prefix="$PWD=/src" --emit=dep-info,metadata,link --out-dir "$PWD" a.rs >/dev/null 2>&1
cd "$T/w/$B" && export PWD=$T/w/$B
final "liba.rlib liba.rmeta a.d" $R --crate-type lib --crate-name a --edition 2021 --error-format=json --json=artifacts --remap-path-prefix="$PWD=/src" --emit=dep-info,metadata,link --out-dir "$PWD" a.rs
verdict
