#!/bin/bash
# 27-I-dropped-by-isystem: -Ia -Ib -isystem a: gcc drops -Ia (a is a system dir), so b is searched first; b/h.h created (new class: search-path model)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir a b; echo '#define V 2' > a/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
warm a.o gcc -Ia -Ib -isystem a -c a.c -o a.o
echo '#define V 1' > b/h.h
final a.o gcc -Ia -Ib -isystem a -c a.c -o a.o
verdict
