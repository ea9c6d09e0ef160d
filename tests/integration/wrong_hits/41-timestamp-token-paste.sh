#!/bin/bash
# 41-timestamp-token-paste: __TIMESTAMP__ via CAT(__TIME,STAMP__), source touched (same bytes) (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define CAT(a,b) a##b\nconst char *t = CAT(__TIME,STAMP__);\n' > a.c; touch -d '2020-01-01 10:00' a.c
warm a.o gcc -c a.c -o a.o
touch a.c
final a.o gcc -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
