#!/bin/bash
# h6-13d-emcc-config-reads-env: CLASS emcc environment not sent or keyed, through its config: the config (Python, exec'ed by emcc) reads BINARYEN from the environment, as configs emcc generated once did; BINARYEN set empty makes emcc fail (BINARYEN_ROOT empty), a hit must not answer 0
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
[ -f /usr/share/emscripten/.emscripten ] || { echo "SKIP: no Debian emcc config"; exit 77; }
sed 's|^BINARYEN_ROOT = .*|import os\nBINARYEN_ROOT = os.getenv("BINARYEN", "/usr")|' /usr/share/emscripten/.emscripten > em.cfg
export EM_CONFIG=$PWD/em.cfg
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export BINARYEN=
final a.o emcc -c a.c -o a.o
verdict
