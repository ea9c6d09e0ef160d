#!/bin/bash
# p1-03-clang-include-pch-rebuilt: warm with -include-pch h.pch; h.h edited and h.pch rebuilt (same mtime second): the unit must follow the new PCH
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
clang -O2 -x c-header h.h -o h.pch
warm a.o clang -O2 -include-pch h.pch -c a.c -o a.o
sleep 0.05; printf '#define V 1\n' > h.h; clang -O2 -x c-header h.h -o h.pch
final a.o clang -O2 -include-pch h.pch -c a.c -o a.o
verdict
