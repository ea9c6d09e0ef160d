#!/bin/bash
# p1-02-gch-made-with-define: warm with a valid h.h.gch; then the .gch remade from a header that says V 1 under -DX (gcc takes it for a unit without X)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#ifdef X\n#define V 1\n#else\n#define V 2\n#endif\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.c
gcc -O2 -x c-header h.h -o h.h.gch
warm a.o gcc -O2 -c a.c -o a.o
sleep 0.05; gcc -O2 -DX -x c-header h.h -o h.h.gch
final a.o gcc -O2 -c a.c -o a.o
verdict
