#!/bin/bash
# 29-I-dropped-by-idirafter: -idirafter b -Ia -idirafter a: gcc drops -Ia, order is b then a; b/h.h created (search-path model)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir a b; echo '#define V 2' > a/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
warm a.o gcc -idirafter b -Ia -idirafter a -c a.c -o a.o
echo '#define V 1' > b/h.h
final a.o gcc -idirafter b -Ia -idirafter a -c a.c -o a.o
verdict
