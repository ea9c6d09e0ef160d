#!/bin/bash
# Through a running server, the compiler behaves exactly as without zccache:
# exit status, stdout/stderr bytes, stdin, cwd, extra descriptors,
# environment, signals, and the same pid. Masquerade links find the real
# compiler; a missing compiler gives 127; ZCCACHE_DISABLE=1 skips the server.
. "$(dirname "$0")/lib.sh"

ulimit -c 0
cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
real_gcc=$(command -v gcc)
"$real_gcc" -c a.c -o direct.o

zccachectl status >/dev/null
spid=$(server_pid)
ok "a server runs" server_alive
through=0 # launcher runs that must have asked the server

# Exit status.
fake_compiler exitcc 'exit "$1"'
for code in 0 1 2 77 255; do
	zccache exitcc "$code"
	is "exit status $code passes through" "$?" "$code"
	through=$((through + 1))
done

# Output bytes, binary and without a final newline.
printf 'out\0\001\377 binary\nlast line, no newline' >"$T/exp.out"
printf 'err\0\002\376\n\ttail' >"$T/exp.err"
fake_compiler noisycc "cat '$T/exp.out'; cat '$T/exp.err' >&2; exit 3"
zccache noisycc >"$T/got.out" 2>"$T/got.err"
is "noisy compiler: status" "$?" 3
ok "stdout bytes identical" cmp "$T/exp.out" "$T/got.out"
ok "stderr bytes identical" cmp "$T/exp.err" "$T/got.err"
through=$((through + 1))

# stdin.
head -c 200000 /dev/urandom >"$T/in.bin"
fake_compiler catcc 'exec cat'
zccache catcc <"$T/in.bin" >"$T/cat.out"
ok "stdin reaches the compiler byte for byte" cmp "$T/in.bin" "$T/cat.out"
through=$((through + 1))

# cwd.
mkdir -p "$T/work/dir with space"
fake_compiler pwdcc 'pwd -P'
is "cwd passes through" "$(cd "$T/work/dir with space" && zccache pwdcc)" \
	"$(cd "$T/work/dir with space" && pwd -P)"
through=$((through + 1))

# An extra open descriptor.
fake_compiler fdcc 'echo "written to fd 7" >&7'
(exec 7>"$T/fd7.txt" && zccache fdcc)
is "the compiler can write to an inherited fd 7" "$(cat "$T/fd7.txt")" "written to fd 7"
through=$((through + 1))

# Environment, including odd values.
export ZC_ODD=$'a b\nc=d\te' ZC_EMPTY='' LC_ALL=C SOURCE_DATE_EPOCH=1234
fake_compiler envcc 'env -0'
zccache envcc | grep -zv '^_=' | sort -z >"$T/env.got"
envcc | grep -zv '^_=' | sort -z >"$T/env.exp"
ok "the environment is exactly the same as a direct run" cmp "$T/env.exp" "$T/env.got"
ok "... odd values included" grep -qz "^ZC_ODD=a b" "$T/env.got"
through=$((through + 1))
unset ZC_ODD ZC_EMPTY LC_ALL SOURCE_DATE_EPOCH

# A compiler killed by a signal: the same shell status.
fake_compiler segvcc 'kill -SEGV $$'
fake_compiler termcc 'kill -TERM $$'
(zccache segvcc; exit $?) 2>/dev/null
is "killed by SIGSEGV through zccache: 139" "$?" 139
(segvcc; exit $?) 2>/dev/null
is "... same as directly" "$?" 139
(zccache termcc; exit $?) 2>/dev/null
is "killed by SIGTERM through zccache: 143" "$?" 143
through=$((through + 2))

# SIGTERM to the launcher's pid reaches the compiler: the launcher execs it.
fake_compiler waitcc "trap 'echo got TERM >\"$T/term.txt\"; exit 42' TERM
echo \$\$ >\"$T/wait.pid\"
while :; do sleep 0.05; done"
zccache waitcc &
lp=$!
wait_until 10 test -s "$T/wait.pid"
is "the compiler runs as the launcher's pid" "$(cat "$T/wait.pid")" "$lp"
kill -TERM "$lp"
wait "$lp"
is "SIGTERM to that pid reaches the compiler (its trap's status)" "$?" 42
is "its trap ran" "$(cat "$T/term.txt" 2>/dev/null)" "got TERM"
through=$((through + 1))

