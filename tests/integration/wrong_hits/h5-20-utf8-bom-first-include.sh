#!/bin/bash
# h5-20-utf8-bom-first-include: a source starting with a UTF-8 byte order mark (EF BB BF, as editors on Windows write) then #include "x.h": the compilers skip the mark, the include scanner does not see a directive on that line, so x.h is never probed in the earlier -Id1; d1/x.h created later is what gcc (and clang) take, the cache hits (class 1: include not scanned)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
printf '\xef\xbb\xbf#include "x.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
echo 'int x = 1;' > d1/x.h
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
