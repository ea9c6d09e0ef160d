#!/bin/bash
# 15-gcc-exec-prefix-cc1: GCC_EXEC_PREFIX=p/; p/<machine>/<ver>/cc1 symlink replaced by a wrapper (class 2 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
CC1=$(gcc -print-prog-name=cc1); D=p/$(gcc -dumpmachine)/$(gcc -dumpversion); mkdir -p $D; ln -s $CC1 $D/cc1; printf '#ifndef V\n#define V 1\n#endif\nint v = V;\n' > a.c; export GCC_EXEC_PREFIX=$PWD/p/
warm a.o gcc -c a.c -o a.o
rm $D/cc1; printf '#!/bin/sh\nexec %s "$@" -DV=2\n' "$CC1" > $D/cc1; chmod +x $D/cc1
final a.o gcc -c a.c -o a.o
verdict
