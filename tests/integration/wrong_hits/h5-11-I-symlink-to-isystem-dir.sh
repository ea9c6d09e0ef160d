#!/bin/bash
# h5-11-I-symlink-to-isystem-dir: -Id2 -isystem d1, x.h (warns) in both with the same text: found in d2, a user header, so the warning shows; d2 then becomes a symlink to d1: gcc drops -Id2 as a duplicate of a system folder (dev/ino, not name), x.h is a system header and the warning goes; every probe and digest is unchanged, the hit replays the warning (search-path model: duplicate folders by identity, case 27 by name)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir d1 d2
printf 'static inline int g(int x) { if (x = 1) return 1; return 0; }\n' > d1/x.h
cp d1/x.h d2/x.h
printf '#include <x.h>\nint f(int y) { return g(y); }\n' > a.c
warm a.o gcc -Wall -I d2 -isystem d1 -c a.c -o a.o
rm -rf d2; ln -s d1 d2
final a.o gcc -Wall -I d2 -isystem d1 -c a.c -o a.o
verdict
