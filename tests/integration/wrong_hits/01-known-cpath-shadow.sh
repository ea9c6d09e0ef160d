#!/bin/bash
# 01-known-cpath-shadow: CPATH=d1:d2, header found in d2, then created in d1 (known class 1)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2; echo '#define V 2' > d2/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
export CPATH=$PWD/d1:$PWD/d2
warm a.o gcc -c a.c -o a.o
echo '#define V 1' > d1/h.h
final a.o gcc -c a.c -o a.o
verdict
