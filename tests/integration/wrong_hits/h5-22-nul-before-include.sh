#!/bin/bash
# h5-22-nul-before-include: a NUL byte before #include "x.h" at a line's start: gcc ignores it (with a warning) and clang takes it as white space, so the line is a directive; the include scanner does not, never probes x.h in the earlier -Id1, and d1/x.h created later is served the old object (class 1: include not scanned)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
printf '\0#include "x.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
echo 'int x = 1;' > d1/x.h
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
