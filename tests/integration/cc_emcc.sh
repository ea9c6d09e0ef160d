#!/bin/bash
# Emscripten (emcc, em++) through zccache: a small make project built bare,
# then cold and warm through the cache, byte for byte; the linked program
# runs under node; edits, settings, ports and emcc's debug variables.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

if ! command -v emcc >/dev/null || ! command -v em++ >/dev/null || ! command -v node >/dev/null; then
	echo "1..0 # SKIP emcc, em++ or node not installed"
	exit 0
fi
# emcc's own variables, whoever runs the tests (EM_CACHE stays: Debian's
# frozen cache is the one that works offline).
unset EMCC_CFLAGS EMCC_DEBUG EMCC_DEBUG_SAVE EMCC_STDERR_FILE EMPROFILE EMCC_VERBOSE \
	EM_COMPILER_WRAPPER EMCC_STRICT EMCC_FORCE_STDLIBS
export TMPDIR=$T/tmp
mkdir -p "$TMPDIR"

NC=6 # C units; feature.h is included by m0 and m1 only

gen() {
	local d=$1 i
	mkdir -p "$d/src" "$d/include"
	cat >"$d/include/common.h" <<'EOF'
#ifndef COMMON_H
#define COMMON_H
#include <stddef.h>
struct pair { int a, b; };
static inline int pair_sum(const struct pair *p) { return p->a + p->b; }
#endif
EOF
	cat >"$d/include/feature.h" <<'EOF'
#define FEATURE_LEVEL 3
EOF
	for ((i = 0; i < NC; i++)); do
		{
			echo '#include "common.h"'
			[ "$i" -lt 2 ] && echo '#include "feature.h"'
			echo '#include <string.h>'
			echo "int f$i(int x)"
			echo '{'
			echo "	struct pair p = {x, (int)strlen(\"unit$i\")};"
			if [ "$i" -lt 2 ]; then
				echo "	return pair_sum(&p) * FEATURE_LEVEL;"
			else
				echo "	return pair_sum(&p) + $i;"
			fi
			echo '}'
		} >"$d/src/m$i.c"
	done
	cat >"$d/src/shape.cpp" <<'EOF'
#include "common.h"
namespace {
struct square {
	int side;
	int area() const { return side * side; }
};
}
extern "C" int shape_area(int side)
{
	square s{side};
	return s.area();
}
EOF
	{
		echo '#include <stdio.h>'
		for ((i = 0; i < NC; i++)); do echo "int f$i(int);"; done
		echo 'int shape_area(int);'
		echo 'int main(void)'
		echo '{'
		echo '	long t = shape_area(7);'
		for ((i = 0; i < NC; i++)); do echo "	t += f$i($i);"; done
		# shellcheck disable=SC2028 # C source text
		echo '	printf("total %ld\n", t);'
		echo '	return 0;'
		echo '}'
	} >"$d/src/main.c"
	cat >"$d/Makefile" <<'EOF'
ZC ?=
EXTRA ?=
CFLAGS = -O2 -Wall -Iinclude -MD $(EXTRA)
OBJS = $(patsubst src/%.c,obj/%.o,$(sort $(wildcard src/*.c))) obj/shape.o
prog.js: $(OBJS)
	em++ $(OBJS) -o $@
objs: $(OBJS)
obj/%.o: src/%.c | obj
	$(ZC) emcc $(CFLAGS) -c $< -o $@
obj/%.o: src/%.cpp | obj
	$(ZC) em++ $(CFLAGS) -c $< -o $@
obj:
	mkdir -p obj
-include $(wildcard obj/*.d)
EOF
}

NUNITS=$((NC + 2)) # the C units, main.c and shape.cpp
W=$T/work
gen "$W/bare"
gen "$W/zc"

# now_ms: a monotonic-enough wall clock in milliseconds.
now_ms() { date +%s%3N; }

t0=$(now_ms)
ok "bare emcc compiles" make -s -C "$W/bare" -j4 objs
t1=$(now_ms)
ok "bare link" make -s -C "$W/bare"
bare_ms=$((t1 - t0))
expected=$(node --no-experimental-fetch "$W/bare/prog.js")
# 49 + (0+5)*3 + (1+5)*3 + (2+5+2) + (3+5+3) + (4+5+4) + (5+5+5)
is "the bare program runs" "$expected" "total 130"

mark
t0=$(now_ms)
ok "cold compiles through zccache" make -s -C "$W/zc" -j4 ZC=zccache objs
t1=$(now_ms)
ok "cold link" make -s -C "$W/zc"
cold_ms=$((t1 - t0))
deltas "cold: every unit is a miss" "depend_miss=$NUNITS"
ok "cold objects are emcc's, byte for byte" same_files "$W/bare/obj" "$W/zc/obj" '*.o'
ok "cold depfiles are emcc's" same_files "$W/bare/obj" "$W/zc/obj" '*.d'
is "the cached build's program prints the same" \
	"$(node --no-experimental-fetch "$W/zc/prog.js")" "$expected"

rm -rf "$W/zc/obj" "$W/zc/prog.js"
t0=$(now_ms)
ok "warm compiles through zccache" make -s -C "$W/zc" -j4 ZC=zccache objs
t1=$(now_ms)
ok "warm link" make -s -C "$W/zc"
warm_ms=$((t1 - t0))
deltas "warm: every unit is a hit" "direct_hit=$NUNITS"
ok "warm objects are emcc's, byte for byte" same_files "$W/bare/obj" "$W/zc/obj" '*.o'
ok "warm depfiles are emcc's" same_files "$W/bare/obj" "$W/zc/obj" '*.d'
is "the warm build's program prints the same" \
	"$(node --no-experimental-fetch "$W/zc/prog.js")" "$expected"
diag "make -j4 objs ($NUNITS units): bare emcc ${bare_ms} ms, zccache cold ${cold_ms} ms (the first identifies emcc and em++), warm ${warm_ms} ms"

# One unit alone, without make: what a hit saves over starting emcc.
(cd "$W/zc" && rm -f obj/m3.o)
t0=$(now_ms)
(cd "$W/zc" && emcc -O2 -Wall -Iinclude -MD -c src/m3.c -o obj/m3.o)
t1=$(now_ms)
(cd "$W/zc" && zccache emcc -O2 -Wall -Iinclude -MD -c src/m3.c -o obj/m3.o)
t2=$(now_ms)
diag "one unit: bare emcc $((t1 - t0)) ms, zccache hit $((t2 - t1)) ms (with the launcher's 20 ms test pause)"
deltas "a lone unit hits" "direct_hit=1"

# A header edit misses exactly the units that include it.
echo '#define FEATURE_LEVEL 4' >"$W/bare/include/feature.h"
echo '#define FEATURE_LEVEL 4' >"$W/zc/include/feature.h"
rm -rf "$W/bare/obj" "$W/bare/prog.js" "$W/zc/obj" "$W/zc/prog.js"
make -s -C "$W/bare" -j4
expected=$(node --no-experimental-fetch "$W/bare/prog.js")
ok "after a header edit" make -s -C "$W/zc" -j4 ZC=zccache
deltas "the edit misses its two dependents, the rest hit" "depend_miss=2 direct_hit=$((NUNITS - 2))"
ok "objects after the edit are emcc's" same_files "$W/bare/obj" "$W/zc/obj" '*.o'
is "and the program sees the edit" "$(node --no-experimental-fetch "$W/zc/prog.js")" "$expected"

# A setting reaches the key: emcc turns it into other clang flags.
cd "$W/zc" || exit 1
zccache emcc -O2 -Iinclude -sSTRICT=1 -c src/m4.c -o s1.o
deltas "a new -s setting misses" "depend_miss=1"
emcc -O2 -Iinclude -sSTRICT=1 -c src/m4.c -o s2.o
ok "its object is emcc's" same s1.o s2.o
zccache emcc -O2 -Iinclude -s STRICT=1 -c src/m4.c -o s3.o
deltas "the separate spelling is another command" "depend_miss=1"
zccache emcc -O2 -Iinclude -sSTRICT=1 -c src/m4.c -o s4.o
deltas "the same setting again hits" "direct_hit=1"

# Ports are fetched and built: never cached.
zccache emcc -sUSE_SDL=2 -Iinclude -c src/m4.c -o port.o >/dev/null 2>&1
deltas "a port is uncacheable, with its reason" "uncacheable.emscripten_port=1"
"$CTL" explain 2>/dev/null | grep -q 'emscripten_port\|Emscripten port' ||
	diag "explain does not name the port"

# emcc's debug variables write files a hit would not.
EMCC_DEBUG=1 zccache emcc -Iinclude -c src/m4.c -o dbg.o >/dev/null 2>&1
deltas "EMCC_DEBUG is uncacheable" "uncacheable.family_env=1"
EMCC_CFLAGS=-g zccache emcc -Iinclude -c src/m4.c -o cf.o >/dev/null 2>&1
deltas "EMCC_CFLAGS is uncacheable" "uncacheable.family_env=1"

# An -MMD depfile through the cache is emcc's too (system headers left out).
emcc -O2 -Iinclude -MMD -MF bare.d -c src/m0.c -o mmd.o
mv bare.d want.d
zccache emcc -O2 -Iinclude -MMD -MF got.d -c src/m0.c -o mmd.o
zccache emcc -O2 -Iinclude -MMD -MF got.d -c src/m0.c -o mmd.o
deltas "-MMD: a miss, then a hit" "depend_miss=1 direct_hit=1"
ok "the -MMD depfile of a hit is emcc's" same want.d got.d

# A failing compile prints what bare emcc prints: emcc echoes the command it
# ran, which must be the user's, not the one the cache changed (-MD -MF, the
# private -o); the exit status is emcc's and no object is left.
printf 'int broken(void) { return nope; }\n' >bad.c
emcc -Iinclude -c bad.c -o bad.o 2>bare.err
echo $? >bare.rc
rm -f bad.o
zccache emcc -Iinclude -c bad.c -o bad.o 2>zc.err
echo $? >zc.rc
is "a failing compile: emcc's exit status" "$(cat zc.rc)" "$(cat bare.rc)"
is "a failing compile: emcc's messages, the user's command in them" "$(cat zc.err)" "$(cat bare.err)"
ok "a failing compile: no object" test ! -e bad.o
ok "a failing compile: nothing of the cache's in the messages" bash -c "! grep -q 'zccache' zc.err"
mark

# Precompiled headers as emcmake's CMake makes them (target_precompile_headers:
# em++ emits a clang .pch that every unit loads with -Xclang -include-pch):
# cold, warm (objects emcc's, byte for byte), a header of the PCH edited.
if command -v cmake >/dev/null && command -v ninja >/dev/null && command -v emcmake >/dev/null; then
	P=$W/pch
	mkdir -p "$P/src/p/src" "$P/src/p/include"
	cat >"$P/src/p/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(p CXX)
add_library(lib STATIC src/u0.cpp src/u1.cpp src/u2.cpp)
target_include_directories(lib PRIVATE include)
target_compile_options(lib PRIVATE -O2)
target_precompile_headers(lib PRIVATE include/common.h <vector> <string>)
EOF
	printf '#pragma once\n#include <map>\n#include "tune.h"\ninline int scale(int x) { return x * TUNE; }\n' \
		>"$P/src/p/include/common.h"
	echo '#define TUNE 3' >"$P/src/p/include/tune.h"
	for i in 0 1 2; do
		printf 'int u%d(int n) { std::vector<std::string> v(n, "u"); std::map<int, int> m;\n  for (int k = 0; k < n; k++) m[k] = scale(k) + (int)v[k].size() + %d; return (int)m.size(); }\n' \
			"$i" "$i" >"$P/src/p/src/u$i.cpp"
	done
	# pch_configure DIR [launcher]
	pch_configure() {
		local launcher=()
		[ -n "${2:-}" ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=zccache)
		emcmake cmake -S "$P/src/p" -B "$1" -G Ninja "${launcher[@]}" >"$T/cmake.out" 2>&1
	}
	pch_objs() { echo "$1/CMakeFiles/lib.dir/src"; }
	pch_configure "$P/bare" && ninja -C "$P/bare" >/dev/null 2>&1
	is "em++ PCH: bare build" "$?" 0
	ok "em++ PCH: the bare build made a .pch" test -s "$P/bare/CMakeFiles/lib.dir/cmake_pch.hxx.pch"
	mark
	pch_configure "$P/zc" launcher && ninja -C "$P/zc" >"$T/ninja.out" 2>&1
	is "em++ PCH: cold build through zccache" "$?" 0
	deltas "em++ PCH cold: the PCH and every unit stored, counted as such" \
		"depend_miss=4 pch.compile_stored=1 pch.use_stored=3"
	ok "em++ PCH cold: objects emcc's, byte for byte" same_files "$(pch_objs "$P/bare")" "$(pch_objs "$P/zc")" '*.o'
	ninja -C "$P/zc" -t clean >/dev/null && ninja -C "$P/zc" >"$T/ninja.out" 2>&1
	is "em++ PCH: warm build through zccache" "$?" 0
	deltas "em++ PCH warm: the PCH and every unit hit" "direct_hit=4 pch.compile_hit=1 pch.use_hit=3"
	ok "em++ PCH warm: objects emcc's, byte for byte" same_files "$(pch_objs "$P/bare")" "$(pch_objs "$P/zc")" '*.o'
	sleep 0.02
	echo '#define TUNE 4' >"$P/src/p/include/tune.h"
	ninja -C "$P/zc" >"$T/ninja.out" 2>&1
	is "em++ PCH: build after editing a header of the PCH" "$?" 0
	deltas "em++ PCH edit: the PCH and every unit miss" "depend_miss=4 pch.compile_stored=1 pch.use_stored=3"
	ninja -C "$P/bare" >/dev/null 2>&1
	ok "em++ PCH edit: objects emcc's, byte for byte" same_files "$(pch_objs "$P/bare")" "$(pch_objs "$P/zc")" '*.o'
	mark
else
	skip_case "em++ PCH" "cmake, ninja or emcmake not installed"
fi

done_testing
