#!/bin/bash
# h6-18-emcc-multi-stops-at-failed-source: CLASS several sources in one -c, emcc (held): `emcc -c a.c b.c c.c` with b.c now failing: emcc stops there, so c.o must not be served
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c; printf 'int b(void) { return 2; }\n' > b.c; printf 'int c(void) { return 3; }\n' > c.c
warm "a.o b.o c.o" emcc -c a.c b.c c.c
printf 'int b(void) { return 2 }\n' > b.c
final "a.o b.o c.o" emcc -c a.c b.c c.c
verdict
