#!/bin/bash
# h8-03b-include-subfolder-renamed-over-during-compile: CLASS "changed while it compiled" (h8-03's, for a folder in the include's name): #include <sub/h.h> with -Iinc; inc is recorded as a search folder, inc/sub is not. While gcc compiles (it has read inc/sub/h.h, V 1) the build swaps in a staging folder made an hour ago (mv inc/sub inc/sub.old; mv inc/sub.new inc/sub). The store reads inc/sub/h.h anew: sub.new's h.h (V 2), whose stamps are an hour old; only the renamed folder's ctime moved.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump
python3 -c "
print('#include <sub/h.h>')
print('int v = V;')
for i in range(300):
    print(f'int f{i}(int x){{ int s=0; for(int k=0;k<x;k++) s += (k*{i})^(s>>3); return s+{i}; }}')
" > big.c
mkdir -p inc/sub inc/sub.new
printf '#define V 1\n' > inc/sub/h.h; printf '#define V 2\n' > inc/sub.new/h.h
touch -d '-1 hour' inc/sub/h.h inc/sub.new/h.h inc/sub inc/sub.new inc big.c
F=-DCASE_H8_03B
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	zc gcc -O2 "$F" -Iinc -c big.c -o big.o & pid=$!
	sleep 0.4; mv inc/sub inc/sub.old && mv inc/sub.new inc/sub
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	mv inc/sub inc/sub.new && mv inc/sub.old inc/sub; rm -f big.o
done
final big.o gcc -O2 "$F" -Iinc -c big.c -o big.o
verdict
