#!/bin/bash
# h8-03-include-dir-renamed-over-during-compile: CLASS "changed while it compiled": -Igen, a real folder; while gcc compiles (it has read gen/h.h, V 1) the build swaps in a staging folder made an hour ago (mv gen gen.old; mv gen.new gen). The store reads gen/h.h anew after the compile: gen.new's h.h (V 2), whose mtime and ctime are an hour old. The folder's ctime moved (the rename), so check_found() asks whether the file found there changed during the compile: by its own ctime it did not (a rename of its folder leaves it alone), and changed_since() agrees. The object compiled from the old gen/h.h is keyed under the new one's digest.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump
slow_source big.c
mkdir gen gen.new
printf '#define V 1\n' > gen/h.h; printf '#define V 2\n' > gen.new/h.h
touch -d "-1 hour" gen/h.h gen.new/h.h gen gen.new big.c
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	zc gcc -O2 -Igen -c big.c -o big.o & pid=$!
	sleep 0.4; mv gen gen.old && mv gen.new gen
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	mv gen gen.new && mv gen.old gen; rm -f big.o
done
final big.o gcc -O2 -Igen -c big.c -o big.o
verdict
