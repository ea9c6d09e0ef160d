#!/bin/bash
# h8-08-fat-ctime-follows-mtime-cp-p: CLASS hashcache stat trust on a filesystem whose ctime is its mtime (FAT: Linux's fat driver keeps one on-disk time, ctime = mtime, 2-second steps; emulated by the FUSE passthrough fat2s). cp -p (as rsync --inplace -t, or an unpacker that restores times, would) rewrites the header in place with other bytes of the same size and puts its old mtime back: on ext4 the ctime would still move, here it goes back with the mtime, so dev, ino, size, mtime and ctime are all as the hashcache saw them long ago (no racy margin applies). The hashcache serves the old digest, the direct walk matches, and the hit serves the object of the old text while gcc reads the new.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
fat2s_mount
printf '#include <h.h>\nint v = V;\n' > a.c
mkdir "$T/mnt/inc"; printf '#define V 1\n' > "$T/mnt/inc/h.h"; touch -d '-1 hour' "$T/mnt/inc/h.h"
printf '#define V 2\n' > "$T/h2.h"; touch -r "$T/mnt/inc/h.h" "$T/h2.h"   # the very time h.h has
ln -s "$T/mnt/inc" inc
stat -c 'before: ino %i size %s mtime %y ctime %z' inc/h.h
warm a.o gcc -O2 -Iinc -c a.c -o a.o
cp -p "$T/h2.h" inc/h.h   # in place: same size, and h.h's old mtime put back
stat -c 'after:  ino %i size %s mtime %y ctime %z' inc/h.h
final a.o gcc -O2 -Iinc -c a.c -o a.o
verdict
