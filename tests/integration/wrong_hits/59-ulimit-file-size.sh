#!/bin/bash
# 59-ulimit-file-size: ulimit -f 8 in the build: the bare compile dies (as gets SIGXFSZ writing a 17 KB object, exit 4), the hit succeeds because the server writes the object (new class: build process limits not applied on hits)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3
python3 -c "print('char big[16384] = {1};')" > a.c
warm a.o gcc -c a.c -o a.o
rm -f a.o
h0=$(hits); ( ulimit -f 8; "$BIN/zccache" gcc -c a.c -o a.o ) 2>"$T/zc.err"; zrc=$?; h1=$(hits); [ "$h0" != "$h1" ] && HIT=1
zsize=$(stat -c %s a.o 2>/dev/null || echo none); rm -f a.o
( ulimit -f 8; gcc -c a.c -o a.o ) 2>"$T/bare.err"; brc=$?
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss), exit $zrc, object size $zsize; bare: exit $brc"; head -1 "$T/bare.err" | sed 's/^/  bare stderr: /'
[ $zrc = $brc ] || DIFF=1
verdict
