#!/bin/bash
# h8-01-pp-gch-in-earlier-dir-without-header: CLASS preprocessor mode: gcc looks for x.h.gch in every -I folder just before x.h there, and loads a .gch even when no x.h sits beside it. The store was made with -Ia -Ib, a/ empty, b/h.h read by both the -E and the compile. Then a/h.h.gch (built from other text) appears: the -E still reads b/h.h (same text, same key) and precompiled_beside() only probes b/h.h.gch (beside the entered header), so the hit serves b/h.h's object while the bare compile loads a/h.h.gch.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
mkdir a b
printf '#include "h.h"\n#include "probe.h"\nint v = V;\n' > t.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n' > b/probe.h
printf '#define V 5\n' > other.h
gcc -O2 -x c-header other.h -o "$T/h.h.gch"; rm -f other.h
printf '#define V 1\n' > b/h.h
zc gcc -O2 -Ia -Ib -c t.c -o t.o  # learns the route (the probe is in a header)
warm t.o gcc -O2 -Ia -Ib -c t.c -o t.o
mv "$T/h.h.gch" a/h.h.gch
final t.o gcc -O2 -Ia -Ib -c t.c -o t.o
verdict
