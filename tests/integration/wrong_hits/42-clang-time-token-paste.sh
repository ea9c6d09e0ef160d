#!/bin/bash
# 42-clang-time-token-paste: clang: __TIME__ by token pasting (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define CAT(a,b) a##b\nconst char *t = CAT(__TI,ME__);\n' > a.c
warm a.o clang -c a.c -o a.o
sleep 1.1
final a.o clang -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
