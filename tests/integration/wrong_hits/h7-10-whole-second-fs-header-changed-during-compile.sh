#!/bin/bash
# h7-10-whole-second-fs-header-changed-during-compile: CLASS "changed while it compiled" on a filesystem with whole-second timestamps (ext2 with 128-byte inodes, in a loop image): a header rewritten during the compile, in the second the compile started, keeps an mtime/ctime below the start (compared with no margin), so the store keys the old compile's object under the new header's digest
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc mkfs.ext2 python3
truncate -s 32M "$T/fs.img" && mkfs.ext2 -q -F -I 128 "$T/fs.img" >/dev/null 2>&1 || { echo "SKIP: mkfs.ext2"; exit 77; }
mkdir "$T/mnt" && mount -o loop "$T/fs.img" "$T/mnt" 2>/dev/null || { echo "SKIP: cannot mount a loop image"; exit 77; }
CLEANUP_EXTRA='cd /; umount "$T/mnt"'
cd "$T/mnt" || exit 77
slow_source big.c
mkdir inc; printf '#define V 1\n' > inc/h.h; touch -d '-1 hour' inc/h.h inc big.c
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3; do
	# start just after a second begins; rewrite the header 0.3 s later,
	# while gcc still compiles (it read h.h at once)
	python3 -c 'import time; t=time.time(); time.sleep(1.02 - (t - int(t)))'
	zc gcc -O2 -Iinc -c big.c -o big.o & pid=$!
	sleep 0.3; printf '#define V 2\n' > inc/h.h
	wait $pid
	[ "$(objdump -s -j .data big.o | sed -n 's/^ 0000 \(........\).*/\1/p')" = 01000000 ] && break
	printf '#define V 1\n' > inc/h.h; touch -d '-1 hour' inc/h.h; rm -f big.o
done
final big.o gcc -O2 -Iinc -c big.c -o big.o
verdict
