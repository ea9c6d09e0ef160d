#!/bin/bash
# h6-16-multi-md-one-header-changed: CLASS several sources in one -c (held): `gcc -c a.c b.c -MD`, a.c's header changes; b.c is served, a.c compiles, the objects and both depfiles are the compiler's
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
printf '#include "h.h"\nint a(void) { return X; }\n' > a.c; printf 'int b(void) { return 2; }\n' > b.c; printf '#define X 1\n' > h.h
warm "a.o b.o a.d b.d" gcc -c a.c b.c -MD
sleep 0.05; printf '#define X 5\n#include "h2.h"\n' > h.h; : > h2.h
final "a.o b.o a.d b.d" gcc -c a.c b.c -MD
verdict
