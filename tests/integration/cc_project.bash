# cc_project.bash: a multi-file C project and a C++ project built with make -j4,
# bare and through zccache, with the compilers named by $PCC and $PCXX.
# Sourced by cc_project_gcc.sh and cc_project_clang.sh.
# shellcheck shell=bash
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

: "${PCC:?}" "${PCXX:?}"
if ! command -v "$PCC" >/dev/null || ! command -v "$PCXX" >/dev/null; then
	echo "1..0 # SKIP $PCC or $PCXX not installed"
	exit 0
fi

NC=12  # C sources besides main.c; feature.h is included by m00..m03
NCX=8  # C++ sources besides main.cpp; shape.hpp is included by s00..s02

gen_c() {
	local d=$1 i
	mkdir -p "$d/src" "$d/include"
	cat >"$d/include/common.h" <<'EOF'
#ifndef COMMON_H
#define COMMON_H
#include <stddef.h>
#ifndef VALUE
#define VALUE 1
#endif
struct pair { int a, b; };
static inline int pair_sum(const struct pair *p) { return p->a + p->b + VALUE; }
#endif
EOF
	cat >"$d/include/util.h" <<'EOF'
#ifndef UTIL_H
#define UTIL_H
#include "common.h"
#include <string.h>
static inline size_t twice_len(const char *s) { return 2 * strlen(s); }
#endif
EOF
	cat >"$d/include/feature.h" <<'EOF'
#ifndef FEATURE_H
#define FEATURE_H
#define FEATURE_LEVEL 3
#endif
EOF
	for ((i = 0; i < NC; i++)); do
		local n
		n=$(printf '%02d' "$i")
		{
			echo '#include "common.h"'
			if [ "$i" -lt 4 ]; then echo '#include "feature.h"'; else echo '#include "util.h"'; fi
			echo '#include <stdio.h>'
			echo "int f$n(int x)"
			echo '{'
			echo "	struct pair p = {x, $i};"
			if [ "$i" -lt 4 ]; then
				echo "	return pair_sum(&p) * FEATURE_LEVEL + $i;"
			else
				echo "	return pair_sum(&p) + (int)twice_len(\"m$n\");"
			fi
			echo '}'
		} >"$d/src/m$n.c"
	done
	{
		echo '#include <stdio.h>'
		for ((i = 0; i < NC; i++)); do printf 'int f%02d(int);\n' "$i"; done
		echo 'int main(void)'
		echo '{'
		echo '	long t = 0;'
		for ((i = 0; i < NC; i++)); do printf '	t += f%02d(%d);\n' "$i" "$i"; done
		# shellcheck disable=SC2028 # C source text
		echo '	printf("%ld\n", t);'
		echo '	return 0;'
		echo '}'
	} >"$d/src/main.c"
	cat >"$d/Makefile" <<'EOF'
CC ?= cc
EXTRA ?=
CFLAGS = -O2 -g -Wall -Iinclude $(EXTRA)
OBJS = $(patsubst src/%.c,obj/%.o,$(sort $(wildcard src/*.c)))
prog: $(OBJS)
	$(CC) -o $@ $(OBJS)
obj/%.o: src/%.c | obj
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@
obj:
	mkdir -p obj
clean:
	rm -rf obj prog
-include $(OBJS:.o=.d)
EOF
}

gen_cxx() {
	local d=$1 i
	mkdir -p "$d/src" "$d/include"
	cat >"$d/include/shape.hpp" <<'EOF'
#pragma once
#include <string>
#include <vector>
template <typename T> struct Shape {
	std::vector<T> pts;
	std::string name;
	T area() const { T a{}; for (auto &p : pts) a += p; return a; }
};
EOF
	cat >"$d/include/base.hpp" <<'EOF'
#pragma once
#include <numeric>
#include <vector>
#ifndef VALUE
#define VALUE 1
#endif
inline int total(const std::vector<int> &v) { return std::accumulate(v.begin(), v.end(), VALUE); }
EOF
	for ((i = 0; i < NCX; i++)); do
		local n
		n=$(printf '%02d' "$i")
		{
			echo '#include "base.hpp"'
			[ "$i" -lt 3 ] && echo '#include "shape.hpp"'
			echo '#include <algorithm>'
			echo "int g$n(int x)"
			echo '{'
			echo "	std::vector<int> v{x, $i, 3};"
			echo '	std::sort(v.begin(), v.end());'
			if [ "$i" -lt 3 ]; then
				echo "	Shape<int> s{v, \"s$n\"};"
				echo '	return s.area() + total(v) + (int)s.name.size();'
			else
				echo '	return total(v);'
			fi
			echo '}'
		} >"$d/src/s$n.cpp"
	done
	{
		echo '#include <cstdio>'
		for ((i = 0; i < NCX; i++)); do printf 'int g%02d(int);\n' "$i"; done
		echo 'int main()'
		echo '{'
		echo '	long t = 0;'
		for ((i = 0; i < NCX; i++)); do printf '	t += g%02d(%d);\n' "$i" "$i"; done
		# shellcheck disable=SC2028 # C++ source text
		echo '	std::printf("%ld\n", t);'
		echo '}'
	} >"$d/src/main.cpp"
	cat >"$d/Makefile" <<'EOF'
CXX ?= c++
EXTRA ?=
CXXFLAGS = -O1 -g -Wall -Iinclude $(EXTRA)
OBJS = $(patsubst src/%.cpp,obj/%.o,$(sort $(wildcard src/*.cpp)))
prog: $(OBJS)
	$(CXX) -o $@ $(OBJS)
obj/%.o: src/%.cpp | obj
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@
obj:
	mkdir -p obj
clean:
	rm -rf obj prog
-include $(OBJS:.o=.d)
EOF
}

# build DIR VAR COMPILER [make args]: clean, then make -j4; 0 when it built.
build() {
	local d=$1 var=$2 comp=$3
	shift 3
	make -s -C "$d" clean >/dev/null 2>&1
	make -s -j4 -C "$d" "$var=$comp" "$@" >"$T/make.out" 2>"$T/make.err" || {
		diag "make $var=$comp $* failed:"
		sed 's/^/#   /' "$T/make.err" | head -20
		return 1
	}
}

differs() { ! cmp -s "$1" "$2"; }

# save DIR NAME: keep the objects, depfiles and program of the last build.
save() { rm -rf "${T:?}/${2:?}" && mkdir -p "$T/$2" && cp "$1"/obj/* "$1/prog" "$T/$2/"; }

# One project, every step: DIR VAR BARE N(sources with main) NDEP(header users) HEADER
project_steps() {
	local d=$1 var=$2 bare=$3 n=$4 ndep=$5 header=$6 lang=$7 edit=$8 depobj=$9 expect
	local z="zccache $bare"

	ok "$lang: bare build" build "$d" "$var" "$bare"
	save "$d" bare
	expect=$("$d/prog")

	mark
	ok "$lang: cold build through zccache" build "$d" "$var" "$z"
	deltas "$lang cold: $n misses stored, one link uncacheable" \
		"depend_miss=$n uncacheable.linking=1"
	save "$d" cold
	ok "$lang cold: objects and program identical to the bare build" \
		same_files "$T/bare" "$T/cold" '*[!d]'
	ok "$lang cold: -MMD -MP depfiles identical to the bare build" \
		same_files "$T/bare" "$T/cold" '*.d'
	is "$lang cold: program output" "$("$d/prog")" "$expect"

	ok "$lang: warm build through zccache" build "$d" "$var" "$z"
	deltas "$lang warm: every compile a hit" "direct_hit=$n uncacheable.linking=1"
	save "$d" warm
	ok "$lang warm: objects and program identical to the bare build" \
		same_files "$T/bare" "$T/warm" '*[!d]'
	ok "$lang warm: -MMD -MP depfiles identical to the bare build" \
		same_files "$T/bare" "$T/warm" '*.d'

	# A header only some sources include: exactly those miss.
	sed -i "$edit" "$d/include/$header"
	build "$d" "$var" "$bare"
	save "$d" bare2
	ok "$lang: the header edit changes $depobj" differs "$T/bare/$depobj" "$T/bare2/$depobj"
	ok "$lang: build after the header edit" build "$d" "$var" "$z"
	deltas "$lang header edit: exactly the $ndep dependents miss" \
		"direct_hit=$((n - ndep)) depend_miss=$ndep uncacheable.linking=1"
	save "$d" edit
	ok "$lang header edit: objects and program identical to the bare build" \
		same_files "$T/bare2" "$T/edit" '*[!d]'
	ok "$lang header edit: depfiles identical to the bare build" \
		same_files "$T/bare2" "$T/edit" '*.d'
	ok "$lang header edit: rebuild is all hits" build "$d" "$var" "$z"
	deltas "$lang header edit: second build all hits" "direct_hit=$n uncacheable.linking=1"

	# A changed -D: every compile misses, and the objects follow.
	build "$d" "$var" "$bare" EXTRA=-DVALUE=7
	save "$d" bared
	ok "$lang: build with -DVALUE=7" build "$d" "$var" "$z" EXTRA=-DVALUE=7
	deltas "$lang -D change: every compile misses" "depend_miss=$n uncacheable.linking=1"
	save "$d" dz
	ok "$lang -D change: objects and program identical to the bare build" \
		same_files "$T/bared" "$T/dz" '*[!d]'
	ok "$lang -D change: depfiles identical to the bare build" \
		same_files "$T/bared" "$T/dz" '*.d'
	ok "$lang -D change: the -D objects differ from the default ones" \
		differs "$T/bared/$depobj" "$T/bare2/$depobj"
	ok "$lang: back to the default -D" build "$d" "$var" "$z"
	deltas "$lang default -D again: all hits" "direct_hit=$n uncacheable.linking=1"
	save "$d" back
	ok "$lang default -D again: objects and program identical to the bare build" \
		same_files "$T/bare2" "$T/back" '*[!d]'
	ok "$lang default -D again: depfiles identical to the bare build" \
		same_files "$T/bare2" "$T/back" '*.d'
}

"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive

gen_c "$T/cproj"
project_steps "$T/cproj" CC "$PCC" $((NC + 1)) 4 feature.h C 's/LEVEL 3/LEVEL 4/' m00.o
gen_cxx "$T/cxxproj"
project_steps "$T/cxxproj" CXX "$PCXX" $((NCX + 1)) 3 shape.hpp C++ 's/T a{};/T a{2};/' s00.o
done_testing
