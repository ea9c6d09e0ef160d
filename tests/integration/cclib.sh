# cclib.sh: helpers for the C/C++ cache tests, sourced after lib.sh.
# Counter snapshots and exact deltas, byte comparisons, and a fake gcc.
# shellcheck shell=bash

# ccache is installed on the test machines; never let make or meson use it.
export CCACHE_DISABLE=1
# Diagnostics in one language and without colours, whoever runs the tests.
export LC_ALL=C
unset LANG LC_MESSAGES LC_CTYPE GCC_COLORS CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH \
	SOURCE_DATE_EPOCH TERM NO_COLOR DEPENDENCIES_OUTPUT SUNPRO_DEPENDENCIES \
	GCC_EXEC_PREFIX COMPILER_PATH CCC_OVERRIDE_OPTIONS MAKEFLAGS MFLAGS

# cnt NAME: a counter of the running server, 0 when it was never counted.
cnt() {
	local v
	v=$(counter "$1")
	echo "${v:-0}"
}

# A file edited in the same clock tick (a few ms) as a compile's lookup counts
# as modified during that compile: the kernel's coarse timestamps cannot tell
# which came first. These tests edit and compile back to back, which real
# edits do not: let a tick pass first.
zccache() {
	sleep 0.02
	command zccache "$@"
}

# mark: remember every counter; deltas are measured from the last mark.
mark() { "$CTL" --json --no-start stats >"$T/.mark" 2>/dev/null || echo '{}' >"$T/.mark"; }

# deltas DESC 'name=N name=N ...': the cache counters moved by exactly these
# amounts since the last mark (direct_hit, depend_miss, compile_failed,
# joined, evictions, uncacheable.*, error.*): any other one that moved, or a
# listed one that moved by another amount, fails. Then mark again.
deltas() {
	local desc=$1 want=$2 out
	out=$("$CTL" --json --no-start stats 2>/dev/null | python3 -c '
import json, re, sys
before = json.load(open(sys.argv[1]))
after = json.load(sys.stdin)
want = dict((k, int(v)) for k, v in (w.split("=") for w in sys.argv[2].split()))
watched = re.compile(r"^(direct_hit|depend_miss|preprocessor_hit|preprocessor_miss|compile_failed|joined|evictions|uncacheable\..*|error\..*)$")
bad = []
for k in sorted(set(before) | set(after) | set(want)):
    if not watched.match(k) and k not in want:
        continue
    d = after.get(k, 0) - before.get(k, 0)
    if d != want.get(k, 0):
        bad.append("%s moved by %d, expected %d" % (k, d, want.get(k, 0)))
print("; ".join(bad))' "$T/.mark" "$want")
	is "$desc" "$out" ""
	mark
}

# same FILE_A FILE_B: cmp, its complaint as a TAP comment.
same() {
	local out
	out=$(cmp -- "$1" "$2" 2>&1) && return 0
	diag "$out"
	return 1
}

# same_files DIR_A DIR_B [GLOB]: every file of A (matching GLOB) exists in B
# with the same bytes.
same_files() {
	local a=$1 b=$2 f rc=0 n=0
	for f in "$a"/${3:-*}; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		if ! cmp -s "$f" "$b/${f##*/}"; then
			diag "differs: ${f##*/}"
			# The first difference, for text files (depfiles).
			[ $rc = 0 ] && case $f in *.d) diff "$f" "$b/${f##*/}" | head -6 | sed 's/^/#   /' ;; esac
			rc=1
		fi
	done
	[ "$n" -gt 0 ] || { diag "no files in $a"; rc=1; }
	return $rc
}

# A fake gcc for adversarial cases, in DIR/gcc (put DIR first in PATH). Its
# object is "FAKEOBJ", then for the source and each file it names in an
# #include "x" line (next to the source): "== path", the file's sha256 and
# its bytes; then FAKECC_PAD bytes of padding. All inputs are read after
# FAKECC_PRE seconds and before FAKECC_SLEEP seconds of "compiling" (the read
# is logged to FAKECC_LOG in between); the object is written at the end
# (tmp + rename). -MD/-MMD write "target: source headers" to -MF or out.d.
# It answers the identification queries the server makes. A source holding
# "#error" fails with exit 1. FAKECC_LOG gets one line per real compile.
fake_gcc() {
	local dir=$1
	mkdir -p "$dir"
	cat >"$dir/fakeobj" <<'EOF'
#!/bin/bash
# fakeobj SOURCE: the fake compiler's object for SOURCE, on stdout.
src=$1
files=("$src")
while IFS= read -r line; do
	case $line in
	'#include "'*'"')
		inc=${line#\#include \"}
		files+=("$(dirname "$src")/${inc%\"}")
		;;
	esac
done <"$src"
echo FAKEOBJ
for f in "${files[@]}"; do
	printf '== %s\n' "$f"
	sha256sum <"$f" | cut -d' ' -f1
	cat -- "$f" || exit 1
done
EOF
	cat >"$dir/gcc" <<'EOF'
#!/bin/bash
case "$1" in
-dumpversion) echo 12; exit 0 ;;
-dumpmachine) echo x86_64-linux-gnu; exit 0 ;;
# Like gcc: the programs it runs, by absolute path (it runs none).
-print-prog-name=*) echo "$(cd "$(dirname "$0")" && pwd)/fakeobj"; exit 0 ;;
esac
out= src= dep= md=0 mt= E=0 asdep=
while [ $# -gt 0 ]; do
	case "$1" in
	-E) E=1 ;;
	-o) out=$2; shift ;;
	-MF) dep=$2; shift ;;
	-MD | -MMD) md=1 ;;
	-MT) mt=$2; shift ;;
	-Wa,--MD,*) asdep=${1#-Wa,--MD,} ;;
	-x | -I | -D) shift ;;
	-*) ;;
	*) src=$1 ;;
	esac
	shift
