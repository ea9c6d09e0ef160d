#!/bin/bash
# h8-01c-pp-gch-in-earlier-dir-for-include-option: CLASS preprocessor mode and a .gch gcc finds further up the search (h8-01's, for an -include file): -include h.h -Ia -Ib, h.h found in b/ (not in the cwd). After the store, a/h.h.gch (built from other text) appears with no h.h beside it: gcc tries a/h.h.gch before b/h.h and loads it, the -E still reads b/h.h, so a check beside the entered header alone serves b/h.h's object.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
mkdir a b
printf '#include "probe.h"\nint v = V;\n' > t.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n' > b/probe.h
printf '#define V 5\n' > other.h
gcc -O2 -x c-header other.h -o "$T/h.h.gch"; rm -f other.h
printf '#define V 1\n' > b/h.h
zc gcc -O2 -include h.h -Ia -Ib -c t.c -o t.o  # learns the route (the probe is in a header)
warm t.o gcc -O2 -include h.h -Ia -Ib -c t.c -o t.o
mv "$T/h.h.gch" a/h.h.gch
final t.o gcc -O2 -include h.h -Ia -Ib -c t.c -o t.o
verdict
