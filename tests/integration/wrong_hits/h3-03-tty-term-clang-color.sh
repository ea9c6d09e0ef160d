#!/bin/bash
# 03-tty-term-clang-color: on a terminal, clang colours diagnostics only for TERMs it knows (xterm..., not vt52); entry stored with TERM=xterm replayed for TERM=vt52 (terminal-dependent diagnostics: TERM's value)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang script
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
CMD="clang -Wall -c a.c -o a.o"
# run on a pseudo-terminal (script(1)); the compiler sees a tty on stderr
for i in 1 2; do script -q -c "env TERM=xterm $BIN/zccache $CMD" /dev/null > /dev/null 2>&1; done
h0=$(hits); script -q -c "env TERM=vt52 $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "env TERM=vt52 $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "stored with: TERM=xterm   then compiled with: TERM=vt52"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict
