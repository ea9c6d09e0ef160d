#!/bin/bash
# h7-02-pp-gch-created-after-store: CLASS preprocessor mode: a .gch beside a header appears after the store; the -E still reads the header's text (same key), the compile loads the .gch (built from other text: gcc does not check the header's bytes)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
printf '#include "h.h"\n#include "probe.h"\nint v = V;\n' > a.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n' > probe.h
printf '#define V 1\n' > h.h
gcc -O2 -x c-header h.h -o h.h.gch; rm -f h.h.gch.tmp
printf '#define V 2\n' > h.h; mv h.h.gch /tmp/h7-02.$$.gch; CLEANUP_EXTRA='rm -f /tmp/h7-02.$$.gch'
zc gcc -O2 -c a.c -o a.o  # learns the route (the probe is in a header)
warm a.o gcc -O2 -c a.c -o a.o
mv /tmp/h7-02.$$.gch h.h.gch
final a.o gcc -O2 -c a.c -o a.o
verdict
