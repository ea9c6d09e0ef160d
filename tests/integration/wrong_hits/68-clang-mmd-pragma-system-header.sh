#!/bin/bash
# 68-clang-mmd-pragma-system-header: clang -MMD: u/h.h has #pragma clang system_header and includes u2.h; clang omits u2.h, the hit lists it (class 5 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir u; printf '#pragma clang system_header\n#include "u2.h"\n' > u/h.h; echo '#define X 1' > u/u2.h; printf '#include "u/h.h"\nint v = X;\n' > a.c
warm "a.o a.d" clang -MMD -c a.c -o a.o
final "a.o a.d" clang -MMD -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
