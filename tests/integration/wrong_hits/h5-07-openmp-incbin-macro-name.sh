#!/bin/bash
# h5-07-openmp-incbin-macro-name: gcc -fopenmp (also -fopenacc, -flto -ffat-lto-objects) gets no assembler depfile any more, so only the scanner can see .incbin; spelled "." STR(INC) with INC a macro for incbin it does not, and the data changed is served from the cache (class 3 variant of 52, reopened by ec564b4)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
cat > a.c <<'SRC'
#define S(x) #x
#define STR(x) S(x)
#define INC incbin
__asm__(".section .rodata\n.globl blob\nblob: ." STR(INC) " \"x.bin\"\n.previous\n");
int f(void) { return 1; }
SRC
echo 1 > x.bin
warm a.o gcc -fopenmp -c a.c -o a.o
echo 2 > x.bin
final a.o gcc -fopenmp -c a.c -o a.o
verdict
