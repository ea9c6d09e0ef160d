#!/bin/bash
# Preprocessor mode, with real gcc and clang: a unit the direct mode refuses
# (a __has_include of a macro in the source or in a header, a clang .S that
# pastes tokens) is keyed on its -E output. Cold it is a preprocessor_miss,
# warm a preprocessor_hit whose object, depfile, stdout, stderr and exit
# status are the bare compile's, byte for byte; a changed header or -D is a
# miss with the new object; a failed compile is not cached, nor one that
# printed (it runs without the -E until it is silent); a .S whose
# preprocessed text has .include stays uncacheable, and so does a unit that
# loads a .gch in place of a header its -E read.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# A computed __has_include in the source, compiled silently: a compile
# that prints is not stored in preprocessor mode (warned.c below).
cat >probe.c <<'EOF'
#define HDR "probed.h"
#if __has_include(HDR)
#include HDR
#endif
int f(int x) { return x + VALUE; }
EOF
echo '#define VALUE 1' >probed.h
# The same doubt in a header only: the direct mode learns it at its store.
cat >viahdr.h <<'EOF'
#define HDR2 "probed.h"
#if __has_include(HDR2)
#include HDR2
#endif
EOF
printf '#include "viahdr.h"\nint g(void) { return VALUE * 2; }\n' >viahdr.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#include HDR\n#endif\nint h(void) { return VALUE +; }\n' >broken.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#include HDR\n#endif\n#error stop here\n' >errdir.c

# bare COMPILER OUT ARGS...: the bare compile's object, depfile (if any),
# stdout, stderr and exit status, kept in $T/bare.*; the outputs removed.
bare() {
	local cc=$1 out=$2
	shift 2
	rm -f "$out" "${out%.o}.d"
	"$cc" "$@" >"$T/bare.out" 2>"$T/bare.err"
	echo $? >"$T/bare.rc"
	cp "$out" "$T/bare.o" 2>/dev/null || echo "(none)" >"$T/bare.o"
	cp "${out%.o}.d" "$T/bare.d" 2>/dev/null || echo "(none)" >"$T/bare.d"
	rm -f "$out" "${out%.o}.d"
}

# cached DESC COMPILER OUT ARGS...: the same through zccache; every output
# compared with the bare compile's.
cached() {
	local desc=$1 cc=$2 out=$3
	shift 3
	rm -f "$out" "${out%.o}.d"
	zccache "$cc" "$@" >"$T/z.out" 2>"$T/z.err"
	is "$desc: exit status" "$?" "$(cat "$T/bare.rc")"
	[ -e "$out" ] || echo "(none)" >"$out"
	[ -e "${out%.o}.d" ] || echo "(none)" >"${out%.o}.d"
	ok "$desc: object" same "$T/bare.o" "$out"
	ok "$desc: depfile" same "$T/bare.d" "${out%.o}.d"
	ok "$desc: stdout" same "$T/bare.out" "$T/z.out"
	ok "$desc: stderr" same "$T/bare.err" "$T/z.err"
}

