#!/bin/bash
# h6-13-emcc-em-config-key-env: CLASS emcc environment not sent/keyed: emcc overrides every config key by EM_<KEY> (tools/config.py CONFIG_KEYS), only a few are sent: EM_BINARYEN_ROOT set empty makes emcc fail (mandatory key), a hit answers exit 0
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export EM_BINARYEN_ROOT=
final a.o emcc -c a.c -o a.o
verdict
