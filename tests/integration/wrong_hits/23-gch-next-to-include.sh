#!/bin/bash
# 23-gch-next-to-include: h.h.gch (built from other content) created next to h.h used by #include "h.h"; gcc uses it (new class: PCH candidate of #include)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 2\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
warm a.o gcc -c a.c -o a.o
mkdir g; printf '#define V 1\n' > g/h.h; gcc -x c-header g/h.h -o h.h.gch
final a.o gcc -c a.c -o a.o
verdict
