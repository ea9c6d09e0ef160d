#!/bin/bash
# h5-13b-clang-sysroot-gcc-installed-later: clang++ --sysroot=S looks for GCC installations under S/usr/lib/gcc/<triple>/ before its own; none there at store time (it takes the host's C++ headers), one installed later moves the built-in include folders to S/usr/include/c++/<v> (the sibling of h5-13: no candidate when stored)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang++
tri=x86_64-linux-gnu
mkdir -p S/usr/include
printf '#include <zz.h>\nint f() { return zz; }\n' > a.cc
# zz.h where the host's C++ headers are not: -idirafter, found last
mkdir -p late; echo "int zz = 1;" > late/zz.h
warm a.o clang++ --sysroot="$PWD/S" -idirafter late -c a.cc -o a.o
# a GCC installation appears in the sysroot, with its own zz.h
v=12; mkdir -p S/usr/lib/gcc/$tri/$v S/usr/include/c++/$v; touch S/usr/lib/gcc/$tri/$v/crtbegin.o; echo "int zz = 2;" > S/usr/include/c++/$v/zz.h
clang++ --sysroot="$PWD/S" -E -v -x c++ /dev/null 2>&1 | grep -q "Selected GCC installation: $PWD/S/usr/lib/gcc/$tri/$v" || { echo "SKIP: clang++ does not select S's GCC installation (not $tri?)"; exit 77; }
final a.o clang++ --sysroot="$PWD/S" -idirafter late -c a.cc -o a.o
verdict
