#!/bin/bash
# h5-14-clang-header-map: clang -I of a file that is a header map (.hmap: include name -> path) finds "x.h" where the map says; the map rewritten to name another file makes clang include it, but the cache saw -I hm.hmap as a folder that does not exist and still finds its recorded header unchanged (search-path model: header maps)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang python3
# hmap NAME=PATH: write hm.hmap (LLVM's header map format: header, buckets, strings)
hmap() { python3 - "$1" <<'PY'
import struct, sys
key, path = sys.argv[1].split('=', 1)
pre, suf = path.rsplit('/', 1)
strings = b'\0'
def add(s):
    global strings
    off = len(strings); strings += s.encode() + b'\0'; return off
nb = 8
buckets = [(0, 0, 0)] * nb
i = (sum(ord(c.lower()) * 13 for c in key) & 0xffffffff) & (nb - 1)
buckets[i] = (add(key), add(pre + '/'), add(suf))
data = struct.pack('<IHHIIII', 0x686D6170, 1, 0, 24 + nb * 12, 1, nb, 256)
for b in buckets:
    data += struct.pack('<III', *b)
open('hm.hmap', 'wb').write(data + strings)
PY
}
mkdir d2 d3
echo 'int x = 2;' > d2/x.h
echo 'int x = 3;' > d3/x.h
printf '#include "x.h"\nint f(void) { return x; }\n' > a.c
hmap "x.h=$PWD/d2/x.h"
clang -I hm.hmap -MD -MF - -c a.c -o a.o 2>/dev/null | grep -q d2/x.h || { echo "SKIP: this clang does not read header maps"; exit 77; }
warm a.o clang -I hm.hmap -c a.c -o a.o
hmap "x.h=$PWD/d3/x.h"
final a.o clang -I hm.hmap -c a.c -o a.o
verdict
