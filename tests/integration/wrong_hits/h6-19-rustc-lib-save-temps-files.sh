#!/bin/bash
# h6-19-rustc-lib-save-temps-files: CLASS rustc side outputs not restored: a library compile with -C save-temps is cached (passed through only for links); the hit writes the rlib but none of the .rcgu.o/.bc files (and rustc* temp folders) rustc keeps
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
printf 'pub fn f() -> u32 { 1 }\n' > a.rs
mkdir o
C="$R --crate-type lib --crate-name a --edition 2021 -C save-temps --emit=dep-info,metadata,link --out-dir $PWD/o a.rs"
warm o/liba.rlib $C
rm -rf o/*; h0=$(hits); zc $C >/dev/null 2>&1; zrc=$?; h1=$(hits); ls o | sed 's/^\(rmeta\|rustc\).*/\1*/' | sort -u > "$T/zc.ls"
rm -rf o/*; $C >/dev/null 2>&1; brc=$?; ls o | sed 's/^\(rmeta\|rustc\).*/\1*/' | sort -u > "$T/bare.ls"
[ "$h0" != "$h1" ] && HIT=1
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss), exit $zrc; bare: exit $brc"
if cmp -s "$T/zc.ls" "$T/bare.ls"; then echo "  files in o/: same"; else echo "  files in o/: DIFFER"; diff "$T/zc.ls" "$T/bare.ls" | sed 's/^/    /'; DIFF=1; fi
[ $zrc = $brc ] || DIFF=1
verdict
