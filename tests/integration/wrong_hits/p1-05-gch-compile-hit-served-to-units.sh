#!/bin/bash
# p1-05-gch-compile-hit-served-to-units: the .gch compile itself cached; rebuilt from an edited header (a miss), then back (a hit serving the old bytes): the unit follows the bytes on disk
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 2\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
zc gcc -O2 -x c-header -c h.h -o h.h.gch
warm a.o gcc -O2 -c a.c -o a.o
sleep 0.05; printf '#define V 1\n' > h.h; zc gcc -O2 -x c-header -c h.h -o h.h.gch
zc gcc -O2 -c a.c -o a.o >/dev/null 2>&1
sleep 0.05; printf '#define V 2\n' > h.h; zc gcc -O2 -x c-header -c h.h -o h.h.gch
final a.o gcc -O2 -c a.c -o a.o
verdict
