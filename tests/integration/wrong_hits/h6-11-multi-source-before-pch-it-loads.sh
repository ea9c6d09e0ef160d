#!/bin/bash
# h6-11-multi-source-before-pch-it-loads: CLASS multi-source reordering: `gcc -c h.h a.c`: gcc writes h.h.gch, then a.c loads it; the split compiles a.c alone first (with the old .gch) and h.h in the final run (a miss, but not the compiler's object)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 1\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
warm a.o gcc -c h.h a.c
sleep 0.05; printf '#define V 2\n' > h.h
final a.o gcc -c h.h a.c
verdict
