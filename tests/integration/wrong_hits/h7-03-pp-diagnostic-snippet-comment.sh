#!/bin/bash
# h7-03-pp-diagnostic-snippet-comment: CLASS preprocessor mode: a diagnostic quotes the header's line as it is on disk (comments included), the -E text drops comments: a comment changed on a warned line keeps the key, the hit replays the old quote
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n#include "h.h"\nint f(void) { return g(); }\n' > a.c
printf 'static int g(void) { int unused; return 1; } /* version one */\n' > h.h
warm a.o gcc -Wall -c a.c -o a.o
sleep 1.1; printf 'static int g(void) { int unused; return 1; } /* version TWO */\n' > h.h
final a.o gcc -Wall -c a.c -o a.o
verdict
