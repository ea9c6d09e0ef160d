#!/bin/bash
# h7-07-clang-gcc-toolchain-libstdcxx-dir-created: CLASS built-in include folders kept while the scanned folders look the same: clang++ adds <prefix>/include/c++/<gcc version> when it exists; created in an existing <prefix>/include/c++ it moves no watched folder (the prefix, lib/gcc/<triple>/<version>), so the old answer stands and a header now found there first is not seen
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang++
CRT=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/crtbegin.o 2>/dev/null | tail -1)
[ -n "$CRT" ] || { echo "SKIP: no GCC crtbegin.o"; exit 77; }
VER=$(basename "$(dirname "$CRT")")
mkdir -p tc/lib/gcc/x86_64-linux-gnu/$VER tc/include/c++ d
cp "$CRT" tc/lib/gcc/x86_64-linux-gnu/$VER/
printf '#define V 1\n' > d/zz.h
printf '#include <zz.h>\nint v = V;\n' > a.cpp
C="clang++ --gcc-toolchain=$T/w/tc -idirafter d -c a.cpp -o a.o"
warm a.o $C
sleep 1.1
mkdir tc/include/c++/$VER; printf '#define V 2\n' > tc/include/c++/$VER/zz.h
final a.o $C
verdict
