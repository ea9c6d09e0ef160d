#!/bin/bash
# h7-04-pp-P-drops-line-markers: CLASS preprocessor mode with -P (kept in the -E): the -E text has no line markers, so which file a header was found as (and its line numbers) is not in the key; a same-text copy earlier on the search path keeps the key, the hit's depfile names the old one
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
mkdir a b
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n#include "h.h"\nint f(void) { return V; }\n' > x.c
printf '#define V 1\n' > b/h.h
warm "x.o x.d" gcc -P -Ia -Ib -MD -c x.c -o x.o
cp b/h.h a/h.h
final "x.o x.d" gcc -P -Ia -Ib -MD -c x.c -o x.o
verdict
