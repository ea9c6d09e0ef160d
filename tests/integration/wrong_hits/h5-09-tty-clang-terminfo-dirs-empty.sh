#!/bin/bash
# h5-09-tty-clang-terminfo-dirs-empty: on a terminal, TERMINFO_DIRS=":dir" with dir/x/xterm monochrome: ncurses reads the empty element as /usr/share/terminfo alone (no xterm there on Debian: it is in /lib/terminfo), then dir: no colour; the server's terminfo.c reads it as all three system folders, finds /lib/terminfo's xterm with colours and adds -fcolor-diagnostics (a miss whose stderr differs, replayed by hits; terminal colour decision)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang script tic
[ -e /lib/terminfo/x/xterm ] && [ ! -e /usr/share/terminfo/x/xterm ] || { echo "SKIP: needs xterm in /lib/terminfo only (Debian's ncurses-base)"; exit 77; }
printf 'xterm|an xterm without colours,\n\tuse=vt100,\n' > mono.src
tic -o "$PWD/mono" mono.src 2>/dev/null && [ -e mono/x/xterm ] || { echo "SKIP: tic cannot compile the entry"; exit 77; }
printf 'int f(int x){ if (x = 1) return 1; return 0; }\n' > a.c
ENV="env TERM=xterm TERMINFO_DIRS=:$PWD/mono"
CMD="clang -Wall -c a.c -o a.o"
h0=$(hits); script -q -c "$ENV $BIN/zccache $CMD" /dev/null > "$T/zc.tty" 2>&1 </dev/null; h1=$(hits)
script -q -c "$ENV $CMD" /dev/null > "$T/bare.tty" 2>&1 </dev/null
[ "$h0" != "$h1" ] && HIT=1
echo "compiled on a terminal with TERM=xterm TERMINFO_DIRS=:mono (mono/x/xterm: no colours)"
echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss)"
if cmp -s "$T/zc.tty" "$T/bare.tty"; then echo "  terminal output: same"; else echo "  terminal output: DIFFERS"; diff <(cat -v "$T/zc.tty") <(cat -v "$T/bare.tty") | head -6 | cut -c1-200 | sed 's/^/    /'; DIFF=1; fi
verdict "the miss added -fcolor-diagnostics: an empty TERMINFO_DIRS element read as every system folder"
