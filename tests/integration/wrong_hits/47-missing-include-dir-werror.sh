#!/bin/bash
# 47-missing-include-dir-werror: -Werror -Wmissing-include-dirs -Ie, then e removed: gcc fails (exit 1), the hit succeeds with an object (dir existence diagnostics)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir e; echo 'int v = 1;' > a.c
warm "a.o" gcc -Werror -Wmissing-include-dirs -Ie -c a.c -o a.o
rmdir e
final "a.o" gcc -Werror -Wmissing-include-dirs -Ie -c a.c -o a.o
verdict
