#!/bin/bash
# Precompiled headers through zccache, the way CMake's
# target_precompile_headers makes them: g++ compiles cmake_pch.hxx to a
# .gch that every unit finds through -include; clang++ emits a .pch that
# every unit loads with -Xclang -include-pch. Cold, warm (all hit, objects
# identical to a bare build), a header of the PCH edited (the PCH and every
# unit miss), and the stats counters of PCH compiles and users.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

for c in cmake ninja g++ clang++; do
	if ! command -v $c >/dev/null; then
		echo "1..0 # SKIP $c not installed"
		exit 0
	fi
done
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

NU=4 # units of the library

gen() {
	local d=$1 i
	mkdir -p "$d/src" "$d/include"
	cat >"$d/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(p CXX)
file(GLOB srcs ${CMAKE_SOURCE_DIR}/src/*.cpp)
add_library(lib STATIC ${srcs})
target_include_directories(lib PRIVATE include)
target_compile_options(lib PRIVATE -O2)
target_precompile_headers(lib PRIVATE include/common.h <vector> <string>)
EOF
	cat >"$d/include/common.h" <<'EOF'
#pragma once
#include <map>
#include "tune.h"
inline int common_scale(int x) { return x * TUNE; }
EOF
	echo '#define TUNE 3' >"$d/include/tune.h"
	for ((i = 0; i < NU; i++)); do
		cat >"$d/src/u$i.cpp" <<EOF
int u${i}_f(int n)
{
	std::vector<std::string> v(n, "u$i");
	std::map<int, int> m;
	for (int k = 0; k < n; k++)
		m[k] = common_scale(k) + (int)v[k].size();
	return (int)m.size() + m[n - 1];
}
EOF
	done
}

# configure DIR CXX [launcher]: a Ninja build folder of the project.
configure() {
	local launcher=()
	[ -n "${3:-}" ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=zccache)
	cmake -S "$T/work/p" -B "$1" -G Ninja -DCMAKE_CXX_COMPILER="$2" "${launcher[@]}" \
		>"$T/cmake.out" 2>&1
}

# objects DIR: the units' objects of a build folder.
objects() { echo "$1/CMakeFiles/lib.dir/src"; }

gen "$T/work/p"
start_server
mark

for cxx in g++ clang++; do
	case $cxx in
	g++) pchfile=cmake_pch.hxx.gch ;;
	clang++) pchfile=cmake_pch.hxx.pch ;;
	esac
	bare=$T/work/bare-$cxx
	b=$T/work/zc-$cxx
	configure "$bare" $cxx && ninja -C "$bare" >/dev/null 2>&1
	is "$cxx: bare build" "$?" 0
	ok "$cxx: the bare build made $pchfile" test -s "$bare/CMakeFiles/lib.dir/$pchfile"

	configure "$b" $cxx launcher && ninja -C "$b" >"$T/ninja.out" 2>&1
	is "$cxx: cold build through zccache" "$?" 0
	deltas "$cxx cold: the PCH and every unit stored, counted as such" \
		"depend_miss=$((NU + 1)) pch.compile_stored=1 pch.use_stored=$NU"
	ok "$cxx cold: objects identical to the bare build" same_files "$(objects "$bare")" "$(objects "$b")" '*.o'

	ninja -C "$b" -t clean >/dev/null && ninja -C "$b" >"$T/ninja.out" 2>&1
	is "$cxx: warm build through zccache" "$?" 0
	deltas "$cxx warm: the PCH and every unit hit, counted as such" \
		"direct_hit=$((NU + 1)) pch.compile_hit=1 pch.use_hit=$NU"
	ok "$cxx warm: objects identical to the bare build" same_files "$(objects "$bare")" "$(objects "$b")" '*.o'

	# A header inside the PCH edited: the PCH is remade, every unit misses.
	sleep 0.02
	echo '#define TUNE 4' >"$T/work/p/include/tune.h"
	ninja -C "$b" >"$T/ninja.out" 2>&1
	is "$cxx: build after editing a header of the PCH" "$?" 0
	deltas "$cxx edit: the PCH and every unit miss" \
		"depend_miss=$((NU + 1)) pch.compile_stored=1 pch.use_stored=$NU"
	ninja -C "$bare" >/dev/null 2>&1
	ok "$cxx edit: objects identical to the bare build" same_files "$(objects "$bare")" "$(objects "$b")" '*.o'
	echo '#define TUNE 3' >"$T/work/p/include/tune.h"
	sleep 0.02
	ninja -C "$bare" >/dev/null 2>&1
	ninja -C "$b" >/dev/null 2>&1
	mark

	# Touched, the same bytes: clang's PCH records the mtime (CMake asks
	# for no -fno-pch-timestamp), so it misses, and the units compiled
	# against it build; gcc's does not, and every compile hits.
	sleep 1.1
	touch "$T/work/p/include/tune.h"
	ninja -C "$b" >"$T/ninja.out" 2>&1
	is "$cxx: build after touching a header of the PCH" "$?" 0
	if [ $cxx = g++ ]; then
		deltas "$cxx touch: every compile hits" \
			"direct_hit=$((NU + 1)) pch.compile_hit=1 pch.use_hit=$NU"
	else
		deltas "$cxx touch: the PCH and every unit miss" \
			"depend_miss=$((NU + 1)) pch.compile_stored=1 pch.use_stored=$NU"
	fi
	ninja -C "$bare" >/dev/null 2>&1
	ok "$cxx touch: objects identical to the bare build" same_files "$(objects "$bare")" "$(objects "$b")" '*.o'
	mark
done

# The same with clang told not to record mtimes.
b=$T/work/zc-clang-nots
cmake -S "$T/work/p" -B "$b" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
	-DCMAKE_CXX_COMPILER_LAUNCHER=zccache "-DCMAKE_CXX_FLAGS=-Xclang -fno-pch-timestamp" \
	>"$T/cmake.out" 2>&1 && ninja -C "$b" >/dev/null 2>&1
is "clang++ -fno-pch-timestamp: cold build" "$?" 0
deltas "clang++ -fno-pch-timestamp cold: the PCH and every unit stored" \
	"depend_miss=$((NU + 1)) pch.compile_stored=1 pch.use_stored=$NU"
ninja -C "$b" -t clean >/dev/null && ninja -C "$b" >/dev/null 2>&1
deltas "clang++ -fno-pch-timestamp warm: the PCH and every unit hit" \
	"direct_hit=$((NU + 1)) pch.compile_hit=1 pch.use_hit=$NU"

# gcc: a .gch next to a header, by hand. Valid, invalid for these flags
# (-O0 vs -O2, -DX), stale: the cached object is always the bare one.
w=$T/work/gch
mkdir -p "$w" && cd "$w" || exit 1
printf '#ifdef X\n#define V 1\n#else\n#define V 2\n#endif\nstatic int hv = V;\n' >h.h
printf '#include "h.h"\nint get(void) { return hv; }\n' >u.c
# check NAME PCHFLAGS: h.h.gch made with PCHFLAGS (none: removed), then u.c
# compiled with -O2 through zccache and bare: the same object.
check() {
	rm -f h.h.gch u.o
	[ -n "$2" ] && gcc $2 -x c-header h.h -o h.h.gch
	sleep 0.02
	zccache gcc -O2 -c u.c -o u.o 2>"$T/zc.err" && mv u.o zc.o &&
		gcc -O2 -c u.c -o u.o 2>/dev/null
	ok "gch $1: the cached object is the bare one" same u.o zc.o
}
check "absent" ""
check "valid" "-O2"
check "valid again (the gch rebuilt)" "-O2"
check "made for -O0" "-O0"
check "made with -DX" "-O2 -DX"
printf '#define V 3\nstatic int hv = V;\n' >h2.h
rm -f h.h.gch
gcc -O2 -x c-header h2.h -o h.h.gch
zccache gcc -O2 -c u.c -o u.o && mv u.o zc.o && gcc -O2 -c u.c -o u.o
ok "gch stale (made from another header): the cached object is the bare one" same u.o zc.o
mkdir -p d.h.gch
printf '#include "d.h"\nint f(void) { return 0; }\n' >v.c
: >d.h
mark
zccache gcc -O2 -c v.c -o v.o
deltas "a .gch folder of candidates: not cached" "uncacheable.pch=1"

done_testing
