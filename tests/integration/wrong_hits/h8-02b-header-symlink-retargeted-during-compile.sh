#!/bin/bash
# h8-02b-header-symlink-retargeted-during-compile: CLASS "changed while it compiled" (h8-02's, one level down): -Iinc where inc/h.h is itself a symlink to v1/h.h; while gcc compiles (it has read v1/h.h) the link is replaced atomically by one to v2/h.h, made an hour ago (a symlink farm regenerated). The store reads inc/h.h anew after the compile: v2/h.h, whose stamps are an hour old, so changed_since() sees nothing, and the object compiled from v1/h.h is keyed under v2/h.h's digest. (A guard more than a new spelling: the store's search check, check_found(), already refuses it, since inc changed during the compile and the link found there is new.)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump
slow_source big.c
mkdir inc v1 v2
printf '#define V 1\n' > v1/h.h; printf '#define V 2\n' > v2/h.h
touch -d '-1 hour' v1/h.h v2/h.h v1 v2 big.c
ln -s ../v1/h.h inc/h.h; touch -h -d '-1 hour' inc/h.h inc
F=-DCASE_H8_02B
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	zc gcc -O2 "$F" -Iinc -c big.c -o big.o & pid=$!
	sleep 0.4; ln -s ../v2/h.h inc/h.tmp && mv -T inc/h.tmp inc/h.h
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	ln -s ../v1/h.h inc/h.tmp && mv -T inc/h.tmp inc/h.h; rm -f big.o
done
final big.o gcc -O2 "$F" -Iinc -c big.c -o big.o
verdict
