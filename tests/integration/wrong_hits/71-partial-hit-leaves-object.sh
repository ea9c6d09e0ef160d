#!/bin/bash
# 71-partial-hit-leaves-object: -MD -MF dd/a.d: after the entry is stored, dd/ is removed; the hit writes a.o, fails on the depfile, falls back to the compiler, which fails; a.o stays behind while gcc leaves none (partial hit outputs)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo 'int v = 1;' > a.c; mkdir dd
warm "a.o dd/a.d" gcc -MD -MF dd/a.d -c a.c -o a.o
rm -rf dd a.o
h0=$(hits); zc gcc -MD -MF dd/a.d -c a.c -o a.o 2>/dev/null; zrc=$?; h1=$(hits)
zobj=no; [ -e a.o ] && zobj=yes; rm -f a.o
gcc -MD -MF dd/a.d -c a.c -o a.o 2>/dev/null; brc=$?
bobj=no; [ -e a.o ] && bobj=yes
echo "zccache: exit $zrc, a.o left: $zobj; bare gcc: exit $brc, a.o left: $bobj"
if [ $zrc = $brc ] && [ $zobj = $bobj ]; then echo "RESULT: ok"; exit 0; fi
echo "RESULT: build tree differs after the failed compile"; exit 1
