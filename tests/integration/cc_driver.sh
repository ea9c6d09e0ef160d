#!/bin/bash
# What the compiler reads besides the preprocessor's files, with real gcc and
# clang: the assembler it finds in PATH, files .incbin reads however the
# directive is spelled, #pragma GCC dependency, __TIMESTAMP__, and the
# environment that changes diagnostics. After each change the compile
# through zccache gives the bare compiler's object, stderr and exit status,
# and the change really changes what the bare compiler gives.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# compile_pair DIR ARGS...: bare then through zccache; DIR/{bare,zc}.{o,err,rc}.
compile_pair() {
	local d=$1
	shift
	mkdir -p "$d"
	rm -f out.o
	"$@" -c -o out.o 2>"$d/bare.err"
	echo $? >"$d/bare.rc"
	cp out.o "$d/bare.o" 2>/dev/null || : >"$d/bare.o"
	rm -f out.o
	zccache "$@" -c -o out.o 2>"$d/zc.err"
	echo $? >"$d/zc.rc"
	cp out.o "$d/zc.o" 2>/dev/null || : >"$d/zc.o"
}

# warm DESC ARGS...: stored, then a hit equal to the bare compile.
warm() {
	local desc=$1
	shift
	compile_pair "$T/w" "$@"
	mark
	compile_pair "$T/w" "$@"
	deltas "$desc: stored, then a hit" "direct_hit=1"
	ok "$desc: the hit equals the bare compile" same "$T/w/bare.o" "$T/w/zc.o"
	cp "$T/w/bare.o" "$T/before.o"
	cp "$T/w/bare.err" "$T/before.err"
	cp "$T/w/bare.rc" "$T/before.rc"
}

# after DESC ARGS...: zccache gives what the bare compiler gives, and that
# differs from before the change (object, stderr or exit status).
after() {
	local desc=$1 hits
	shift
	hits=$(cnt direct_hit)
	compile_pair "$T/a" "$@"
	ok "$desc: the change changes the bare compile" changed
	ok "$desc: object equals the bare compile's" same "$T/a/bare.o" "$T/a/zc.o"
	is "$desc: stderr equals the bare compile's" "$(cat "$T/a/zc.err")" "$(cat "$T/a/bare.err")"
	is "$desc: exit status" "$(cat "$T/a/zc.rc")" "$(cat "$T/a/bare.rc")"
	is "$desc: not a hit" "$(cnt direct_hit)" "$hits"
	mark
}

changed() {
	! cmp -s "$T/before.o" "$T/a/bare.o" || ! cmp -s "$T/before.err" "$T/a/bare.err" ||
		! cmp -s "$T/before.rc" "$T/a/bare.rc"
}

