#!/bin/bash
# 12-has-include-next: __has_include_next(<h.h>) false at store, later h.h created in a later -I dir (class 1 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir a b c; printf '#if __has_include_next(<h.h>)\n#define V 1\n#else\n#define V 2\n#endif\n' > a/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
warm a.o gcc -Ia -Ib -Ic -c a.c -o a.o
touch c/h.h
final a.o gcc -Ia -Ib -Ic -c a.c -o a.o
verdict
