#!/bin/bash
# 06-known-pragma-dependency: #pragma GCC dependency "parse.y", then parse.y touched: gcc warns, hit replays no warning (known class 2)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
touch -d 2020-01-01 parse.y; printf '#pragma GCC dependency "parse.y"\nint v;\n' > a.c
warm a.o gcc -c a.c -o a.o
touch parse.y
final a.o gcc -c a.c -o a.o
verdict
