#!/bin/bash
# h8-07-two-second-fs-header-changed-during-compile: CLASS "changed while it compiled" on a filesystem with 2-second timestamps (FAT: Linux's fat driver keeps ctime = mtime, truncated to an even second; emulated here by a small FUSE passthrough, fat2s, since this kernel has no vfat). changed_since() and check_found() give a whole-second stamp a margin of one second (timestamp_at_or_after: t >= start - 1 s). A header rewritten during the compile, in an odd second S.x the compile also started in, is stamped S-1, which is below start - 1 s: the store keys the object compiled from the old header under the new header's digest (h7-10's rule, too short for 2-second stamps).
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
fat2s_mount
slow_source big.c
mkdir "$T/mnt/inc"; printf '#define V 1\n' > "$T/mnt/inc/h.h"; touch -d '-1 hour' "$T/mnt/inc/h.h" "$T/mnt/inc" big.c
ln -s "$T/mnt/inc" inc
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	# start just after an odd second begins; rewrite the header 0.3 s later,
	# while gcc still compiles (it read h.h at once): stamped the even second before
	python3 -c 'import time; t=time.time(); s=int(t)+1; s += (s % 2 == 0); time.sleep(s + 0.02 - t)'
	zc gcc -O2 -Iinc -c big.c -o big.o & pid=$!
	sleep 0.3; printf '#define V 2\n' > inc/h.h
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	printf '#define V 1\n' > inc/h.h; touch -d '-1 hour' inc/h.h; rm -f big.o
done
final big.o gcc -O2 -Iinc -c big.c -o big.o
verdict
