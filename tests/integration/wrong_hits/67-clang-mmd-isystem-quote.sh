#!/bin/bash
# 67-clang-mmd-isystem-quote: clang -MMD -isystem sys with #include "sys/x.h" (./sys/x.h): clang lists it, the hit omits it (class 5, clang)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir -p sys; echo '#define X 1' > sys/x.h; printf '#include "sys/x.h"\nint v = X;\n' > a.c
warm "a.o a.d" clang -MMD -isystem sys -c a.c -o a.o
final "a.o a.d" clang -MMD -isystem sys -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
