#!/bin/bash
# h8-07b-two-second-fs-header-appears-in-earlier-dir: CLASS "changed while it compiled" on a filesystem with 2-second timestamps (the include search's side of h8-07) (FAT: Linux's fat driver keeps ctime = mtime, truncated to an even second; emulated here by a small FUSE passthrough, fat2s, since this kernel has no vfat). -Iinc -Ib: the compile finds b/h.h (V 1); during the compile, in an odd second S.x it also started in, inc/h.h (V 2) is created on the 2-second filesystem: it and its folder are stamped S-1. The store's search finds inc/h.h; check_found() asks whether its folder changed during the compile by timestamp_at_or_after (t >= start - 1 s for a whole-second stamp): S-1 is below, so the name counts as there before the compile, and the object compiled from b/h.h is keyed under inc/h.h's digest. The next compile reads inc/h.h.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
fat2s_mount
slow_source big.c
mkdir "$T/mnt/inc" b; printf '#define V 1\n' > b/h.h; touch -d '-1 hour' b/h.h b "$T/mnt/inc" big.c
ln -s "$T/mnt/inc" inc
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	# start just after an odd second begins; create inc/h.h 0.3 s later,
	# while gcc still compiles (it found b/h.h at once): stamped the even second before
	python3 -c 'import time; t=time.time(); s=int(t)+1; s += (s % 2 == 0); time.sleep(s + 0.02 - t)'
	zc gcc -O2 -Iinc -Ib -c big.c -o big.o & pid=$!
	sleep 0.3; printf '#define V 2\n' > inc/h.h
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	rm -f inc/h.h big.o
done
final big.o gcc -O2 -Iinc -Ib -c big.c -o big.o
verdict
