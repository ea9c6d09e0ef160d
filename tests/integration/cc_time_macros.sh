#!/bin/bash
# __TIME__, __DATE__ and __TIMESTAMP__ in a source or in a header make a
# compile uncacheable (counted uncacheable.time_macros on every run, never a
# hit, the object always the compiler's own), unless SOURCE_DATE_EPOCH pins
# them: then it caches, per value, with the bare compile's bytes. Named only
# in comments and string literals, they do not count.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

printf 'const char *when(void) { return __DATE__ " " __TIME__; }\n' >src_time.c
printf 'const char *stamp(void) { return __TIMESTAMP__; }\n' >src_ts.c
printf '#define BUILT __DATE__\n' >hdr.h
printf '#include "hdr.h"\nconst char *built(void) { return BUILT; }\n' >src_hdr.c
printf '#include "late.h"\nconst char *late(void) { return LATE; }\n' >src_late.c
printf '#define LATE "fixed"\n' >late.h

for cc in gcc clang; do
	command -v "$cc" >/dev/null || { skip_case "$cc time macros" "$cc not installed"; continue; }
	for src in src_time.c src_ts.c src_hdr.c; do
		for run in 1 2; do
			rm -f out.o
			zccache "$cc" -c "$src" -o out.o
			is "$cc $src run $run: exit 0" "$?" 0
			ok "$cc $src run $run: an object" test -s out.o
			deltas "$cc $src run $run: uncacheable.time_macros, no hit" "uncacheable.time_macros=1"
		done
	done
	# Different seconds give different objects: the one written is fresh.
	rm -f out.o
	zccache "$cc" -c src_time.c -o out.o && cp out.o "$T/t1.o"
	sleep 1.1
	zccache "$cc" -c src_time.c -o out.o
	ok "$cc __TIME__: a second later the object is another one (compiled, not cached)" \
		bash -c "! cmp -s '$T/t1.o' out.o"
	mark

	# A header that gains __TIME__ after the result was stored.
	printf '#define LATE "fixed"\n' >late.h
	zccache "$cc" -c src_late.c -o out.o
	deltas "$cc late.h without time macros: stored" "depend_miss=1"
	printf '#define LATE __TIME__\n' >late.h
	zccache "$cc" -c src_late.c -o out.o
	deltas "$cc late.h gains __TIME__: uncacheable" "uncacheable.time_macros=1"
	zccache "$cc" -c src_late.c -o out.o
	deltas "$cc late.h with __TIME__ again: uncacheable again" "uncacheable.time_macros=1"

	# Pinned by SOURCE_DATE_EPOCH: cached per value, when the compiler
	# honours it (gcc >= 7, clang >= 16): two bare compiles a second apart
	# are then equal. When it does not, the macros still move: uncacheable.
	SOURCE_DATE_EPOCH=1700000000 "$cc" -c src_time.c -o "$T/p1.o"
	sleep 1.1
	SOURCE_DATE_EPOCH=1700000000 "$cc" -c src_time.c -o "$T/p2.o"
	if cmp -s "$T/p1.o" "$T/p2.o"; then
		diag "$cc honours SOURCE_DATE_EPOCH"
		for epoch in 1700000000 1800000000; do
			for src in src_time.c src_hdr.c; do
				rm -f out.o
				SOURCE_DATE_EPOCH=$epoch "$cc" -c "$src" -o out.o
				mv out.o "$T/bare.o"
				SOURCE_DATE_EPOCH=$epoch zccache "$cc" -c "$src" -o out.o
				deltas "$cc $src SOURCE_DATE_EPOCH=$epoch: a stored miss" "depend_miss=1"
				ok "$cc $src SOURCE_DATE_EPOCH=$epoch: miss object identical" same "$T/bare.o" out.o
				rm -f out.o
				SOURCE_DATE_EPOCH=$epoch zccache "$cc" -c "$src" -o out.o
				deltas "$cc $src SOURCE_DATE_EPOCH=$epoch: a hit" "direct_hit=1"
				ok "$cc $src SOURCE_DATE_EPOCH=$epoch: hit object identical" same "$T/bare.o" out.o
				cp out.o "$T/$src.$epoch.o"
			done
		done
		ok "$cc: the two epochs give different objects" \
			bash -c "! cmp -s '$T/src_time.c.1700000000.o' '$T/src_time.c.1800000000.o'"
	else
		diag "$cc ignores SOURCE_DATE_EPOCH: __TIME__ moves even when it is set"
		for run in 1 2; do
			rm -f out.o
			SOURCE_DATE_EPOCH=1700000000 zccache "$cc" -c src_time.c -o out.o
			ok "$cc ignoring SOURCE_DATE_EPOCH, run $run: an object" test -s out.o
			deltas "$cc ignoring SOURCE_DATE_EPOCH, run $run: still uncacheable.time_macros, never a hit" \
				"uncacheable.time_macros=1"
			cp out.o "$T/ign$run.o"
			sleep 1.1
		done
		ok "$cc ignoring SOURCE_DATE_EPOCH: the second object is fresh, not the first one's bytes" \
			bash -c "! cmp -s '$T/ign1.o' '$T/ign2.o'"
	fi
	rm -f out.o
	zccache "$cc" -c src_time.c -o out.o
	deltas "$cc src_time.c without SOURCE_DATE_EPOCH again: uncacheable, not the pinned result" \
		"uncacheable.time_macros=1"

	# Named in a comment or a string literal, the macros are not used: the
	# compile caches. Moved into code by an edit, they are seen again.
	printf '/* Do not use __DATE__ or __TIME__ here. */\n// nor __TIMESTAMP__\n#define NAME "__DATE__"\n' >doc.h
	printf '#include "doc.h"\nconst char *name(void) { return NAME; }\n' >src_doc.c
	"$cc" -c src_doc.c -o "$T/doc_bare.o"
	for run in 1 2; do
		rm -f out.o
		zccache "$cc" -c src_doc.c -o out.o
		if [ $run = 1 ]; then
			deltas "$cc macros named in comments and literals: a stored miss" "depend_miss=1"
		else
			deltas "$cc macros named in comments and literals: a hit" "direct_hit=1"
		fi
		ok "$cc macros named in comments and literals, run $run: object identical" \
			same "$T/doc_bare.o" out.o
	done
	printf '/* Do not use __DATE__ here. */\n#define NAME __DATE__\n' >doc.h
	for run in 1 2; do
		rm -f out.o
		zccache "$cc" -c src_doc.c -o out.o
		deltas "$cc doc.h now uses __DATE__ in code, run $run: uncacheable" "uncacheable.time_macros=1"
	done
	printf '#define NAME "x" /* __DATE__ */ __TIME__\n' >doc.h
	rm -f out.o
	zccache "$cc" -c src_doc.c -o out.o
	deltas "$cc __TIME__ after a comment on the same line: uncacheable" "uncacheable.time_macros=1"
