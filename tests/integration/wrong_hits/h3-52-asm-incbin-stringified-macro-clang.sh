#!/bin/bash
# 52-clang-asm-incbin-stringified-macro: __asm__(S(DOT) "incbin ...") with DOT a macro for '.'; data changed (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# -clang---- case ----
need clang
cat > a.c <<'SRC'
#define DOT .
#define S2(x) #x
#define S(x) S2(x)
__asm__(S(DOT) "incbin \"x.bin\"");
SRC
echo 1 > x.bin
warm a.o clang -c a.c -o a.o
echo 2 > x.bin
final a.o clang -c a.c -o a.o
verdict
