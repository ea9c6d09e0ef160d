#!/bin/bash
# 26-depfile-hardlink: -MD -MF a.d where a.d is a hard link: gcc writes through it, a hit replaces a.d so the other link keeps stale bytes
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
echo 'int v = 1;' > a.c
warm "a.o a.d" gcc -MD -MF a.d -c a.c -o a.o
rm -f a.o a.d; echo stale > k.d; ln k.d a.d
h0=$(hits); zc gcc -MD -MF a.d -c a.c -o a.o; h1=$(hits); [ "$h0" != "$h1" ] && HIT=1
cp k.d "$T/zc.k.d"; ls -li a.d k.d
rm -f a.o a.d; echo stale > k.d; ln k.d a.d
gcc -MD -MF a.d -c a.c -o a.o; ls -li a.d k.d
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s k.d "$T/zc.k.d"; then echo "  k.d (other link of a.d): same"; else echo "  k.d (other link of a.d): DIFFERS (zccache: $(head -c 40 "$T/zc.k.d"); gcc: $(head -c 40 k.d))"; DIFF=1; fi
verdict
