#!/bin/bash
# 50-clang-asm-include-line-splice: __asm__(".incl<backslash-newline>ude \"x.inc\""): gas includes x.inc; x.inc changed (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# -clang---- case ----
need clang
printf '__asm__(".incl\\\nude \\"x.inc\\"");\n' > a.c; cat a.c; echo '.byte 1' > x.inc
warm "a.o" clang -c a.c -o a.o
echo '.byte 2' > x.inc
final "a.o" clang -c a.c -o a.o
verdict
