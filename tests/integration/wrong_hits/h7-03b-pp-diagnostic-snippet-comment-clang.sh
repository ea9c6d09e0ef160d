#!/bin/bash
# h7-03b-pp-diagnostic-snippet-comment-clang: CLASS preprocessor mode: a diagnostic quotes the header's line as it is on disk and points at its column, the -E text drops comments: clang, a comment before the warned name grown longer keeps the key (same tokens, same -E text); the hit must not replay the old quote and column
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
# the header, its comment before the warned name given
hdr() { printf 'static int g(void) { int /* %s */ unused; return 1; }\n' "$1" > h.h; }
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n#include "h.h"\nint f(void) { return g(); }\n' > a.c
hdr a
warm a.o clang -Wall -c a.c -o a.o
sleep 1.1; hdr abcdef
final a.o clang -Wall -c a.c -o a.o
verdict
