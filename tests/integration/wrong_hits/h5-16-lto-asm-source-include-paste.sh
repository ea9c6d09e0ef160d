#!/bin/bash
# h5-16-lto-asm-source-include-paste: gcc -flto -c x.S (LTO flags given to every object, assembler sources too): since ec564b4 no assembler depfile is added under -flto, though an assembler source's object has no LTO sections to record it; the scanner misses ".include" pasted by cpp (D(.in,clude)), so m.s changed is served from the cache (without -flto the depfile catches it; also -fopenmp)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo '.byte 1' > m.s
printf '#define D(a,b) a##b\n.data\nD(.in,clude) "m.s"\n' > x.S
warm x.o gcc -flto -c x.S -o x.o
echo '.byte 2' > m.s
final x.o gcc -flto -c x.S -o x.o
verdict
