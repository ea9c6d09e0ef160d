#!/bin/bash
# h5-02-walk-folder-away-and-back: a consulted -I folder renamed away (a round sees it missing), given a header there, renamed back (same inode), then one more name changed in it: with its change log full, the log's overwrite lowers the "forgotten" mark below the trace's listing, so a reused include walk misses the new header in the earlier -I folder (wrong hit)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
reused() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"search.walk_reused": \([0-9]*\).*/\1/p'; }
mkdir d1 d2
echo 'int x = 2;' > d2/x.h
echo 'int y = 2;' > d2/y.h
printf '#include "x.h"\nint f(void){return x;}\n' > a.c
printf '#include "y.h"\nint g(void){return y;}\n' > b.c
A="gcc -I d1 -I d2 -c a.c -o a.o"; B="gcc -I d1 -I d2 -c b.c -o b.o"
sleep 0.1; zc $B >/dev/null 2>&1               # d1 listed
for i in $(seq 1 70); do : > d1/junk$i; done    # 70 names changed in d1: its change log is full
sleep 0.1; zc $B >/dev/null 2>&1               # d1 re-listed, 70 changes logged
sleep 0.1
warm a.o $A                                    # store, hit
sleep 0.1; zc $A >/dev/null 2>&1               # hit: its walk's trace is kept
zc $A >/dev/null 2>&1                          # hit reusing the walk
echo "walk reused so far: $(reused)"
mv d1 d1.away; sleep 0.1; zc $B >/dev/null 2>&1          # a round sees d1 missing
echo 'int x = 1;' > d1.away/x.h; mv d1.away d1          # same inode back, now with x.h
sleep 0.1; zc $B >/dev/null 2>&1                          # a round sees d1 again (fresh listing)
: > d1/junk71; sleep 0.1; zc $B >/dev/null 2>&1           # one more change: logged, overwriting an old one
sleep 0.1
final a.o $A
echo "walk reused: $(reused)"
verdict
