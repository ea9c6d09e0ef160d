#!/bin/bash
# h7-07b-clang-gcc-toolchain-triple-libstdcxx-dir-created: CLASS built-in include folders kept while the scanned folders look the same: clang++ adds <prefix>/<triple>/include/c++/<gcc version> when it exists (before <prefix>/include/c++); created in an existing <prefix>/<triple>/include/c++ it must be noticed, and a header now found there first served
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang++
CRT=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/crtbegin.o 2>/dev/null | tail -1)
[ -n "$CRT" ] || { echo "SKIP: no GCC crtbegin.o"; exit 77; }
VER=$(basename "$(dirname "$CRT")") TRIPLE=x86_64-linux-gnu
mkdir -p tc/lib/gcc/$TRIPLE/$VER tc/$TRIPLE/include/c++ d
cp "$CRT" tc/lib/gcc/$TRIPLE/$VER/
printf '#define V 1\n' > d/zz.h
printf '#include <zz.h>\nint v = V;\n' > a.cpp
C="clang++ --gcc-toolchain=$T/w/tc -idirafter d -c a.cpp -o a.o"
warm a.o $C
sleep 1.1
mkdir tc/$TRIPLE/include/c++/$VER; printf '#define V 2\n' > tc/$TRIPLE/include/c++/$VER/zz.h
final a.o $C
verdict
