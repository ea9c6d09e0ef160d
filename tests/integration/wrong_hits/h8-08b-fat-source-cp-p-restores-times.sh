#!/bin/bash
# h8-08b-fat-source-cp-p-restores-times: CLASS hashcache stat trust on a filesystem whose ctime is its mtime (the source's side of h8-08; FAT emulated by the FUSE passthrough fat2s). The source itself lies on the 2-second filesystem; cp -p rewrites it in place with other bytes of the same size and puts its old mtime back, and the ctime follows: dev, ino, size, mtime and ctime are as the hashcache saw them, so the source digest in the direct key would be the old one and the hit would serve the old object.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3 objdump pkg-config fusermount3
fat2s_mount
mkdir "$T/mnt/src"; printf '#define V 1\nint v = V;\n' > "$T/mnt/src/a.c"; touch -d '-1 hour' "$T/mnt/src/a.c"
printf '#define V 2\nint v = V;\n' > "$T/a2.c"; touch -r "$T/mnt/src/a.c" "$T/a2.c"   # the very time a.c has
ln -s "$T/mnt/src" src
warm a.o gcc -O2 -c src/a.c -o a.o
cp -p "$T/a2.c" src/a.c   # in place: same size, and a.c's old mtime put back
stat -c 'after:  ino %i size %s mtime %y ctime %z' src/a.c
final a.o gcc -O2 -c src/a.c -o a.o
verdict
