#!/bin/bash
# h5-03-tty-clang-terminfo-relative: on a terminal with TERMINFO=ti (relative: the build's cwd), clang colours by the entry ti/m/myterm; the server reads TERMINFO from its own cwd (/), finds no entry, so the key's colour choice is "none" whether the entry has colours or not: stored while it had colours, hit after it lost them (terminal colour decision)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang script tic
printf 'myterm|a colour terminal known only here,\n\tcolors#8, use=vt100,\n' > my.src
tic -o "$PWD/ti" my.src 2>/dev/null && [ -e ti/m/myterm ] || { echo "SKIP: tic cannot compile the entry"; exit 77; }
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
ENV="env TERM=myterm TERMINFO=ti"
CMD="clang -Wall -c a.c -o a.o"
for i in 1 2; do script -q -c "$ENV $BIN/zccache $CMD" /dev/null > /dev/null 2>&1; done
# the entry loses its colours (the same terminal name, now monochrome)
printf 'myterm|the same terminal, now without colours,\n\tuse=vt100,\n' > my.src
tic -o "$PWD/ti" my.src 2>/dev/null
h0=$(hits); script -q -c "$ENV $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "$ENV $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "stored on a terminal with TERM=myterm TERMINFO=ti (colours), then ti/m/myterm without colours"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict
