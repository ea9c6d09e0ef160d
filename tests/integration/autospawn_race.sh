#!/bin/bash
# 200 launchers at once with no server running: exactly one server is ever
# started, every compile goes through it and succeeds. zccachectl status
# autospawns too, unless --no-start.
. "$(dirname "$0")/lib.sh"

N=200
cd "$T/work" || exit 1
touch a.c
mkdir out
# A fake compiler that writes its -o file, saying who made it.
fake_compiler fakecc 'out=
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo "compiled by $$" >"$out"'

# A start gate, so that the launchers really start together: each waits for
# one line on a FIFO that we fill once all of them are waiting.
mkfifo "$T/gate"
exec 9<>"$T/gate"
pids=()
for i in $(seq 1 $N); do
	(
		read -r _ <&9
		exec 9>&-
		exec zccache fakecc -c a.c -o "out/$i.o" 2>"out/$i.err"
	) &
	pids+=($!)
done
sleep 0.5
printf '%*s' "$N" '' | tr ' ' '\n' >&9
exec 9>&-
fails=0
for p in "${pids[@]}"; do
	wait "$p" || fails=$((fails + 1))
done
is "all $N compiles exit 0" "$fails" 0
is "every output exists and was written by the compiler" \
	"$(grep -l '^compiled by [0-9]*$' out/*.o 2>/dev/null | wc -l)" "$N"
is "no compile printed anything on stderr" "$(cat out/*.err)" ""
is "exactly one server started (\"listening on\" lines)" "$(log_count 'listening on')" 1
is "exactly one server pid ever logged" \
	"$(grep -o 'zccached\[[0-9]*\]' "$ZCCACHE_DIR/log" | sort -u | wc -l)" 1
is "no server was started only to find another one running" "$(log_count 'another zccached')" 0
is "no launcher fell back to a direct compile" "$(log_count 'compiling directly')" 0
ok "the server runs" server_alive
is "it served all $N compiles" "$(counter requests.compile)" "$N"
is "it is the one that logged" "$(grep -o 'zccached\[[0-9]*\]' "$ZCCACHE_DIR/log" | sort -u)" \
	"zccached[$(server_pid)]"

# zccachectl status: --no-start does not autospawn, plain status does.
zccachectl stop >/dev/null
ok "stopped" no_socket
out=$(zccachectl --no-start status)
is "status --no-start with no server exits 3" "$?" 3
ok "and says not running" grep -q "not running" <<<"$out"
is "status --json --no-start says running false" \
	"$(zccachectl --json --no-start status | jget running)" false
ok "no server was started" no_socket
is "still one \"listening on\" line" "$(log_count 'listening on')" 1
out=$(zccachectl status)
is "status without --no-start exits 0" "$?" 0
ok "and says running" grep -q "zccache server: running" <<<"$out"
ok "activation autospawn" grep -q "Activation: autospawn" <<<"$out"
ok "a server now runs" server_alive
is "it is a second server" "$(log_count 'listening on')" 2

# An autospawned server holds none of its spawner's descriptors: a build's
# stdout pipe or jobserver fd held by a daemon would never reach EOF.
zccachectl stop >/dev/null
exec 7>"$T/held-by-launcher"
exec 8> >(cat >/dev/null)
pipe_ino=$(stat -L -c %i "/proc/$$/fd/8")
timeout 20 zccache fakecc -c a.c -o out/fds.o >&8 2>&8
is "a compile that autospawns, with stdout on a pipe, exits 0" "$?" 0
spid=$(server_pid)
ok "a server was autospawned" server_alive
holds() { # INODE: does the server hold a descriptor on it?
	local f
	for f in "/proc/$spid/fd/"*; do
		[ "$(stat -L -c %i "$f" 2>/dev/null)" = "$1" ] && return 0
	done
	return 1
}
lacks() { [ -n "$1" ] && ! holds "$1"; }
ok "(control: the check sees its log file)" holds "$(stat -c %i "$ZCCACHE_DIR/log")"
ok "it does not hold the launcher's stdout pipe" lacks "$pipe_ino"
ok "it does not hold the launcher's fd 7" lacks "$(stat -c %i "$T/held-by-launcher")"
is "its stdin, stdout and stderr are /dev/null" \
	"$(readlink "/proc/$spid/fd/0" "/proc/$spid/fd/1" "/proc/$spid/fd/2" | sort -u)" /dev/null
ok "it runs in a session of its own (Ctrl-C in the build does not reach it)" \
	test "$(ps -o sid= -p "$spid" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')"
is "its cwd is / (it pins no build folder)" "$(readlink "/proc/$spid/cwd")" /
exec 7>&- 8>&-
zccachectl stop >/dev/null

# Autospawn that fails: the compile runs anyway and the log says why.
export ZCCACHE_SOCKET=$T/run3/zccache.sock
spawn_fail_case() { # NAME SERVER LOG-REGEX [ENV=VALUE...]
	local name=$1 server=$2 re=$3 before rc t0 t1
	shift 3
	before=$(log_count 'compiling directly')
	rm -f out/fail.o
	t0=$(date +%s%N)
	env ZCCACHE_SERVER="$server" "$@" zccache fakecc -c a.c -o out/fail.o
	rc=$?
	t1=$(date +%s%N)
	is "$name: the compile exits 0" "$rc" 0
	ok "$name: its output exists" test -s out/fail.o
	ok "$name: in under 5 s" test $(((t1 - t0) / 1000000)) -lt 5000
	is "$name: one log line" "$(log_count 'compiling directly')" $((before + 1))
	# The last launcher line: a server stopped just before may log its exit after it.
	ok "$name: it says why" grep -Eq "$re" <<<"$(grep "compiling directly" "$ZCCACHE_DIR/log" | tail -n 1)"
}
spawn_fail_case "no server binary" "$T/nowhere/zccached" \
	"compiling directly: the server program $T/nowhere/zccached \\(ZCCACHE_SERVER\\) cannot be run: No such file or directory"
printf '#!/bin/bash\necho "boom: no cache for you" >&3\nexit 1\n' >"$T/bin/failing-zccached"
chmod +x "$T/bin/failing-zccached"
spawn_fail_case "a server that fails" "$T/bin/failing-zccached" \
	"compiling directly: server failed to start: boom: no cache for you"
printf '#!/bin/bash\necho $$ >"%s"\nwhile :; do sleep 0.1; done\n' "$T/hung.pid" \
	>"$T/bin/hung-zccached"
chmod +x "$T/bin/hung-zccached"
on_exit 'kill $(cat "$T/hung.pid")'
spawn_fail_case "a server that never gets ready" "$T/bin/hung-zccached" \
	"compiling directly: server did not become ready in time" ZCCACHE_SPAWN_TIMEOUT_MS=500
done_testing
