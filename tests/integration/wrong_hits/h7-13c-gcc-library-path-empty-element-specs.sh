#!/bin/bash
# h7-13c-gcc-library-path-empty-element-specs: CLASS gcc's driver reads a file named "specs" from LIBRARY_PATH's folders; an empty element is the cwd ("./"), and each folder's <machine>/<version>/ subfolder is tried first: a specs file created in the cwd's subfolder after the store must change the key
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
M=$(gcc -dumpmachine) V=$(gcc -dumpversion)
mkdir -p lp $M/$V
export LIBRARY_PATH=$T/w/lp::
printf '#ifdef EXTRA\nint v = EXTRA;\n#else\nint v = 1;\n#endif\n' > a.c
warm a.o gcc -c a.c -o a.o
printf '*cc1:\n+ -DEXTRA=2\n\n' > $M/$V/specs
final a.o gcc -c a.c -o a.o
verdict
