#!/bin/bash
# h7-12-clang-absolute-paths-symlink-retargeted: CLASS the folder keyed as $PWD where the compiler prints its real path: clang -fdiagnostics-absolute-paths names files by their canonical (symlink-resolved) folder; the build folder is a symlink retargeted to an identical copy, $PWD (the key) stays the same, the hit replays the old real path
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir P1 P2
for d in P1 P2; do printf 'int f(void) { int unused; return 0; }\n' > $d/a.c; done
touch -r P1/a.c P2/a.c
ln -s P1 L
cd "$T/w/L" && export PWD=$T/w/L
warm a.o clang -Wall -fdiagnostics-absolute-paths -c a.c -o a.o
cd "$T/w" && rm L && ln -s P2 L
cd "$T/w/L" && export PWD=$T/w/L
final a.o clang -Wall -fdiagnostics-absolute-paths -c a.c -o a.o
verdict
