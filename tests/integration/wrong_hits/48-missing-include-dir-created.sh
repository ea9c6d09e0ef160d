#!/bin/bash
# 48-missing-include-dir-created: -Wmissing-include-dirs -Ie with e missing at store, then e created: the hit replays a stale warning (dir existence diagnostics)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo 'int v = 1;' > a.c
warm "a.o" gcc -Wmissing-include-dirs -Ie -c a.c -o a.o
mkdir e
final "a.o" gcc -Wmissing-include-dirs -Ie -c a.c -o a.o
verdict
