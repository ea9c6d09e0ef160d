#!/bin/bash
# h6-09c-gch-header-touched-same-as-bare: CLASS clang PCH input mtimes, gcc's side: gcc 12 does not check the mtimes of the headers inside a .gch (only its options and macro state), so touching or backdating h.h leaves gcc using h.h.gch; the cache must agree (a miss is fine)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 2\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
gcc -O2 -x c-header h.h -o h.h.gch
warm a.o gcc -O2 -H -c a.c -o a.o
touch -d "2001-01-01" h.h; touch h.h.gch
final a.o gcc -O2 -H -c a.c -o a.o
verdict
