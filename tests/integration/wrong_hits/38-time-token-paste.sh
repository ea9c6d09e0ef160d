#!/bin/bash
# 38-time-token-paste: __TIME__ produced by token pasting CAT(__TI,ME__): cached, so the hit a second later has the old time (class 3 variant: time macro not spelled out)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define CAT(a,b) a##b\nconst char *t = CAT(__TI,ME__);\n' > a.c
warm a.o gcc -c a.c -o a.o
sleep 1.1
final a.o gcc -c a.c -o a.o
verdict "the clock moved between the two compiles" 0
