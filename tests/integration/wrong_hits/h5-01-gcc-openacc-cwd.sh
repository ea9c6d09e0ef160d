#!/bin/bash
# h5-01-gcc-openacc-cwd: gcc -fopenacc offload tables record the cwd (as -fopenmp's do); the same command in a second checkout at another path must not hit the first checkout's object (found by the settled re-run of the cases)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir ../w1; cd ../w1
printf 'void f(int n, float *a){\n#pragma acc kernels copy(a[0:n])\n for (int i = 0; i < n; i++) a[i] += 1;\n}\n' > a.c
warm a.o gcc -fopenacc -frandom-seed=1 -c a.c -o a.o
cp -a ../w1 ../w2-other-path; cd ../w2-other-path
final a.o gcc -fopenacc -frandom-seed=1 -c a.c -o a.o
verdict
