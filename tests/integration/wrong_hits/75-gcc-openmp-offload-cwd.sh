#!/bin/bash
# 75-gcc-openmp-offload-cwd: gcc -fopenmp with a target region (Debian gcc 12 is configured with offload targets): the offload LTO stream records the cwd; a second checkout at another path hits and gets the first checkout's bytes (cwd in output without debug flags)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir ../w1; cd ../w1
printf 'int f(int n){ int s = 0;\n#pragma omp target map(tofrom:s)\n for (int i = 0; i < n; i++) s += i;\n return s; }\n' > a.c
warm a.o gcc -fopenmp -frandom-seed=1 -c a.c -o a.o
cp -a ../w1 ../w2-other-path; cd ../w2-other-path
final a.o gcc -fopenmp -frandom-seed=1 -c a.c -o a.o
verdict
