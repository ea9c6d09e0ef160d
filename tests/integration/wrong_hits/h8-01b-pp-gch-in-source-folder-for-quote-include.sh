#!/bin/bash
# h8-01b-pp-gch-in-source-folder-for-quote-include: CLASS preprocessor mode and a .gch gcc finds further up the search (h8-01's, the quote include's first folder): t.c's #include "h.h" looks in t.c's own folder first, then -Ib, where h.h is. After the store, ./h.h.gch (built from other text) appears beside t.c with no h.h there: gcc loads it, the -E still reads b/h.h, and the entered header's own folder (b/) has no .gch, so a check beside the entered header alone serves b/h.h's object.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
mkdir b
printf '#include "h.h"\n#include "probe.h"\nint v = V;\n' > t.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n' > b/probe.h
printf '#define V 5\n' > other.h
gcc -O2 -x c-header other.h -o "$T/h.h.gch"; rm -f other.h
printf '#define V 1\n' > b/h.h
zc gcc -O2 -Ib -c t.c -o t.o  # learns the route (the probe is in a header)
warm t.o gcc -O2 -Ib -c t.c -o t.o
mv "$T/h.h.gch" h.h.gch
final t.o gcc -O2 -Ib -c t.c -o t.o
verdict
