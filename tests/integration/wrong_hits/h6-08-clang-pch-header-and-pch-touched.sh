#!/bin/bash
# h6-08-clang-pch-header-and-pch-touched: CLASS clang PCH input mtimes: h.h touched, then h.pch touched (bytes the same): clang rejects the PCH (h.h mtime differs from the one it recorded), but the hit only asks whether h.h is newer than the PCH
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
clang -O2 -x c-header h.h -o h.pch
warm a.o clang -O2 -include-pch h.pch -c a.c -o a.o
sleep 1.1; touch h.h; sleep 0.1; touch h.pch
final a.o clang -O2 -include-pch h.pch -c a.c -o a.o
verdict
