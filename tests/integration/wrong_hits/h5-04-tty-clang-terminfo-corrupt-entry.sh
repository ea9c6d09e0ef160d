#!/bin/bash
# h5-04-tty-clang-terminfo-corrupt-entry: on a terminal, TERM=xterm with TERMINFO=dir whose x/xterm is a monochrome entry: no colour, stored; then that file is damaged (empty): ncurses skips it and takes the system's xterm (colours), the server's terminfo.c stops at the bad file (no colours), same key: the hit replays the uncoloured stderr (terminal colour decision)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang script tic
printf 'xterm|an xterm without colours,\n\tuse=vt100,\n' > my.src
tic -o "$PWD/ti" my.src 2>/dev/null && [ -e ti/x/xterm ] || { echo "SKIP: tic cannot compile the entry"; exit 77; }
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
ENV="env TERM=xterm TERMINFO=$PWD/ti"
CMD="clang -Wall -c a.c -o a.o"
for i in 1 2; do script -q -c "$ENV $BIN/zccache $CMD" /dev/null > /dev/null 2>&1; done
: > ti/x/xterm   # damaged: ncurses goes on to the next folder of its search
h0=$(hits); script -q -c "$ENV $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "$ENV $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "stored on a terminal with TERM=xterm TERMINFO=ti (ti/x/xterm: no colours), then ti/x/xterm emptied"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
grep -q $'\e\[' "$T/bare.tty" || { echo "SKIP: bare clang did not colour (no system xterm entry with colours?)"; exit 77; }
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict
