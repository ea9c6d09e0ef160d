#!/bin/bash
# h7-07c-clang-gcc-install-gentoo-libstdcxx-dir-created: CLASS built-in include folders kept while the scanned folders look the same: with no include/c++ of its own, clang++ takes libstdc++ from the GCC installation's include/g++-v<version> (Gentoo's layout) when it exists; created in an existing lib/gcc/<triple>/<version>/include it must be noticed
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang++
CRT=$(ls /usr/lib/gcc/x86_64-linux-gnu/*/crtbegin.o 2>/dev/null | tail -1)
[ -n "$CRT" ] || { echo "SKIP: no GCC crtbegin.o"; exit 77; }
VER=$(basename "$(dirname "$CRT")") INST=tc/lib/gcc/x86_64-linux-gnu
mkdir -p $INST/$VER/include d
cp "$CRT" $INST/$VER/
printf '#define V 1\n' > d/zz.h
printf '#include <zz.h>\nint v = V;\n' > a.cpp
C="clang++ --gcc-toolchain=$T/w/tc -idirafter d -c a.cpp -o a.o"
warm a.o $C
sleep 1.1
mkdir $INST/$VER/include/g++-v$VER; printf '#define V 2\n' > $INST/$VER/include/g++-v$VER/zz.h
final a.o $C
verdict
