#!/bin/bash
# h6-09b-clang-pch-beside-include-header-touched: CLASS clang PCH input mtimes, the driver's spelling: -include h.h with h.h.pch beside it (clang loads the PCH); h.h set back to 2001, then h.h.pch touched (bytes the same): clang rejects the PCH (mtime changed), a hit must not serve the object
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h; printf 'int v = V;\n' > a.c
clang -O2 -x c-header h.h -o h.h.pch
warm a.o clang -O2 -include h.h -c a.c -o a.o
touch -d "2001-01-01" h.h; touch h.h.pch
final a.o clang -O2 -include h.h -c a.c -o a.o
verdict
