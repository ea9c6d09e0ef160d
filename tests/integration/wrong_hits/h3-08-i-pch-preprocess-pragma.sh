#!/bin/bash
# 08-i-pch-preprocess-pragma: a.i made with -E -fpch-preprocess holds '#pragma GCC pch_preprocess "h.h.gch"': compiling a.i reads h.h.gch; h.h.gch rebuilt from a changed h.h: the hit serves the old object (new class: files a preprocessed input names)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc
echo 'static int V = 1;' > h.h; gcc -x c-header h.h -o h.h.gch
printf '#include "h.h"\nint v(void){ return V; }\n' > a.c
gcc -E -fpch-preprocess a.c -o a.i     # a.i: #pragma GCC pch_preprocess "h.h.gch"
warm a.o gcc -c a.i -o a.o
echo 'static int V = 2;' > h.h; gcc -x c-header h.h -o h.h.gch
final a.o gcc -c a.i -o a.o
verdict
