#!/bin/bash
# 02-known-has-include: __has_include("opt.h") false at store, opt.h created later in -Iinc (known class 1)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir inc; printf '#if __has_include("opt.h")\n#include "opt.h"\n#else\n#define V 2\n#endif\nint v = V;\n' > a.c
warm a.o gcc -Iinc -c a.c -o a.o
echo '#define V 1' > inc/opt.h
final a.o gcc -Iinc -c a.c -o a.o
verdict
