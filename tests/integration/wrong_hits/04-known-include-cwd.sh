#!/bin/bash
# 04-known-include-cwd: -include cfg.h found in -Iinc, then ./cfg.h created in the cwd (known class 1)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir inc; echo '#define V 2' > inc/cfg.h; printf 'int v = V;\n' > a.c
warm a.o gcc -Iinc -include cfg.h -c a.c -o a.o
echo '#define V 1' > cfg.h
final a.o gcc -Iinc -include cfg.h -c a.c -o a.o
verdict
