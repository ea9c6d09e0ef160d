#!/bin/bash
# 40-time-trigraph: __TI??/<newline>ME__ with -trigraphs is __TIME__ (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf 'const char *t = __TI??/\nME__;\n' > a.c
warm a.o gcc -trigraphs -c a.c -o a.o
sleep 1.1
final a.o gcc -trigraphs -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
