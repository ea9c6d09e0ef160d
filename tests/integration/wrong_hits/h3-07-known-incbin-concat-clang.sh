#!/bin/bash
# 07-clang-known-incbin-concat: .incbin spelled with string concatenation in __asm__, data file changed (known class 3)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# -clang---- case ----
need clang
printf '__asm__(".section .rodata\\n.inc" "bin \\"data.bin\\"\\n.text");\n' > a.c
echo one > data.bin
warm a.o clang -c a.c -o a.o
echo two > data.bin
final a.o clang -c a.c -o a.o
verdict