done
# No false alarm on the headers everyone includes: their ## pastes sit beside
# short names such as math.h's __T, which are no piece of a time macro.
hdrs="assert.h ctype.h errno.h fcntl.h float.h inttypes.h limits.h locale.h math.h
	setjmp.h signal.h stdarg.h stdbool.h stddef.h stdint.h stdio.h stdlib.h string.h
	time.h unistd.h pthread.h sys/stat.h sys/types.h complex.h tgmath.h wchar.h"
for h in $hdrs; do echo "#include <$h>"; done >allhdrs.c
echo 'int main(void) { return 0; }' >>allhdrs.c
for h in cstdio cmath complex string vector map memory algorithm iostream chrono thread \
	functional regex tuple atomic; do echo "#include <$h>"; done >allhdrs.cc
for cc in gcc clang; do
	mark
	zccache "$cc" -O2 -c allhdrs.c -o allhdrs.o
	zccache "$cc" -O2 -c allhdrs.c -o allhdrs.o
	deltas "$cc, every common C header: a miss, then a hit" "depend_miss=1 direct_hit=1"
done
for cxx in g++ clang++; do
	mark
	zccache "$cxx" -O2 -c allhdrs.cc -o allhdrs.o
	zccache "$cxx" -O2 -c allhdrs.cc -o allhdrs.o
	deltas "$cxx, common C++ headers: a miss, then a hit" "depend_miss=1 direct_hit=1"
done
done_testing