# Masquerade: links named gcc in two folders ahead of the real one.
mkdir "$T/masq1" "$T/masq2"
ln -s "$LAUNCHER" "$T/masq1/gcc"
ln -s "$LAUNCHER" "$T/masq2/gcc"
mpath=$T/masq1:$T/masq2:$PATH
is "gcc in that PATH is our link" "$(PATH=$mpath command -v gcc)" "$T/masq1/gcc"
PATH=$mpath timeout 20 gcc -c a.c -o m1.o
is "masqueraded gcc -c exits 0" "$?" 0
ok "its object is byte-identical to the real gcc's" cmp -s m1.o direct.o
PATH=$mpath timeout 20 zccache "$T/masq2/gcc" -c a.c -o m2.o
is "zccache /path/to/link/gcc exits 0" "$?" 0
ok "its object is byte-identical to the real gcc's" cmp -s m2.o direct.o
PATH=$mpath timeout 20 zccache gcc -c a.c -o m4.o
is "zccache gcc with links first in PATH exits 0" "$?" 0
ok "its object is byte-identical to the real gcc's" cmp -s m4.o direct.o
through=$((through + 3))
out=$(PATH=$T/masq1:$T/masq2 "$(command -v timeout)" 20 "$T/masq1/gcc" -c a.c -o m3.o 2>&1)
is "only links to zccache in PATH: 127, no loop" "$?" 127
ok "... and a message naming gcc" grep -q "gcc: compiler not found" <<<"$out"

# A cwd that was deleted: the request cannot say where we are, the compiler
# still runs.
mkdir "$T/gone"
(cd "$T/gone" && rmdir "$T/gone" && zccache exitcc 5) 2>/dev/null
is "a deleted cwd: the compiler still runs (status 5)" "$?" 5
last=$(grep -F 'zccache[' "$ZCCACHE_DIR/log" | tail -n 1)
ok "... and the log names the real cause, not the server or ENOMEM" \
	bash -c '! grep -q -e "Cannot allocate memory" -e "no answer from the server" <<<"$1" && grep -q "directory" <<<"$1"' _ "$last"
grep -q "directory" <<<"$last" || diag "launcher log: $last"

# Not found, version, help.
out=$(zccache no-such-compiler-zz -c a.c 2>&1)
is "an unknown compiler: 127" "$?" 127
ok "... with a message naming it" grep -q "no-such-compiler-zz" <<<"$out"
out=$(zccache "$T/nowhere/cc" -c a.c 2>&1)
is "a compiler path that does not exist: 127" "$?" 127
ok "... with a message naming it" grep -qF "$T/nowhere/cc" <<<"$out"
out=$(zccache --version)
is "zccache --version exits 0" "$?" 0
ok "... and prints the version" grep -q "^zccache [0-9]" <<<"$out"
out=$(zccache --help)
is "zccache --help exits 0" "$?" 0
ok "... and prints usage" grep -q "^Usage: zccache" <<<"$out"

is "every run above went through the server" "$(counter requests.compile)" "$through"
is "only the deleted-cwd run fell back to a direct compile" "$(log_count "compiling directly")" 1
is "the same server throughout" "$(status_field pid)" "$spid"

# ZCCACHE_DISABLE=1: no server contact, none started.
ZCCACHE_DISABLE=1 zccache gcc -c a.c -o d1.o
ok "ZCCACHE_DISABLE=1 compiles" cmp -s d1.o direct.o
is "... without asking the running server" "$(counter requests.compile)" "$through"
zccachectl stop >/dev/null
ok "(server stopped)" no_socket
ZCCACHE_DISABLE=1 zccache gcc -c a.c -o d2.o
is "ZCCACHE_DISABLE=1 with no server exits 0" "$?" 0
ok "... and compiles" cmp -s d2.o direct.o
ok "... and starts no server" no_socket
is "... (one server ever started)" "$(log_count 'listening on')" 1
done_testing