done
if [ "$E" = 1 ]; then
	printf '#include <...> search starts here:\nEnd of search list.\n' >&2
	exit 0
fi
[ -n "$src" ] && [ -n "$out" ] || { echo "fakecc: usage" >&2; exit 2; }
here=$(dirname "$0")
tmp=$out.fake-tmp.$$
[ "${FAKECC_PRE:-0}" != 0 ] && sleep "$FAKECC_PRE"
"$here/fakeobj" "$src" >"$tmp" || { rm -f "$tmp"; exit 1; }
deps=$(sed -n 's/^== //p' "$tmp" | tr '\n' ' ')
[ "${FAKECC_LOG:-}" ] && echo "compile $src $$" >>"$FAKECC_LOG"
[ "${FAKECC_SLEEP:-0}" != 0 ] && sleep "$FAKECC_SLEEP"
if grep -q '^#error' "$src"; then
	rm -f "$tmp"
	echo "$src:1: error: #error" >&2
	exit 1
fi
[ "${FAKECC_PAD:-0}" != 0 ] && head -c "$FAKECC_PAD" /dev/zero | tr '\0' 'p' >>"$tmp"
mv -f "$tmp" "$out"
if [ "$md" = 1 ]; then
	[ -n "$dep" ] || dep=${out%.o}.d
	printf '%s: %s\n' "${mt:-$out}" "$deps" >"$dep"
fi
# Like GNU as under -Wa,--MD: its input, which it read (here, the source).
[ -n "$asdep" ] && printf '%s: %s\n' "$out" "$src" >"$asdep"
[ "${FAKECC_WARN:-}" ] && echo "$src: warning: $FAKECC_WARN" >&2
[ "${FAKECC_WARN:-}" ] && echo "stdout: $FAKECC_WARN"
exit 0
EOF
	chmod +x "$dir/gcc" "$dir/fakeobj"
	FAKEBIN=$dir
}

# fake_expected SRC: the bytes the fake compiler writes for SRC (no padding).
fake_expected() { "$FAKEBIN/fakeobj" "$1"; }

# fake_ok OBJ SRC: OBJ holds exactly what the fake compiler makes of SRC now.
fake_ok() {
	if ! cmp -s "$1" <(fake_expected "$2"); then
		diag "$1 is not the object of $2 as it is now"
		return 1
	fi
}

# gen_project DIR NTU: a C project of NTU translation units (src/uNN.c) that
# share four headers (include/h0.h..h3.h; unit i includes h(i%4) and
# h((i+1)%4)), with a Makefile building src/*.o and src/*.d with $(CC) -O2
# -g -MMD. Each unit is big enough that gcc takes a noticeable while.
gen_project() {
	local d=$1 n=$2 i k
	mkdir -p "$d/src" "$d/include"
	for k in 0 1 2 3; do
		printf '#ifndef H%d_H\n#define H%d_H\n#define SCALE%d %d\nstatic inline int mix%d(int a, int b) { return a * SCALE%d + b; }\n#endif\n' \
			"$k" "$k" "$k" $((k + 2)) "$k" "$k" >"$d/include/h$k.h"
	done
	for ((i = 0; i < n; i++)); do
		{
			printf '#include "h%d.h"\n#include "h%d.h"\n#include <string.h>\n' $((i % 4)) $(((i + 1) % 4))
			for k in 0 1 2 3 4 5; do
				printf 'int u%d_f%d(const int *v, int n) {\n\tint s = %d;\n\tfor (int j = 0; j < n; j++)\n\t\ts = mix%d(s, v[j] ^ j) + (int)strlen("u%d_%d");\n\treturn s;\n}\n' \
					"$i" "$k" "$k" $((i % 4)) "$i" "$k"
			done
		} >"$d/src/u$(printf '%02d' "$i").c"
	done
	cat >"$d/Makefile" <<'EOF2'
CC ?= gcc
OBJS := $(patsubst %.c,%.o,$(wildcard src/*.c))
all: $(OBJS)
src/%.o: src/%.c
	$(CC) -O2 -g -Iinclude -MMD -c $< -o $@
clean:
	rm -f src/*.o src/*.d
-include $(OBJS:.o=.d)
EOF2
}

# build_ref DIR: an uncached build of DIR; its objects and depfiles are kept
# in DIR/ref for same_files, and the tree is left clean.
build_ref() {
	rm -rf "$1/ref" && mkdir "$1/ref" &&
		make -s -C "$1" clean && make -s -C "$1" -j4 CC=gcc >/dev/null &&
		cp "$1"/src/*.o "$1"/src/*.d "$1/ref/" && make -s -C "$1" clean
}

# build_cached DIR [JOBS]: a clean build of DIR through zccache.
build_cached() {
	make -s -C "$1" clean && make -s -C "$1" -j"${2:-4}" CC="zccache gcc" >/dev/null
}

# is_our_server PID: a zccached of this sandbox (its socket is in $T), so
# that a recycled pid is never killed.
is_our_server() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = zccached ] &&
		tr '\0' '\n' 2>/dev/null <"/proc/$1/environ" | grep -q "^ZCCACHE_SOCKET=$T/"
}
