#!/bin/bash
# h5-23-trigraph-like-header-name: #include "p??/q.h" (a folder named p??): in gcc's default GNU mode trigraphs are off, so the compiler looks for p??/q.h; the include scanner replaces ??/ by a backslash always and probes "p\q.h" instead, so p??/q.h created in the earlier -Id1 goes unseen and the cache hits (class 1: scanner's name differs from the compiler's; clang too)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir -p 'd1/p??' 'd2/p??'
echo 'int x = 2;' > 'd2/p??/q.h'
printf '#include "p??/q.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
echo 'int x = 1;' > 'd1/p??/q.h'
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
