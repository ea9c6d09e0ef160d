#!/bin/bash
# 16-tty-columns-gcc: on a terminal, gcc truncates source lines to COLUMNS; entry stored with COLUMNS=200 replayed for COLUMNS=40 (new class: terminal-dependent diagnostics)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc script
printf 'int f(int x){ int unused_variable_with_a_rather_long_name_here; if (x = 1) return 1; return 0; } /* padding padding padding padding padding */\n' > a.c
CMD="gcc -Wall -c a.c -o a.o"
# run on a pseudo-terminal (script(1)); the compiler sees a tty on stderr
for i in 1 2; do script -q -c "COLUMNS=200 $BIN/zccache $CMD" /dev/null > /dev/null 2>&1; done
h0=$(hits); script -q -c "COLUMNS=40 $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1; h1=$(hits)
script -q -c "COLUMNS=40 $CMD" /dev/null > "$T/bare.tty" 2>&1
[ "$h0" != "$h1" ] && HIT=1
echo "stored with: COLUMNS=200   then compiled with: COLUMNS=40"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-160 | sed 's/^/    /'; DIFF=1; fi
verdict
