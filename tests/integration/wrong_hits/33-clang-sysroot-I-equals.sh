#!/bin/bash
# 33-clang-sysroot-I-equals: clang --sysroot=S -I=/a -I=/b; S/a/h.h created (search-path model)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir -p S/a S/b; echo '#define V 2' > S/b/h.h; printf '#include <h.h>\nint v = V;\n' > a.c
warm a.o clang --sysroot=S -I=/a -I=/b -c a.c -o a.o
echo '#define V 1' > S/a/h.h
final a.o clang --sysroot=S -I=/a -I=/b -c a.c -o a.o
verdict
