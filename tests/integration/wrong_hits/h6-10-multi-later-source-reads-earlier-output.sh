#!/bin/bash
# h6-10-multi-later-source-reads-earlier-output: CLASS multi-source reordering: `gcc -c a.c b.s`, a.c prints (compiles last, in the final run) while b.s, which .incbin's a.o, is served first from the cache with the old a.o; gcc makes a.o first
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#define V 1\n' > h.h; printf '#include "h.h"\nint v = V;\n#warning hello\n' > a.c
printf '.section .rodata\n.incbin "a.o"\n' > b.s
gcc -c a.c 2>/dev/null
zc gcc -c a.c b.s >/dev/null 2>&1; zc gcc -c a.c b.s >/dev/null 2>&1
sleep 0.05; printf '#define V 2\n' > h.h
final b.o gcc -c a.c b.s
verdict
