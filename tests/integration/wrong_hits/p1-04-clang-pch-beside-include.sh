#!/bin/bash
# p1-04-clang-pch-beside-include: warm with -include h.h and no PCH; then h.h.pch made from another header appears beside it (clang's driver loads it)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
warm a.o clang -O2 -include h.h -c a.c -o a.o
mkdir g; printf '#define V 1\n' > g/h.h; clang -O2 -x c-header g/h.h -o h.h.pch
final a.o clang -O2 -include h.h -c a.c -o a.o
verdict
