#!/bin/bash
# Several sources in one -c (`gcc -c a.c b.c`) are cached one source at a
# time, each as its own `gcc -c a.c` (src/cache/multi_source.h,
# src/launcher/multi.h). Checked with real gcc and clang (and emcc when
# installed) against the bare compiler in a twin folder: none hit, all hit,
# some hit; what one command stores the other hits (multi after single and
# back); one source failing (exit code, which objects and depfiles exist, the
# failure never cached); diagnostics from one and from several sources, cold
# and warm, byte for byte in the compiler's order; and the commands that are
# not the sum of their sources (one base name twice, -MF, -x switching
# languages, a missing source) run uncached under their own reason.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1

# The sources, the same in bare/ (the bare compiler's) and z/ (zccache's).
populate() {
	local d=$1
	mkdir -p "$d/sub" "$d/p" "$d/q"
	printf '#include "h.h"\nint a(void) { return H; }\n' >"$d/a.c"
	printf '#include "h.h"\nint d(void) { return H + 4; }\n' >"$d/d.c"
	printf 'int s(void) { return 5; }\n' >"$d/sub/s.c"
	printf 'int n(void) { return 6; }\n' >"$d/n.c"
	printf 'int w(int y) { int x; return y; }\n' >"$d/w.c"
	printf 'int v(int y) { int z; return y; }\n' >"$d/v.c"
	printf 'int e(void) { return 3 }\n' >"$d/e.c"
	printf 'int x1(void) { return 1; }\n' >"$d/p/x.c"
	printf 'int x2(void) { return 2; }\n' >"$d/q/x.c"
	printf '#define H 3\n' >"$d/h.h"
}
populate bare
populate z
# a tick of the clock between writing the sources and the first compile,
# or a miss is modified_during_compile (cclib.sh)
sleep 0.05

# Files a compile leaves (sources aside), each with its digest.
tree() {
	(cd "$1" && find . -type f ! -name '*.c' ! -name '*.h' ! -name 'std.*' -printf '%p\n' |
		sort | while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done)
}

