#!/bin/bash
# 65-clang-mmd-user-header-from-system-header: clang -MMD: system header includes <x.h> from -Iu; clang omits it, the hit lists it (class 5 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir s u; printf '#include <x.h>\n' > s/h.h; echo '#define X 1' > u/x.h; printf '#include <h.h>\nint v = X;\n' > a.c
warm "a.o a.d" clang -MMD -Iu -isystem s -c a.c -o a.o
final "a.o a.d" clang -MMD -Iu -isystem s -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
