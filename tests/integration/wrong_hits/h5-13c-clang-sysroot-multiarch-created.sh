#!/bin/bash
# h5-13c-clang-sysroot-multiarch-created: clang --sysroot=S searches S/usr/include/<multiarch> before S/usr/include only when that folder exists (it names it nowhere otherwise, not even as nonexistent); created after the store with a header that shadows S/usr/include's, the cache kept the folders it learnt (the sibling of h5-13: a built-in folder the driver adds when it finds it)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
ma=$(clang -print-multiarch 2>/dev/null); [ -n "$ma" ] || ma=x86_64-linux-gnu
mkdir -p S/usr/include; echo '#define V 1' > S/usr/include/zz.h
printf '#include <zz.h>\nint v = V;\n' > a.c
warm a.o clang --sysroot="$PWD/S" -c a.c -o a.o
mkdir -p S/usr/include/$ma; echo '#define V 2' > S/usr/include/$ma/zz.h
clang --sysroot="$PWD/S" -E -v -x c /dev/null 2>&1 | grep -q "^ $PWD/S/usr/include/$ma\$" || { echo "SKIP: clang does not add S/usr/include/$ma"; exit 77; }
final a.o clang --sysroot="$PWD/S" -c a.c -o a.o
verdict
