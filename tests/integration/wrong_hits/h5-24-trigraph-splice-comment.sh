#!/bin/bash
# h5-24-trigraph-splice-comment: a // comment ending in "??/" just before #include "x.h": trigraphs are off in gcc's default GNU mode (and clang's), so the comment ends at its line and the #include is a directive; the include scanner turns ??/ into a backslash, splices the #include into the comment and never probes x.h: d1/x.h created in the earlier -Id1 goes unseen (class 1: include not scanned)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
printf '// which one??/\n#include "x.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
echo 'int x = 1;' > d1/x.h
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
