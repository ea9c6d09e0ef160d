#!/bin/bash
# 58-proc-self-cwd-include: -I/proc/self/cwd/...: the server resolves /proc/self/cwd as its own cwd (/), the compiler as the build's cwd; entry stored from cwd / is hit from another cwd that has a different h.h (new class: process-relative paths)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
W=$PWD; mkdir inc; echo '#define V 1' > inc/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
mkdir -p "$T/other$W/inc"; echo '#define V 2' > "$T/other$W/inc/h.h"
cd /
warm "$W/a.o" gcc -I/proc/self/cwd$W/inc -c $W/a.c -o $W/a.o
cd "$T/other"
echo "now in $PWD, where /proc/self/cwd$W/inc/h.h is $T/other$W/inc/h.h"
final "$W/a.o" gcc -I/proc/self/cwd$W/inc -c $W/a.c -o $W/a.o
verdict
