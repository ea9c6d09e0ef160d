#!/bin/bash
# h5-17-clang-asm-source-include-paste: clang -c x.S: the integrated assembler reports no reads, so only the scanner can see .include; pasted by cpp (D(.in,clude) "m.s") it does not, and m.s changed is served from the cache (class 3 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
echo '.byte 1' > m.s
printf '#define D(a,b) a##b\n.data\nD(.in,clude) "m.s"\n' > x.S
warm x.o clang -c x.S -o x.o
echo '.byte 2' > m.s
final x.o clang -c x.S -o x.o
verdict
