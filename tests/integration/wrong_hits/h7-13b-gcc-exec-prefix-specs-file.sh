#!/bin/bash
# h7-13b-gcc-exec-prefix-specs-file: CLASS gcc's driver reads a file named "specs" from its startfile prefixes, GCC_EXEC_PREFIX among them (and its <machine>/<version>/ subfolder); one created there after the store (adding -DEXTRA=2 for cc1) must change the key
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
M=$(gcc -dumpmachine) V=$(gcc -dumpversion)
mkdir -p gep/$M/$V
# the prefix moves cc1 too: keep the real one there
ln -s "$(gcc -print-prog-name=cc1)" gep/$M/$V/cc1
export GCC_EXEC_PREFIX=$T/w/gep/
printf '#ifdef EXTRA\nint v = EXTRA;\n#else\nint v = 1;\n#endif\n' > a.c
warm a.o gcc -c a.c -o a.o
printf '*cc1:\n+ -DEXTRA=2\n\n' > gep/$M/$V/specs
final a.o gcc -c a.c -o a.o
verdict
