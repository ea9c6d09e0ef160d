#!/bin/bash
# h5-21-lone-cr-line-end: a line ended by a lone CR (old Mac line ends, or a stray CR in mixed ones) before #include "x.h": gcc and clang take a lone CR as a new line, so the #include is a directive; the include scanner sees it mid-line and never probes x.h in the earlier -Id1: d1/x.h created later is taken by the compiler, the cache hits (class 1: include not scanned)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
printf '/* generated */\r#include "x.h"\nint f(void) { return x; }\n' > a.c
warm a.o gcc -I d1 -I d2 -c a.c -o a.o
echo 'int x = 1;' > d1/x.h
final a.o gcc -I d1 -I d2 -c a.c -o a.o
verdict
