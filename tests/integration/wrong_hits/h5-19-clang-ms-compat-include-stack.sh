#!/bin/bash
# h5-19-clang-ms-compat-include-stack: clang -fms-compatibility searches a "..." include in the folder of every file up the include stack (MSVC's rule), not only the includer's; A/sub/h.h includes "y.h", found in -Id2; A/y.h (the main file's folder) created later is what clang then takes, but the cache never probed A for it (search-path model: MSVC include stack)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir -p A/sub d2
echo '#include "y.h"' > A/sub/h.h
echo 'int y = 2;' > d2/y.h
printf '#include "sub/h.h"\nint f(void) { return y; }\n' > A/m.c
warm m.o clang -fms-compatibility -I d2 -c A/m.c -o m.o
echo 'int y = 1;' > A/y.h
final m.o clang -fms-compatibility -I d2 -c A/m.c -o m.o
verdict
