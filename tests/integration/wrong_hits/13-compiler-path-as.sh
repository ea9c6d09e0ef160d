#!/bin/bash
# 13-compiler-path-as: COMPILER_PATH=bin; bin/as created later (gcc runs it instead of /usr/bin/as) (class 2 variant)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir bin; echo 'int v = 1;' > a.c; export COMPILER_PATH=$PWD/bin
warm a.o gcc -c a.c -o a.o
printf '#!/bin/sh\necho using-bin-as >&2\nexec /usr/bin/as --defsym zz_fake_as=1 "$@"\n' > bin/as; chmod +x bin/as
final a.o gcc -c a.c -o a.o
verdict
