#!/bin/bash
# 66-mmd-isystem-dot: -MMD -isystem . with #include "x.h" in the cwd: gcc lists x.h (found via the source dir), the hit omits it (class 5 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo '#define X 1' > x.h; printf '#include "x.h"\nint v = X;\n' > a.c
warm "a.o a.d" gcc -MMD -isystem . -c a.c -o a.o
final "a.o a.d" gcc -MMD -isystem . -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
