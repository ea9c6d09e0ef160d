#!/bin/bash
# 64-mmd-user-header-from-system-header: -MMD: system header s/h.h (-isystem s) includes <x.h> found in -Iu; gcc omits it, the hit's depfile lists u/x.h (class 5 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir s u; printf '#include <x.h>\n' > s/h.h; echo '#define X 1' > u/x.h; printf '#include <h.h>\nint v = X;\n' > a.c
warm "a.o a.d" gcc -MMD -Iu -isystem s -c a.c -o a.o
final "a.o a.d" gcc -MMD -Iu -isystem s -c a.c -o a.o
echo "zccache depfile: $(cat "$T/zc.a.d")"; echo "compiler depfile: $(cat a.d)"
verdict
