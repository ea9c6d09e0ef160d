#!/bin/bash
# 46-missing-include-dir-removed: -Wmissing-include-dirs -Ie, then the (empty) dir e removed: gcc warns, the hit replays no warning (new class: -I dir existence diagnostics)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir e; echo 'int v = 1;' > a.c
warm "a.o" gcc -Wmissing-include-dirs -Ie -c a.c -o a.o
rmdir e
final "a.o" gcc -Wmissing-include-dirs -Ie -c a.c -o a.o
verdict
