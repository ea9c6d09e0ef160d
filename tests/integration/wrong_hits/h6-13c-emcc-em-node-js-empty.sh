#!/bin/bash
# h6-13c-emcc-em-node-js-empty: CLASS emcc environment not sent or keyed: EM_NODE_JS set empty: tools/config.py takes EM_<KEY> for every config key and refuses a mandatory one set empty (NODE_JS), a hit must not answer 0
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export EM_NODE_JS=''
final a.o emcc -c a.c -o a.o
verdict
