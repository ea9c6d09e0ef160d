#!/bin/bash
# 14-compiler-path-cc1: COMPILER_PATH=bin; bin/cc1 wrapper created later (gcc runs it instead of its own cc1) (class 2 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir bin; printf '#ifndef V\n#define V 1\n#endif\nint v = V;\n' > a.c; export COMPILER_PATH=$PWD/bin; CC1=$(gcc -print-prog-name=cc1)
warm a.o gcc -c a.c -o a.o
printf '#!/bin/sh\nexec %s "$@" -DV=2\n' "$CC1" > bin/cc1; chmod +x bin/cc1
final a.o gcc -c a.c -o a.o
verdict
