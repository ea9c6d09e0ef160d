#!/bin/bash
# h6-13e-emcc-python-safepath-env: CLASS emcc environment not sent or keyed, through its interpreter: emcc is a Python program, and PYTHONSAFEPATH=1 (Python 3.11) keeps emcc.py's folder off sys.path, so it cannot import its tools and fails; a hit must not answer 0 (PYTHONVERBOSE=1, printing every import, is the same hole)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf 'int a(void) { return 1; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export PYTHONSAFEPATH=1
final a.o emcc -c a.c -o a.o
verdict
