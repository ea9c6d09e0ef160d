#!/bin/bash
# h5-05-tty-clang-term-colon: on a terminal, TERM=my:term (a name with ':') whose entry file exists in TERMINFO with colours: ncurses refuses such a name (no colour), the server's terminfo.c reads the file and adds -fcolor-diagnostics to the miss (a miss whose stderr differs from the bare compiler's; terminal colour decision)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang script tic
printf 'myterm|a colour terminal,\n\tcolors#8, use=vt100,\n' > my.src
tic -o "$PWD/ti" my.src 2>/dev/null && [ -e ti/m/myterm ] || { echo "SKIP: tic cannot compile the entry"; exit 77; }
cp ti/m/myterm "ti/m/my:term"
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
ENV="env TERM=my:term TERMINFO=$PWD/ti"
CMD="clang -Wall -c a.c -o a.o"
h0=$(hits); script -q -c "$ENV $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "$ENV $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "compiled on a terminal with TERM=my:term TERMINFO=ti (ti/m/my:term has colours)"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict "the miss added -fcolor-diagnostics for a TERM ncurses refuses"
