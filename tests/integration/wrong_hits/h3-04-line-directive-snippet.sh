#!/bin/bash
# 04-line-directive-snippet: a.c says #line 1 "parse.y" (as bison/yacc/re2c output does); gcc's warning quotes the source line it READS FROM parse.y; parse.y edited (a.c unchanged): the hit replays the old quoted line (new class: files read for diagnostics only)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc
printf 'first line of the grammar\n' > parse.y
printf '#line 1 "parse.y"\nint f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
warm a.o gcc -Wall -c a.c -o a.o
printf 'the grammar, edited\n' > parse.y
final a.o gcc -Wall -c a.c -o a.o
verdict