for cc in gcc clang; do
	command -v "$cc" >/dev/null || { skip_case "$cc" "$cc not installed"; continue; }
	echo '#define VALUE 1' >probed.h
	for deps in "-MD" "-MMD -MP -MT tgt" "-Wp,-MD,probe.d" ""; do
		# shellcheck disable=SC2086
		args=(-c probe.c -o probe.o -Wall $deps)
		bare "$cc" probe.o "${args[@]}"
		ok "$cc $deps: the bare compile is silent" test ! -s "$T/bare.err"
		cached "$cc $deps cold" "$cc" probe.o "${args[@]}"
		deltas "$cc $deps cold: a preprocessor miss, stored" "preprocessor_miss=1"
		cached "$cc $deps warm" "$cc" probe.o "${args[@]}"
		deltas "$cc $deps warm: a preprocessor hit" "preprocessor_hit=1"
	done

	args=(-c probe.c -o probe.o -Wall -MD)
	# The header the probe finds changes: a miss, the new object.
	echo '#define VALUE 2' >probed.h
	bare "$cc" probe.o "${args[@]}"
	cached "$cc header changed" "$cc" probe.o "${args[@]}"
	deltas "$cc header changed: a preprocessor miss" "preprocessor_miss=1"
	# It goes: the probe now fails, -DVALUE=3 takes over.
	mv probed.h probed.h.away
	bare "$cc" probe.o "${args[@]}" -DVALUE=3
	cached "$cc header gone, -DVALUE=3" "$cc" probe.o "${args[@]}" -DVALUE=3
	deltas "$cc header gone: a preprocessor miss" "preprocessor_miss=1"
	bare "$cc" probe.o "${args[@]}" -DVALUE=4
	cached "$cc -DVALUE=4" "$cc" probe.o "${args[@]}" -DVALUE=4
	deltas "$cc -D changed: a preprocessor miss" "preprocessor_miss=1"
	cached "$cc -DVALUE=4 again" "$cc" probe.o "${args[@]}" -DVALUE=4
	deltas "$cc -DVALUE=4 again: a preprocessor hit" "preprocessor_hit=1"
	mv probed.h.away probed.h

	# A unit that warns: gcc and clang quote the warned line as it is on
	# disk (comments, spacing), which the -E text keyed drops (case h7-03):
	# not stored; while it prints it runs as it is, without the -E; the
	# first silent one sends it back to preprocessor mode.
	printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#include HDR\n#endif\n#include "warn.h"\nint w(void) { return g(); }\n' >warned.c
	printf 'static int g(void) { int unused; return 1; } /* one */\n' >warn.h
	args=(-c warned.c -o warned.o -Wall -MD)
	bare "$cc" warned.o "${args[@]}"
	ok "$cc warned unit: the bare compile warns" grep -q unused "$T/bare.err"
	cached "$cc warned unit, first" "$cc" warned.o "${args[@]}"
	deltas "$cc warned unit, first: run, not stored" "uncacheable.preprocess_printed=1"
	printf 'static int g(void) { int unused; return 1; } /* TWO */\n' >warn.h
	bare "$cc" warned.o "${args[@]}"
	ok "$cc warned unit: the bare compile quotes the new comment" grep -q TWO "$T/bare.err"
	cached "$cc warned unit, comment changed" "$cc" warned.o "${args[@]}"
	deltas "$cc warned unit, comment changed: run without the -E, not stored" \
		"uncacheable.preprocess_printed=1"
	"$CTL" explain >"$T/explain.txt" 2>&1
	ok "$cc explain says it printed last time" grep -q 'printed last time' "$T/explain.txt"
	printf 'static int g(void) { return 1; }\n' >warn.h
	bare "$cc" warned.o "${args[@]}"
	cached "$cc warned unit, silent now" "$cc" warned.o "${args[@]}"
	deltas "$cc warned unit, silent now: run once more, back to preprocessor mode" \
		"uncacheable.computed_probe=1"
	cached "$cc warned unit, silent, second" "$cc" warned.o "${args[@]}"
	deltas "$cc warned unit, silent, second: a preprocessor miss" "preprocessor_miss=1"
	cached "$cc warned unit, silent, third" "$cc" warned.o "${args[@]}"
	deltas "$cc warned unit, silent, third: a preprocessor hit" "preprocessor_hit=1"

	# Learned at the store: once uncacheable, then preprocessor mode.
	args=(-c viahdr.c -o viahdr.o -MD)
	bare "$cc" viahdr.o "${args[@]}"
	cached "$cc probe in a header, first" "$cc" viahdr.o "${args[@]}"
	deltas "$cc probe in a header, first: refused at the store" "uncacheable.computed_probe=1"
	cached "$cc probe in a header, second" "$cc" viahdr.o "${args[@]}"
	deltas "$cc probe in a header, second: a preprocessor miss" "preprocessor_miss=1"
	cached "$cc probe in a header, third" "$cc" viahdr.o "${args[@]}"
	deltas "$cc probe in a header, third: a preprocessor hit" "preprocessor_hit=1"
	echo '#define VALUE 5' >probed.h
	bare "$cc" viahdr.o "${args[@]}"
	cached "$cc probe in a header, header changed" "$cc" viahdr.o "${args[@]}"
	deltas "$cc probe in a header, header changed: a preprocessor miss" "preprocessor_miss=1"
	"$CTL" explain >"$T/explain.txt" 2>&1
	ok "$cc explain names the reason that sent it to preprocessor mode" \
		grep -q 'preprocessor mode (computed_probe)' "$T/explain.txt"
	ok "$cc explain shows the hit by preprocessed text" \
		grep -q 'a hit by its preprocessed text' "$T/explain.txt"

	# Two copies of a #pragma once header: gcc reads the second only when
	# size, bytes or mtime differ, which the direct mode cannot key; the
	# -E text shows what was read. clang goes by the file: both, always.
	rm -rf once && mkdir -p once/x once/y
	printf '#pragma once\n#ifdef SEEN\nint twice;\n#endif\n#define SEEN\n' >once/x/h.h
	cp -p once/x/h.h once/y/h.h
	touch -d '-1 hour' once/x/h.h once/y/h.h
	printf '#include "once/x/h.h"\n#include "once/y/h.h"\nint m;\n' >once.c
	args=(-c once.c -o once.o -MD)
	bare "$cc" once.o "${args[@]}"
	cached "$cc #pragma once copies, first" "$cc" once.o "${args[@]}"
	deltas "$cc #pragma once copies, first: refused at the store" \
		"uncacheable.pragma_once_copy=1"
	cached "$cc #pragma once copies, second" "$cc" once.o "${args[@]}"
	deltas "$cc #pragma once copies, second: a preprocessor miss" "preprocessor_miss=1"
	cached "$cc #pragma once copies, third" "$cc" once.o "${args[@]}"
	deltas "$cc #pragma once copies, third: a preprocessor hit" "preprocessor_hit=1"
	touch -d '-2 hour' once/y/h.h
	bare "$cc" once.o "${args[@]}"
	if [ "$cc" = gcc ]; then
		ok "gcc reads the second copy once its mtime differs" \
			bash -c "nm '$T/bare.o' | grep -q twice"
		want="preprocessor_miss=1"
	else
		want="preprocessor_hit=1"
	fi
	cached "$cc #pragma once copy touched" "$cc" once.o "${args[@]}"
	deltas "$cc #pragma once copy touched: $want" "$want"

	# A dependency pragma spelt through a macro's _Pragma (Linux's trace
	# headers name a parameter "dependency" beside _Pragma): the direct mode
	# cannot key the file it names (no depfile lists it); preprocessor mode
	# keys the -E's stderr, which warns when that file is newer, and keeps
	# only compiles where neither the -E nor the compile printed.
	rm -rf dep && mkdir dep
	echo 'int dep_x;' >dep/dep.h
	printf '#define S(x) #x\n#define P(x) _Pragma(S(x))\nP(GCC dependency "dep/dep.h")\nint depf(void) { return 1; }\n' >dep.c
	touch -d '-1 hour' dep/dep.h
	touch -d '-30 min' dep.c
	args=(-c dep.c -o dep.o -MD)
	bare "$cc" dep.o "${args[@]}"
	cached "$cc dependency pragma, first" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, first: refused at the store" "uncacheable.pragma_dependency=1"
	cached "$cc dependency pragma, second" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, second: a preprocessor miss" "preprocessor_miss=1"
	cached "$cc dependency pragma, third" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, third: a preprocessor hit" "preprocessor_hit=1"
	touch dep/dep.h
	bare "$cc" dep.o "${args[@]}"
	ok "$cc the bare compile warns once dep/dep.h is newer" grep -q "dep/dep.h" "$T/bare.err"
	cached "$cc dependency pragma, its file newer" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, its file newer: runs, not stored" \
		"uncacheable.preprocess_printed=1"
	touch -d '-1 hour' dep/dep.h
	bare "$cc" dep.o "${args[@]}"
	# it printed last time: run once without the -E, silent, then back
	cached "$cc dependency pragma, its file older again" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, its file older again: run once more" \
		"uncacheable.pragma_dependency=1"
	cached "$cc dependency pragma, its file older, second" "$cc" dep.o "${args[@]}"
	deltas "$cc dependency pragma, its file older, second: a preprocessor hit" \
		"preprocessor_hit=1"

	# A compile that fails after preprocessing: not cached, twice.
	args=(-c broken.c -o broken.o -MD)
	for run in 1 2; do
		bare "$cc" broken.o "${args[@]}"
		cached "$cc failing compile, run $run" "$cc" broken.o "${args[@]}"
		deltas "$cc failing compile, run $run: not cached" "compile_failed=1"
	done
	# One whose -E fails: counted, and the compile runs as given.
	args=(-c errdir.c -o errdir.o -MD)
	bare "$cc" errdir.o "${args[@]}"
	cached "$cc failing -E" "$cc" errdir.o "${args[@]}"
	deltas "$cc failing -E: preprocess_failed" "uncacheable.preprocess_failed=1"
