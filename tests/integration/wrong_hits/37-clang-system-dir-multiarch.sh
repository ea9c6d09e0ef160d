#!/bin/bash
# 37-clang-system-dir-multiarch: clang: <N.h> found in /usr/include, then /usr/include/<multiarch>/N.h created (uniquely named, removed after) (search-path model: built-in system dirs)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
MA=/usr/include/$(clang -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
[ -d "$MA" ] && [ -w /usr/include ] && [ -w "$MA" ] || { echo "SKIP: needs write access to /usr/include and $MA"; exit 77; }
N=zcc_case_$$_$RANDOM
CLEANUP_EXTRA="rm -f /usr/include/$N.h $MA/$N.h"
echo '#define V 2' > /usr/include/$N.h; printf '#include <%s.h>\nint v = V;\n' $N > a.c
warm a.o clang -c a.c -o a.o
echo '#define V 1' > $MA/$N.h
final a.o clang -c a.c -o a.o
verdict
