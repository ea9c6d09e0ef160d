#!/bin/bash
# h6-13b-emcc-temp-dir-env: CLASS emcc environment not sent or keyed: EMCC_TEMP_DIR names a missing folder: emcc 3.1.6 (tools/shared.py) exits with an error, a hit must not answer 0 (an EMCC_* variable no list named)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export EMCC_TEMP_DIR=/nonexistent
final a.o emcc -c a.c -o a.o
verdict
