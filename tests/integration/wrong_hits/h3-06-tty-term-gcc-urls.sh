#!/bin/bash
# 06-tty-term-gcc-urls: on a terminal, gcc 12 adds option-URL hyperlinks for TERM=xterm-256color but not for TERM=xterm; entry stored with TERM=xterm replayed for TERM=xterm-256color (terminal-dependent diagnostics: TERM's value)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc script
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
CMD="gcc -Wall -c a.c -o a.o"
# run on a pseudo-terminal (script(1)); the compiler sees a tty on stderr
for i in 1 2; do script -q -c "env TERM=xterm $BIN/zccache $CMD" /dev/null > /dev/null 2>&1; done
h0=$(hits); script -q -c "env TERM=xterm-256color $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "env TERM=xterm-256color $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "stored with: TERM=xterm   then compiled with: TERM=xterm-256color"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict
