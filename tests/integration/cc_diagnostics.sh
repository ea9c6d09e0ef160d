#!/bin/bash
# Diagnostics through the cache, with gcc, g++, clang and clang++: a compile
# with warnings prints the same stderr bytes and exits the same on the miss
# and on the hit as without zccache; a failing compile (an error, or a
# warning under -Werror) prints the same errors, exits the same, leaves the
# same files, and is never cached: every run is counted compile_failed again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

cat >warn.c <<'EOF'
#include <stdio.h>
int f(int a)
{
	int unused;
	char buf[4];
	if (a = 3)
		sprintf(buf, "%d", a);
	return buf[0];
}
EOF
cat >bad.c <<'EOF'
int g(void)
{
	return undeclared_name + 1;
}
struct s { int x; } ;
int h(void) { struct s v; return v.y; }
EOF

# run_case TAG COMPILER ARGS...: run once, keep rc, stderr, stdout, object.
run_case() {
	local tag=$1
	shift
	rm -f out.o
	"$@" -c "$SRC" -o out.o >"$T/$tag.out" 2>"$T/$tag.err"
	echo $? >"$T/$tag.rc"
	if [ -e out.o ]; then cp out.o "$T/$tag.o"; else rm -f "$T/$tag.o"; fi
}

for comp in gcc g++ clang clang++; do
	if ! command -v "$comp" >/dev/null; then
		skip_case "$comp diagnostics" "$comp not installed"
		continue
	fi
	lang=c
	case $comp in *++) lang=c++ ;; esac
	SRC=warn.c
	flags=(-x "$lang" -O1 -Wall -Wextra)

	run_case bare "$comp" "${flags[@]}"
	ok "$comp: the bare compile warns" test -s "$T/bare.err"
	run_case cold zccache "$comp" "${flags[@]}"
	deltas "$comp warnings: the first compile is a stored miss" "depend_miss=1"
	is "$comp warnings, miss: exit status" "$(cat "$T/cold.rc")" "$(cat "$T/bare.rc")"
	ok "$comp warnings, miss: stderr identical" same "$T/bare.err" "$T/cold.err"
	ok "$comp warnings, miss: stdout identical" same "$T/bare.out" "$T/cold.out"
	ok "$comp warnings, miss: object identical" same "$T/bare.o" "$T/cold.o"
	run_case warm zccache "$comp" "${flags[@]}"
	deltas "$comp warnings: the second compile is a hit" "direct_hit=1"
	is "$comp warnings, hit: exit status" "$(cat "$T/warm.rc")" "$(cat "$T/bare.rc")"
	ok "$comp warnings, hit: stderr identical" same "$T/bare.err" "$T/warm.err"
	ok "$comp warnings, hit: stdout identical" same "$T/bare.out" "$T/warm.out"
	ok "$comp warnings, hit: object identical" same "$T/bare.o" "$T/warm.o"

	# -Werror turns the same warnings into a failure: never cached.
	run_case bare "$comp" "${flags[@]}" -Werror
	ok "$comp -Werror: the bare compile fails" test "$(cat "$T/bare.rc")" != 0
	for run in 1 2; do
		run_case z zccache "$comp" "${flags[@]}" -Werror
		deltas "$comp -Werror run $run: counted compile_failed, not a hit" "compile_failed=1"
		is "$comp -Werror run $run: exit status" "$(cat "$T/z.rc")" "$(cat "$T/bare.rc")"
		ok "$comp -Werror run $run: stderr identical" same "$T/bare.err" "$T/z.err"
		ok "$comp -Werror run $run: no object, like the bare compile" \
			test ! -e "$T/z.o" -a ! -e "$T/bare.o"
	done

	# A real error, twice: both runs compile and fail the same way.
	SRC=bad.c
	run_case bare "$comp" -x "$lang" -Wall
	ok "$comp error: the bare compile fails" test "$(cat "$T/bare.rc")" != 0
	for run in 1 2; do
		run_case z zccache "$comp" -x "$lang" -Wall
		deltas "$comp error run $run: counted compile_failed" "compile_failed=1"
		is "$comp error run $run: exit status" "$(cat "$T/z.rc")" "$(cat "$T/bare.rc")"
		ok "$comp error run $run: stderr identical" same "$T/bare.err" "$T/z.err"
		ok "$comp error run $run: stdout identical" same "$T/bare.out" "$T/z.out"
		ok "$comp error run $run: no object" test ! -e "$T/z.o"
	done

	# A source that failed, fixed with the same name: compiled, then a hit.
	cp bad.c fix.c
	SRC=fix.c
	run_case z zccache "$comp" -x "$lang"
	deltas "$comp fix.c broken: compile_failed" "compile_failed=1"
	printf 'int g(void) { return 41 + 1; }\n' >fix.c
	run_case bare "$comp" -x "$lang"
	run_case z zccache "$comp" -x "$lang"
	deltas "$comp fix.c fixed: a stored miss" "depend_miss=1"
	ok "$comp fix.c fixed: object identical" same "$T/bare.o" "$T/z.o"
	is "$comp fix.c fixed: exit 0" "$(cat "$T/z.rc")" 0
	run_case z zccache "$comp" -x "$lang"
	deltas "$comp fix.c fixed again: a hit" "direct_hit=1"
	ok "$comp fix.c hit: object identical" same "$T/bare.o" "$T/z.o"
	cp bad.c fix.c
	echo stale >out.o
	"$comp" -x "$lang" -c fix.c -o out.o 2>/dev/null
	bare_left=$([ -e out.o ] && cat out.o)
	echo stale >out.o
	zccache "$comp" -x "$lang" -c fix.c -o out.o 2>"$T/z.err"
	is "$comp fix.c broken again: exit status 1" "$?" 1
	deltas "$comp fix.c broken again: compile_failed, never the cached object" "compile_failed=1"
	is "$comp fix.c broken again: what is left at -o is what the bare compile leaves" \
		"$([ -e out.o ] && cat out.o)" "$bare_left"
done
done_testing