# The assembler gcc runs is the first `as` in PATH.
W=$T/work/as && mkdir -p "$W/asbin" && cd "$W" || exit 1
printf 'int f(void) { return 1; }\n' >a.c
printf '\t.globl zz_marker\nzz_marker:\n' >"$W/marker.s"
export PATH=$W/asbin:$PATH
warm "gcc as in PATH" gcc a.c
# A wrapper that assembles one more file: another object.
printf '#!/bin/sh\nexec /usr/bin/as "$@" %s\n' "$W/marker.s" >asbin/as
chmod +x asbin/as
after "gcc as in PATH: another as first in PATH" gcc a.c
rm asbin/as
export PATH=${PATH#"$W"/asbin:}

# .incbin however spelled: gcc's assembler says what it read.
W=$T/work/incbin && mkdir -p "$W" && cd "$W" || exit 1
echo one >data.bin
printf '__asm__(".section .rodata\\n" ".inc" "bin \\"data.bin\\"\\n" ".text\\n");\nint x;\n' >a.c
warm "gcc .incbin spelled across literals" gcc a.c
echo two >data.bin
after "gcc .incbin spelled across literals: data.bin changed" gcc a.c
# clang's integrated assembler does not say: never stored.
mark
compile_pair "$T/c" clang a.c
compile_pair "$T/c" clang a.c
deltas "clang .incbin spelled across literals: not cacheable" "uncacheable.assembler_include=2"
ok "clang .incbin: equals the bare compile" same "$T/c/bare.o" "$T/c/zc.o"

# #pragma GCC dependency: a warning (an error with -Werror) when the named
# file is newer than the source. The direct mode cannot key that file (no
# depfile names it); preprocessor mode keys the -E's stderr, where the
# warning shows, and stores only compiles that printed nothing.
W=$T/work/pragma && mkdir -p "$W" && cd "$W" || exit 1
touch -d '2020-01-01' parse.y
printf '#pragma GCC dependency "parse.y"\nint f(void) { return 1; }\n' >a.c
touch -d '2021-01-01' a.c
mark
compile_pair "$T/p" gcc -Werror a.c
compile_pair "$T/p" gcc -Werror a.c
compile_pair "$T/p" gcc -Werror a.c
deltas "gcc #pragma GCC dependency: refused in direct mode, then by its preprocessed text" \
	"uncacheable.pragma_dependency=1 preprocessor_miss=1 preprocessor_hit=1"
touch parse.y
compile_pair "$T/p" gcc -Werror a.c
is "gcc #pragma GCC dependency: parse.y newer: exit status" "$(cat "$T/p/zc.rc")" "$(cat "$T/p/bare.rc")"
is "gcc #pragma GCC dependency: parse.y newer: the bare compile fails" "$(cat "$T/p/bare.rc")" 1
mark

# __TIMESTAMP__ is the source's mtime: SOURCE_DATE_EPOCH does not pin it.
W=$T/work/timestamp && mkdir -p "$W" && cd "$W" || exit 1
printf 'const char *t = __TIMESTAMP__;\n' >a.c
export SOURCE_DATE_EPOCH=1600000000
for cc in gcc clang; do
	touch -d '2021-01-01 10:00' a.c
	compile_pair "$T/t" "$cc" a.c
	touch -d '2022-02-02 11:00' a.c
	compile_pair "$T/t" "$cc" a.c
	ok "$cc __TIMESTAMP__ under SOURCE_DATE_EPOCH: equals the bare compile" same "$T/t/bare.o" "$T/t/zc.o"
	deltas "$cc __TIMESTAMP__: not cacheable" "uncacheable.time_macros=2"
done
unset SOURCE_DATE_EPOCH

# Diagnostics that the environment changes.
W=$T/work/diag && mkdir -p "$W" && cd "$W" || exit 1
printf 'int f(void) { return sizeof(int) == 4 ? 1 : 0 }\n' >bad.c
printf 'int f(int x) { int unused; return x; }\n' >warn.c
mark
compile_pair "$T/d" gcc bad.c
compile_pair "$T/d" gcc bad.c
export GCC_EXTRA_DIAGNOSTIC_OUTPUT=fixits-v2
compile_pair "$T/d" gcc bad.c
is "gcc GCC_EXTRA_DIAGNOSTIC_OUTPUT: stderr equals the bare compile's" \
	"$(cat "$T/d/zc.err")" "$(cat "$T/d/bare.err")"
unset GCC_EXTRA_DIAGNOSTIC_OUTPUT
deltas "gcc failing compiles: never stored" "compile_failed=3"
warm "gcc a warning" gcc -Wall warn.c
export GCC_EXTRA_DIAGNOSTIC_OUTPUT=fixits-v2
compile_pair "$T/d" gcc -Wall warn.c
is "gcc GCC_EXTRA_DIAGNOSTIC_OUTPUT with a warning: stderr" "$(cat "$T/d/zc.err")" "$(cat "$T/d/bare.err")"
unset GCC_EXTRA_DIAGNOSTIC_OUTPUT
mark

# On a terminal, diagnostics are cut to its width (COLUMNS, else the
# terminal's). script(1) gives the compile a terminal.
if command -v script >/dev/null; then
	W=$T/work/tty && mkdir -p "$W" && cd "$W" || exit 1
	printf 'int f(void) { /* a comment that makes the line wider than forty columns */ int unused = 1; return 0; }\n' >long.c
	tty_compile() { # COLUMNS CMD...: stderr of CMD on a terminal that wide
		local cols=$1
		shift
		COLUMNS=$cols script -qec "$* -fdiagnostics-color=never -Wall -c long.c -o out.o" /dev/null |
			tr -d '\r'
	}
	tty_compile 200 zccache gcc >/dev/null
	mark
	z200=$(tty_compile 200 zccache gcc)
	deltas "gcc on a terminal: a hit" "direct_hit=1"
	b200=$(tty_compile 200 gcc)
	b40=$(tty_compile 40 gcc)
	z40=$(tty_compile 40 zccache gcc)
	ok "gcc on a terminal: the width changes the bare diagnostics" test "$b200" != "$b40"
	is "gcc on a terminal, 200 columns: stderr" "$z200" "$b200"
	is "gcc on a terminal, 40 columns: stderr" "$z40" "$b40"
	mark
else
	skip_case "terminal width" "script(1) not installed"
fi

done_testing
