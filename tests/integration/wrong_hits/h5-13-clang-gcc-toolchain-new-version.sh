#!/bin/bash
# h5-13-clang-gcc-toolchain-new-version: clang++ --gcc-toolchain=X takes its C++ headers from the highest GCC version it finds under X/lib/gcc/<triple>/; a version 13 installed there after the store moves the built-in include folders to X/include/c++/13, but the cache keeps asking the folders it learnt for version 12 (search-path model: built-in folders chosen by the toolchain's contents)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang++
tri=x86_64-linux-gnu
for v in 12; do mkdir -p X/lib/gcc/$tri/$v X/include/c++/$v/$tri X/include/c++/$v/backward; touch X/lib/gcc/$tri/$v/crtbegin.o; echo "int zz = $v;" > X/include/c++/$v/zz.h; done
clang++ --gcc-toolchain="$PWD/X" -E -v -x c++ /dev/null 2>&1 | grep -q "X/lib/gcc/$tri/12/../../../../include/c++/12\$" || { echo "SKIP: clang++ does not take X's version 12 headers (not $tri?)"; exit 77; }
printf '#include <zz.h>\nint f() { return zz; }\n' > a.cc
warm a.o clang++ --gcc-toolchain="$PWD/X" -c a.cc -o a.o
# another GCC version installed into the toolchain
v=13; mkdir -p X/lib/gcc/$tri/$v X/include/c++/$v/$tri X/include/c++/$v/backward; touch X/lib/gcc/$tri/$v/crtbegin.o; echo "int zz = $v;" > X/include/c++/$v/zz.h
final a.o clang++ --gcc-toolchain="$PWD/X" -c a.cc -o a.o
verdict
