#!/bin/bash
# h7-03c-pp-diagnostic-column-after-comment: CLASS preprocessor mode: a diagnostic names the column of the warned token on disk, the -E text drops comments: gcc, a comment before the warned name grown longer moves the column (h.h:1:36 to 1:41) but keeps the -E text and so the key; the hit must not replay the old column
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n#include "h.h"\nint f(void) { return g(); }\n' > a.c
printf 'static int g(void) { int /* a */ unused; return 1; }\n' > h.h
warm a.o gcc -Wall -fno-diagnostics-show-caret -c a.c -o a.o
sleep 1.1; printf 'static int g(void) { int /* abcdef */ unused; return 1; }\n' > h.h
final a.o gcc -Wall -fno-diagnostics-show-caret -c a.c -o a.o
verdict
