#!/bin/bash
# 70-sde-timestamp: SOURCE_DATE_EPOCH set and __TIMESTAMP__ in the source: gcc 12 still takes __TIMESTAMP__ from the file's mtime; the source is touched (same bytes) and the hit keeps the old timestamp (time macros)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
export SOURCE_DATE_EPOCH=1000000
printf 'const char *t = __TIMESTAMP__;\n' > a.c; touch -d '2020-01-01 10:00' a.c
warm a.o gcc -c a.c -o a.o
touch a.c
final a.o gcc -c a.c -o a.o
verdict
