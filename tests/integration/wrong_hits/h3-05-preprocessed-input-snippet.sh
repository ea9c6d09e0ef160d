#!/bin/bash
# 05-preprocessed-input-snippet: gcc -c a.i (preprocessed; its linemarkers name h.h): gcc's warning in h.h's code quotes the line it reads from h.h on disk; h.h edited, a.i not regenerated: the hit replays the old line (files read for diagnostics only)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc
printf 'static inline int f(int x){ if (x = 1) return 1; return 0; }\n' > h.h
printf '#include "h.h"\nint g(int x){ return f(x); }\n' > a.c
gcc -E a.c -o a.i
warm a.o gcc -Wall -c a.i -o a.o
printf 'static inline int f(int x){ if (x = 1) return 1; return 0; } /* edited */\n' > h.h
final a.o gcc -Wall -c a.i -o a.o
verdict
