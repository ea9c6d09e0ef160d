#!/bin/bash
# 09-known-depfile-isystem-quote: -MMD -MF a.d -isystem sys with #include "sys/x.h" (./sys/x.h): depfile on hit differs from gcc's (known class 5)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir -p sys; echo '#define X 1' > sys/x.h; printf '#include "sys/x.h"\nint v = X;\n' > a.c
warm "a.o a.d" gcc -MMD -MF a.d -isystem sys -c a.c -o a.o
final "a.o a.d" gcc -MMD -MF a.d -isystem sys -c a.c -o a.o
echo "zccache depfile:"; cat "$T/zc.a.d"; echo "gcc depfile:"; cat a.d
verdict
