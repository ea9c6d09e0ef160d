#!/bin/bash
# 72-gcc-lto-cwd: gcc -flto objects record the cwd (even without -g); the same command in a second checkout at another path hits and gets the first checkout's cwd (new class: cwd in output without debug flags)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir ../w1; cd ../w1; echo 'int v = 1;' > a.c
warm a.o gcc -flto -frandom-seed=1 -c a.c -o a.o
cp -a ../w1 ../w2-other-path; cd ../w2-other-path
final a.o gcc -flto -frandom-seed=1 -c a.c -o a.o
gcc -flto -frandom-seed=1 -c a.c -o "$T/bare-here.o"; (cd ../w1 && gcc -flto -frandom-seed=1 -c a.c -o "$T/bare-w1.o")
cmp -s "$T/bare-here.o" "$T/bare-w1.o" && echo "gcc's objects in the two checkouts: identical" || echo "gcc's objects in the two checkouts: differ (the LTO streamer records the cwd)"
verdict
