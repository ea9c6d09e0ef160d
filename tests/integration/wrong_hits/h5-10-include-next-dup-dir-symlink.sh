#!/bin/bash
# h5-10-include-next-dup-dir-symlink: -Id1 -Id2 -Id3, <x.h> in d1 and d2 (same text, each #include_next), last in d3; d2 then becomes a symlink to d1: gcc drops d2 as a duplicate folder (same dev/ino), so #include_next goes from d1 straight to d3; every probe still finds the same kinds of file and d2/x.h the same text, so the cache hits with the old object (search-path model: duplicate folders)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2 d3
printf '#ifdef SEEN_ONCE\n#define SEEN_TWICE\n#endif\n#define SEEN_ONCE\n#include_next <x.h>\n' > d1/x.h
cp d1/x.h d2/x.h
printf '#ifdef SEEN_TWICE\nint x = 2;\n#else\nint x = 1;\n#endif\n' > d3/x.h
printf '#include <x.h>\nint f(void) { return x; }\n' > a.c
warm "a.o a.d" gcc -MD -MF a.d -I d1 -I d2 -I d3 -c a.c -o a.o
rm -rf d2; ln -s d1 d2
final "a.o a.d" gcc -MD -MF a.d -I d1 -I d2 -I d3 -c a.c -o a.o
verdict
