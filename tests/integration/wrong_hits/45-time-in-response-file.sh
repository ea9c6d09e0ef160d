#!/bin/bash
# 45-time-in-response-file: -DNOW=__TIME__ inside an @response file (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf 'const char *t = NOW;\n' > a.c; echo '-DNOW=__TIME__' > r.rsp
warm a.o gcc @r.rsp -c a.c -o a.o
sleep 1.1
final a.o gcc @r.rsp -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
