#!/bin/bash
# h5-08-clang-incbin-macro-name: clang's integrated assembler reports no reads, so only the scanner can see .incbin; spelled "." STR(INC) with INC a macro for incbin it does not, and the data changed is served from the cache (class 3 variant of h3-52)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
cat > a.c <<'SRC'
#define S(x) #x
#define STR(x) S(x)
#define INC incbin
__asm__(".section .rodata\n.globl blob\nblob: ." STR(INC) " \"x.bin\"\n.previous\n");
int f(void) { return 1; }
SRC
echo 1 > x.bin
warm a.o clang -c a.c -o a.o
echo 2 > x.bin
final a.o clang -c a.c -o a.o
verdict
