#!/bin/bash
# 51-clang-asm-incbin-octal-escape: __asm__("\\056incbin \"x.bin\"") (octal escape for the dot); x.bin changed (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# -clang---- case ----
need clang
printf '__asm__("\\056incbin \\"x.bin\\"");\n' > a.c; cat a.c; echo 1 > x.bin
warm "a.o" clang -c a.c -o a.o
echo 2 > x.bin
final "a.o" clang -c a.c -o a.o
verdict