done

# gcc's -E reads a header's text where the compile loads its .gch: the
# key would not hold what was compiled. Not stored; without the .gch, it is.
if command -v gcc >/dev/null; then
	echo '#define PCHV 7' >pre.h
	printf '#include "pre.h"\n#define P "x.h"\n#if __has_include(P)\n#endif\nint p(void) { return PCHV; }\n' >usepch.c
	gcc -x c-header pre.h -o pre.h.gch
	args=(-c usepch.c -o usepch.o -MD)
	for run in 1 2; do
		bare gcc usepch.o "${args[@]}"
		cached "gcc with a .gch, run $run" gcc usepch.o "${args[@]}"
		deltas "gcc with a .gch, run $run: not stored" "uncacheable.pch=1"
	done
	rm pre.h.gch
	bare gcc usepch.o "${args[@]}"
	cached "gcc without the .gch" gcc usepch.o "${args[@]}"
	deltas "gcc without the .gch: a preprocessor miss" "preprocessor_miss=1"
fi

# clang's integrated assembler names no file it reads: a .S that pastes
# goes to preprocessor mode, where a pasted .include shows.
if command -v clang >/dev/null; then
	echo '.byte 1' >m.s
	printf '#define D(a,b) a##b\n.data\nD(.by,te) 7\n' >paste.S
	printf '#define D(a,b) a##b\n.data\nD(.in,clude) "m.s"\n' >pinc.S
	args=(-c paste.S -o paste.o -MD)
	bare clang paste.o "${args[@]}"
	cached "clang .S pasting" clang paste.o "${args[@]}"
	deltas "clang .S pasting, cold: a preprocessor miss" "preprocessor_miss=1"
	cached "clang .S pasting, warm" clang paste.o "${args[@]}"
	deltas "clang .S pasting, warm: a preprocessor hit" "preprocessor_hit=1"
	args=(-c pinc.S -o pinc.o -MD)
	for v in 1 2; do
		echo ".byte $v" >m.s
		bare clang pinc.o "${args[@]}"
		cached "clang .S pasting .include, m.s $v" clang pinc.o "${args[@]}"
		deltas "clang .S pasting .include, m.s $v: uncacheable" \
			"uncacheable.assembler_include=1"
	done
else
	skip_case "clang .S" "clang not installed"
fi
done_testing
