#!/bin/bash
# h6-20-rustc-lib-split-debuginfo-dwo: CLASS rustc side outputs not restored: a library compile with -g -C split-debuginfo=unpacked is cached (the option is passed through only for links); the hit writes the rlib but not the .rcgu.dwo rustc leaves beside it (the rlib objects point at it)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
printf 'pub fn f() -> u32 { 1 }\n' > a.rs
mkdir o
C="$R --crate-type lib --crate-name a --edition 2021 -g -C split-debuginfo=unpacked --emit=dep-info,metadata,link --out-dir $PWD/o a.rs"
warm o/liba.rlib $C
rm -rf o/*; h0=$(hits); zc $C >/dev/null 2>&1; zrc=$?; h1=$(hits); ls o | sed 's/^\(rmeta\|rustc\).*/\1*/' > "$T/zc.ls"
rm -rf o/*; $C >/dev/null 2>&1; brc=$?; ls o | sed 's/^\(rmeta\|rustc\).*/\1*/' > "$T/bare.ls"
[ "$h0" != "$h1" ] && HIT=1
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss), exit $zrc; bare: exit $brc"
if cmp -s "$T/zc.ls" "$T/bare.ls"; then echo "  files in o/: same"; else echo "  files in o/: DIFFER"; diff "$T/zc.ls" "$T/bare.ls" | sed 's/^/    /'; DIFF=1; fi
[ $zrc = $brc ] || DIFF=1
verdict
