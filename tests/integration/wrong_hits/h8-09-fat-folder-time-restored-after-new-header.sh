#!/bin/bash
# h8-09-fat-folder-time-restored-after-new-header: CLASS folder listing cache (dircache) on a filesystem whose ctime is its mtime (FAT: one on-disk time, ctime = mtime in 2-second steps; emulated by the FUSE passthrough fat2s). -Ia -Ib, b/h.h read. Then a/h.h appears and a's time is put back as it was (tar x, rsync -a, cp -a restore folders' times after filling them): on ext4 the folder's ctime would still move; here it goes back with the mtime, so validate() finds dev, ino and ctime as when the listing was read long ago, trusts the old listing (no h.h in a), the trace holds, and the hit serves b/h.h's object while gcc reads a/h.h.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
fat2s_mount
printf '#include <h.h>\nint v = V;\n' > a.c
mkdir "$T/mnt/a" b; printf '#define V 1\n' > b/h.h; touch -d '-1 hour' b/h.h b "$T/mnt/a"
ln -s "$T/mnt/a" a
stat -c 'before: a ino %i mtime %y ctime %z' a/
warm a.o gcc -O2 -Ia -Ib -c a.c -o a.o
printf '#define V 2\n' > a/h.h; touch -r b a/   # a new header, the folder's old time put back
stat -c 'after:  a ino %i mtime %y ctime %z' a/
final a.o gcc -O2 -Ia -Ib -c a.c -o a.o
verdict
