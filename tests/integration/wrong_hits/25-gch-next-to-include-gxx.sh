#!/bin/bash
# 25-gch-next-to-include-gxx: g++: h.h.gch created next to h.h used by #include "h.h" (PCH candidate of #include)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need g++
printf '#define V 2\n' > h.h; printf '#include "h.h"\nint v = V;\n' > a.cc
warm a.o g++ -c a.cc -o a.o
mkdir g; printf '#define V 1\n' > g/h.h; g++ -x c++-header g/h.h -o h.h.gch
final a.o g++ -c a.cc -o a.o
verdict
