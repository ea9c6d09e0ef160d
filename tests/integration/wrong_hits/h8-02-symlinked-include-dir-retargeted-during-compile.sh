#!/bin/bash
# h8-02-symlinked-include-dir-retargeted-during-compile: CLASS "changed while it compiled": -Igen where gen is a symlink to gen.v1; while gcc compiles (it has read gen/h.h from gen.v1), the link is retargeted atomically to gen.v2 (made an hour ago, as a generator's staging folder or a release symlink farm would be). After the compile the store reads gen/h.h anew: gen.v2's h.h, whose mtime and ctime are an hour old, in a folder whose ctime is an hour old, so neither changed_since() nor check_found() sees a change. The object compiled from gen.v1/h.h is keyed under gen.v2/h.h's digest and served to the next compile, which reads gen.v2.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump
slow_source big.c
mkdir gen.v1 gen.v2
printf '#define V 1\n' > gen.v1/h.h; printf '#define V 2\n' > gen.v2/h.h
touch -d '-1 hour' gen.v1/h.h gen.v2/h.h gen.v1 gen.v2 big.c
ln -s gen.v1 gen
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	zc gcc -O2 -Igen -c big.c -o big.o & pid=$!
	sleep 0.4; ln -s gen.v2 gen.tmp && mv -T gen.tmp gen
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	ln -s gen.v1 gen.tmp && mv -T gen.tmp gen; rm -f big.o
done
final big.o gcc -O2 -Igen -c big.c -o big.o
verdict
