#!/bin/bash
# h5-06-tty-gcc-plain-output: on a terminal, gcc -fdiagnostics-plain-output means no colour; the cache still counts the colour as "auto" and appends -fdiagnostics-color=always to the miss, which gcc obeys (a miss whose stderr differs from the bare compiler's, replayed by hits; terminal colour decision)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc script
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
ENV="env TERM=xterm"
CMD="gcc -Wall -fdiagnostics-plain-output -c a.c -o a.o"
h0=$(hits); script -q -c "$ENV $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1 </dev/null; h1=$(hits)
script -q -c "$ENV $CMD" /dev/null > "$T/bare.tty" 2>&1 </dev/null
[ "$h0" != "$h1" ] && HIT=1
echo "compiled on a terminal with TERM=xterm: $CMD"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict "the miss appended -fdiagnostics-color=always after -fdiagnostics-plain-output"
