#!/bin/bash
# p1-06-clang-pch-header-touched: warm with -include-pch h.pch; h.h touched, its bytes the same: clang rejects the PCH (mtime changed), the cache must not serve the object
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
clang -O2 -x c-header h.h -o h.pch
warm a.o clang -O2 -include-pch h.pch -c a.c -o a.o
sleep 1.1; touch h.h
final a.o clang -O2 -include-pch h.pch -c a.c -o a.o
verdict
