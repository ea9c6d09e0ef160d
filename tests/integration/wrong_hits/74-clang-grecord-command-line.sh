#!/bin/bash
# 74-clang-grecord-command-line: clang -g -grecord-command-line records the injected -MD -MF <tmp>.d in the debug info producer flags (injected arguments visible in output)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
echo 'int v = 1;' > a.c
warm a.o clang -g -grecord-command-line -c a.c -o a.o
final a.o clang -g -grecord-command-line -c a.c -o a.o
echo "strings mentioning -MF in zccache's object: $(strings -a "$T/zc.a.o" | grep -c -- '-MF')"
echo "strings mentioning -MF in clang's object:   $(strings -a a.o | grep -c -- '-MF')"
verdict "outputs differ even on a miss" 1
