#!/bin/bash
# 53-pragma-dependency-_Pragma: _Pragma("GCC dependency ..."), parse.y touched: gcc warns, hit replays nothing (class 2 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
touch -d 2020-01-01 parse.y
printf '_Pragma("GCC dependency \\"parse.y\\"")\nint v;\n' > a.c
cat a.c
warm a.o gcc -c a.c -o a.o
touch parse.y
final a.o gcc -c a.c -o a.o
verdict