# both DESC CC ARGS...: the command bare in bare/ and through zccache in z/,
# each after removing the objects and depfiles there: the same exit code,
# stdout, stderr and files, byte for byte.
both() {
	local desc=$1 bare_rc z_rc
	shift
	rm -f bare/*.o bare/*.d bare/*.s z/*.o z/*.d z/*.s
	[ -n "${STALE:-}" ] && for f in $STALE; do echo stale >"bare/$f" && echo stale >"z/$f"; done
	(cd bare && command "$@" >std.out 2>std.err)
	bare_rc=$?
	(cd z && zccache "$@" >std.out 2>std.err)
	z_rc=$?
	is "$desc: exit code" "$z_rc" "$bare_rc"
	ok "$desc: stdout and stderr" same_output
	is "$desc: objects and depfiles" "$(tree z)" "$(tree bare)"
}
same_output() { same bare/std.out z/std.out && same bare/std.err z/std.err; }

mark
for cc in gcc clang; do
	"$CTL" flush >/dev/null
	mark
	# ---- none hit, all hit, some hit -----------------------------------
	both "$cc none hit" $cc -c a.c d.c sub/s.c -MD
	deltas "$cc none hit: three misses stored" \
		"multi_source=1 multi_source_miss=3 depend_miss=3"
	both "$cc all hit" $cc -c a.c d.c sub/s.c -MD
	deltas "$cc all hit: three hits, no compile" \
		"multi_source=1 multi_source_hit=3 direct_hit=3"
	both "$cc some hit" $cc -c a.c n.c d.c sub/s.c -MD
	deltas "$cc some hit: the new source alone misses" \
		"multi_source=1 multi_source_hit=3 multi_source_miss=1 direct_hit=3 depend_miss=1"
	both "$cc -MMD, cold" $cc -c a.c d.c -MMD -MP
	both "$cc -MMD, warm" $cc -c a.c d.c -MMD -MP
	both "$cc -S, cold" $cc -S a.c sub/s.c
	both "$cc -S, warm" $cc -S a.c sub/s.c
	deltas "$cc -MMD and -S: two misses, then two hits, each" \
		"multi_source=4 multi_source_miss=4 multi_source_hit=4 depend_miss=4 direct_hit=4"
	# ---- what one form stores the other hits ---------------------------
	both "$cc one source alone after the command" $cc -c n.c -MD
	deltas "$cc one source alone hits what the command stored" "direct_hit=1"
	both "$cc a lone compile first" $cc -c sub/s.c -O1
	both "$cc then the command" $cc -c n.c sub/s.c -O1
	deltas "$cc the command hits what the lone compile stored" \
		"multi_source=1 multi_source_hit=1 multi_source_miss=1 direct_hit=1 depend_miss=2"
	# ---- one source failing ---------------------------------------------
	# e.o from an older build: gcc keeps it when cc1 fails, clang deletes it
	STALE="e.o" both "$cc one source failing, cold" $cc -c a.c e.c d.c -MD
	STALE="e.o" both "$cc one source failing, warm" $cc -c a.c e.c d.c -MD
	STALE="e.o" both "$cc the failing source last" $cc -c a.c d.c e.c -MD
	# e.c's quiet compile is the command's own when no other source
	# prints: shown and mirrored, not compiled a second time. A source
	# after e.c is never served before it (it could read e.c's outputs):
	# it compiles with e.c in the command's final run, uncached
	deltas "$cc a failing source compiles once per command" \
		"multi_source=3 multi_source_hit=4 direct_hit=4 multi_source_miss=3 compile_failed=3"
	both "$cc the failing source alone" $cc -c e.c -MD
	deltas "$cc the failure was never stored" "compile_failed=1"
	# ---- diagnostics ----------------------------------------------------
	"$CTL" flush >/dev/null
	mark
	both "$cc warnings from one source, cold" $cc -c -Wall -Wextra a.c w.c d.c
	both "$cc warnings from one source, warm" $cc -c -Wall -Wextra a.c w.c d.c
	# cold: a and w miss quietly (w stored, its own compile), w printed,
	# so w and d, which might read what w writes, compile together;
	# warm: a hits, w is refused as printing, w and d compile together
	deltas "$cc warnings from one: a hits, the printing source and those after it compile together" \
		"multi_source=2 multi_source_miss=2 multi_source_hit=1 depend_miss=2 direct_hit=1 uncacheable.multi_source_diagnostics=1"
	both "$cc warnings from two sources, cold" $cc -c -Wall -Wextra w.c a.c v.c d.c
	both "$cc warnings from two sources, warm" $cc -c -Wall -Wextra w.c a.c v.c d.c
	ok "$cc ... and the compiler printed both, w.c first" \
		grep -q "w.c.*v.c" <(tr '\n' ' ' <bare/std.err)
	# w's entry is the one stored just above, and it prints: every source
	# from the first one that prints on compiles in the command's own run
	deltas "$cc warnings from two: from the first printing source on, they compile together" \
		"multi_source=2 uncacheable.multi_source_diagnostics=2"
	# ---- not per-source equivalent: refused, still the compiler's result -
	both "$cc one base name twice" $cc -c p/x.c q/x.c
	both "$cc one source twice" $cc -c a.c a.c
	both "$cc -MF shared by all" $cc -c a.c d.c -MD -MF all.d
	both "$cc -x switching languages" $cc -c -x c a.c -x none d.c
	both "$cc a missing source" $cc -c a.c missing.c d.c
	deltas "$cc each refused with its reason" \
		"uncacheable.multi_source_same_output=2 uncacheable.multi_source_option=1 uncacheable.multi_source_language=1 uncacheable.multi_source_missing=1"
done
# ---- two commands writing the same objects at once ----------------------
# -DV=1 and -DV=2 both write x.o and y.o here: each miss writes in its own
# folder, so no entry can hold the other command's bytes.
mkdir -p race && cd race || exit 1
for s in x y; do
	{
		for i in $(seq 1 60); do
			printf 'int %s_f%d(int x) { int s = V; for (int j = 0; j < x; j++) s += j * %d ^ (s >> 3); return s; }\n' $s "$i" "$i"
		done
	} >$s.c
done
for v in 1 2; do
	for s in x y; do command gcc -O2 -DV=$v -c $s.c -o ref$v$s.o; done
done
sleep 0.05
bad=0
for round in $(seq 1 8); do
	"$CTL" flush >/dev/null
	zccache gcc -O2 -DV=1 -c x.c y.c &
	zccache gcc -O2 -DV=2 -c x.c y.c
	wait
	for v in 1 2; do
		for s in x y; do
			zccache gcc -O2 -DV=$v -c $s.c -o chk.o
			cmp -s chk.o ref$v$s.o || bad=$((bad + 1))
		done
	done
done
is "8 rounds of two commands writing x.o and y.o at once: every later object is its own" "$bad" 0
cd .. || exit 1
is "no private folder is left" "$(find "$T/work" -name '.zccache-*' | head -3)" ""

# ---- emcc: it stops at the first source that fails ----------------------
if command -v emcc >/dev/null; then
	unset EMCC_CFLAGS EMCC_DEBUG EMCC_DEBUG_SAVE EMCC_STDERR_FILE EMPROFILE EMCC_VERBOSE \
		EM_COMPILER_WRAPPER EMCC_STRICT EMCC_FORCE_STDLIBS
	export TMPDIR=$T/tmp
	mkdir -p "$TMPDIR"
	mark
	both "emcc none hit" emcc -c a.c d.c -MD
	both "emcc all hit" emcc -c a.c d.c -MD
	deltas "emcc: two misses, then two hits" \
		"multi_source=2 multi_source_miss=2 multi_source_hit=2 depend_miss=2 direct_hit=2"
	both "emcc one source failing: none after it is written" emcc -c a.c e.c n.c d.c
	both "emcc ... warm" emcc -c a.c e.c n.c d.c
else
	skip_case "emcc" "emcc not installed"
fi

done_testing
