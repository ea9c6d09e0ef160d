#!/bin/bash
# h5-18-symlink-loop-header: -Id1 -Id2, x.h found in d2; then d1/x.h created as a symlink loop (x.h -> x.h): gcc's open fails with ELOOP, not ENOENT, so it stops with a fatal error; the cache's probe stats the link, finds no file, goes on to d2/x.h and hits (exit status and stderr differ; search-path model: a probe's errors other than "no such file")
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
printf '#include "x.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
ln -s x.h d1/x.h
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
