#!/bin/bash
# h6-01-emcc-emmaken-env-error: CLASS emcc environment not sent/keyed: emcc 3.1.6 exits with an error when EMMAKEN_CFLAGS, EMMAKEN_COMPILER or EMMAKEN_NO_SDK is set; a hit answers exit 0 with the old object
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export EMMAKEN_CFLAGS=-O2
final a.o emcc -c a.c -o a.o
verdict
