#!/bin/bash
# 05-known-as-in-path: a different 'as' placed first in PATH after the entry was stored (known class 2)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir bin; echo 'int v = 1;' > a.c
export PATH=$PWD/bin:$PATH
warm a.o gcc -c a.c -o a.o
printf '#!/bin/sh\nexec /usr/bin/as --defsym zz_fake_as=1 "$@"\n' > bin/as; chmod +x bin/as; hash -r
final a.o gcc -c a.c -o a.o
verdict
