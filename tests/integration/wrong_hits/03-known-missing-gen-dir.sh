#!/bin/bash
# 03-known-missing-gen-dir: -Igen -Iinc with gen/ missing at store, then gen/h.h created (known class 1)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir inc; echo '#define V 2' > inc/h.h; printf '#include "h.h"\nint v = V;\n' > a.c
warm a.o gcc -Igen -Iinc -c a.c -o a.o
mkdir gen; echo '#define V 1' > gen/h.h
final a.o gcc -Igen -Iinc -c a.c -o a.o
verdict
