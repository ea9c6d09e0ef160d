#!/bin/bash
# h7-12b-clang-absolute-paths-include-symlink-retargeted: CLASS a folder keyed by its spelled path where the compiler prints its real path: clang -fdiagnostics-absolute-paths names a header that warns by its canonical folder; the -I folder is a symlink retargeted to an identical copy (same path, same bytes: same key), the hit must not replay the old real path
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#include "h.h"\nint f(void) { return h(); }\n' > a.c
mkdir H1 && printf 'static inline int h(void) { int unused; return 0; }\n' > H1/h.h
# an identical copy, mtime and all: only its real folder differs
cp -a H1 H2 && ln -s H1 inc
warm a.o clang -Wall -fdiagnostics-absolute-paths -Iinc -c a.c -o a.o
rm inc && ln -s H2 inc
final a.o clang -Wall -fdiagnostics-absolute-paths -Iinc -c a.c -o a.o
verdict
