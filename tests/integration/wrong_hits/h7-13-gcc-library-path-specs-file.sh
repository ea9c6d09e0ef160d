#!/bin/bash
# h7-13-gcc-library-path-specs-file: CLASS gcc's driver reads a file named "specs" from its startfile prefixes, LIBRARY_PATH's folders among them (also for -c), and takes it as its specs; one created there after the store (adding -DEXTRA=2 for cc1) is not keyed, the hit serves the object made without it
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir lp
export LIBRARY_PATH=$T/w/lp
printf '#ifdef EXTRA\nint v = EXTRA;\n#else\nint v = 1;\n#endif\n' > a.c
warm a.o gcc -c a.c -o a.o
printf '*cc1:\n+ -DEXTRA=2\n\n' > lp/specs
final a.o gcc -c a.c -o a.o
verdict
