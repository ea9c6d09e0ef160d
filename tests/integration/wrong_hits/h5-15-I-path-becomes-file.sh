#!/bin/bash
# h5-15-I-path-becomes-file: -Igen with gen missing at store; gen then created as a regular file: gcc warns "gen: not a directory" (always, no -W needed), the cache counts a file like a missing folder and the hit replays no warning (-I dir existence diagnostics, as 46-48)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d2
echo 'int x = 2;' > d2/x.h
printf '#include "x.h"\nint g(void) { return x; }\n' > b.c
warm b.o gcc -I gen -I d2 -c b.c -o b.o
echo 'not a folder' > gen
final b.o gcc -I gen -I d2 -c b.c -o b.o
verdict
