#!/bin/bash
# 69-clang-mmd-cpath-header: clang -MMD with <h.h> from a CPATH dir: clang lists it, the hit omits it (class 5 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir c; echo '#define X 1' > c/h.h; printf '#include <h.h>\nint v = X;\n' > a.c; export CPATH=$PWD/c
warm "a.o a.d" clang -MMD -c a.c -o a.o
final "a.o a.d" clang -MMD -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
