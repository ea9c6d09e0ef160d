#!/bin/bash
# 49-wa-md-not-restored: -Wa,--MD=as.d: the assembler writes a depfile; on a hit it is not produced (new class: output files named in -Wa options)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo 'int v = 1;' > a.c
warm "a.o as.d" gcc -Wa,--MD=as.d -c a.c -o a.o
rm -f as.d
h0=$(hits); zc gcc -Wa,--MD=as.d -c a.c -o a.o; h1=$(hits); [ "$h0" != "$h1" ] && HIT=1
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if [ -e as.d ]; then echo "  as.d: produced"; else echo "  as.d: MISSING (gcc -Wa,--MD=as.d always writes it)"; DIFF=1; fi
rm -f as.d; gcc -Wa,--MD=as.d -c a.c -o a.o; [ -e as.d ] && echo "  bare gcc: as.d produced: $(cat as.d)"
verdict
