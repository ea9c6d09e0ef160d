#!/bin/bash
# 24-gch-in-I-dir: h.h.gch created in the -I dir next to <h.h>; gcc uses it (PCH candidate of #include)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir i; printf '#define V 2\n' > i/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
warm a.o gcc -Ii -c a.c -o a.o
mkdir g; printf '#define V 1\n' > g/h.h; gcc -x c-header g/h.h -o i/h.h.gch
final a.o gcc -Ii -c a.c -o a.o
verdict
