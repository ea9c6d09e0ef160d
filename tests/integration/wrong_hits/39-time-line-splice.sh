#!/bin/bash
# 39-time-line-splice: __TI<backslash-newline>ME__ (line splice inside the identifier) is __TIME__ to gcc (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf 'const char *t = __TI\\\nME__;\n' > a.c
warm a.o gcc -c a.c -o a.o
sleep 1.1
final a.o gcc -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
