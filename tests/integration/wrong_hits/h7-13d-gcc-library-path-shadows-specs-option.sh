#!/bin/bash
# h7-13d-gcc-library-path-shadows-specs-option: CLASS gcc's driver looks a relative -specs=FILE up on its startfile path (LIBRARY_PATH's folders among them) before the cwd; the cwd's extra.specs is keyed, but one created in LIBRARY_PATH's folder after the store (adding -DEXTRA=2 for cc1) shadows it and must change the key
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir lp
export LIBRARY_PATH=$T/w/lp
printf '#ifdef EXTRA\nint v = EXTRA;\n#else\nint v = 1;\n#endif\n' > a.c
printf '*cc1:\n+ -DNOTHING\n\n' > extra.specs
warm a.o gcc -specs=extra.specs -c a.c -o a.o
printf '*cc1:\n+ -DEXTRA=2\n\n' > lp/extra.specs
final a.o gcc -specs=extra.specs -c a.c -o a.o
verdict
