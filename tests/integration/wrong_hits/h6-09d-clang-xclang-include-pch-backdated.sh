#!/bin/bash
# h6-09d-clang-xclang-include-pch-backdated: CLASS clang PCH input mtimes, spelled -Xclang -include-pch -Xclang h.pch: h.h mtime set back to 2001 (bytes the same): clang rejects the PCH (mtime changed), the hit only asks whether h.h is newer than the PCH
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
clang -O2 -x c-header h.h -o h.pch
warm a.o clang -O2 -Xclang -include-pch -Xclang h.pch -c a.c -o a.o
touch -d "2001-01-01" h.h
final a.o clang -O2 -Xclang -include-pch -Xclang h.pch -c a.c -o a.o
verdict
