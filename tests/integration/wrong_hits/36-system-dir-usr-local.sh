#!/bin/bash
# 36-system-dir-usr-local: <N.h> found in /usr/include, then /usr/local/include/N.h created (earlier built-in dir; uniquely named, removed after) (search-path model: built-in system dirs not watched)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
[ -w /usr/include ] && [ -w /usr/local/include ] || { echo "SKIP: needs write access to /usr/include and /usr/local/include"; exit 77; }
N=zcc_case_$$_$RANDOM
CLEANUP_EXTRA="rm -f /usr/include/$N.h /usr/local/include/$N.h"
echo '#define V 2' > /usr/include/$N.h; printf '#include <%s.h>\nint v = V;\n' $N > a.c
warm a.o gcc -c a.c -o a.o
echo '#define V 1' > /usr/local/include/$N.h
final a.o gcc -c a.c -o a.o
verdict
