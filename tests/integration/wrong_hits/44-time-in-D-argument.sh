#!/bin/bash
# 44-time-in-D-argument: -DNOW=__TIME__ on the command line (class 3 variant: time macro in arguments)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf 'const char *t = NOW;\n' > a.c
warm a.o gcc -DNOW=__TIME__ -c a.c -o a.o
sleep 1.1
final a.o gcc -DNOW=__TIME__ -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
