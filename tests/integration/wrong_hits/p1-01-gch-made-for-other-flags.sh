#!/bin/bash
# p1-01-gch-made-for-other-flags: warm with h.h.gch made for -O0 (gcc reads the text at -O2), then the .gch remade for -O2 (gcc now uses it, and it says V 1)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 2\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
mkdir g; printf '#define V 1\n' > g/h.h; gcc -O0 -x c-header g/h.h -o h.h.gch
warm a.o gcc -O2 -c a.c -o a.o
sleep 0.05; gcc -O2 -x c-header g/h.h -o h.h.gch
final a.o gcc -O2 -c a.c -o a.o
verdict
