#!/bin/bash
# A server killed with SIGKILL: mid-request, the waiting launcher compiles by
# itself at once (not after its timeout) and logs why; idle, it leaves a stale
# socket file that the next compile replaces with a new server. And a clean
# stop answers the requests already queued behind it.
. "$(dirname "$0")/lib.sh"

cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
gcc -c a.c -o direct.o
ms() { echo $(($(date +%s%N) / 1000000)); }
# Connections waiting in the listen backlog. ss shows the name the socket was
# bound under: DIR/.zcPID, renamed into place once listening.
backlog() { ss -xlH | awk -v p="$(dirname "$ZCCACHE_SOCKET")/.zc" -v s="$ZCCACHE_SOCKET" \
	'index($5, p) == 1 || $5 == s { print $3 }'; }
queued() { [ "$(backlog)" = "$1" ]; }

zccachectl status >/dev/null
p1=$(server_pid)
ok "a server runs" server_alive

# Mid-request: the server is stopped while the launcher waits for it.
kill -STOP "$p1"
t0=$(ms)
ZCCACHE_TIMEOUT_MS=20000 zccache gcc -c a.c -o a.o 2>"$T/launcher.err" &
lp=$!
wait_until 10 queued 1
is "the launcher is queued on the stopped server" "$(backlog)" 1
is "... waiting for its answer" "$(cat "/proc/$lp/comm" 2>/dev/null)" zccache
kill -KILL "$p1"
wait "$lp"
rc=$?
t1=$(ms)
is "the compile succeeds" "$rc" 0
ok "well before its 20 s timeout (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 10000
ok "its object is right" cmp -s a.o direct.o
is "nothing on its stderr" "$(cat "$T/launcher.err")" ""
is "one log line says it compiled directly" "$(log_count 'compiling directly')" 1
ok "it says the server did not answer" \
	grep -q "no answer from the server at $ZCCACHE_SOCKET.*Connection reset by peer" "$ZCCACHE_DIR/log"
wait_until 5 pid_gone "$p1"
ok "the server is gone" pid_gone "$p1"
ok "its socket file is left behind" socket_exists
zccachectl --no-start status >/dev/null
is "status --no-start on the stale socket: not running (3)" "$?" 3

# The stale socket: the next compile starts a new server in its place.
ino=$(stat -c %i "$ZCCACHE_SOCKET")
zccache gcc -c a.c -o b.o
is "the next compile succeeds" "$?" 0
ok "its object is right" cmp -s b.o direct.o
p2=$(server_pid)
ok "a new server was autospawned" test -n "$p2" -a "$p2" != "$p1"
ok "it runs" server_alive
ok "the stale socket was replaced" test "$(stat -c %i "$ZCCACHE_SOCKET")" != "$ino"
is "the compile went through it" "$(counter requests.compile)" 1

# Killed while idle.
kill -KILL "$p2"
wait_until 5 pid_gone "$p2"
ok "the idle server is gone" pid_gone "$p2"
ok "its stale socket file is left behind" socket_exists
ino=$(stat -c %i "$ZCCACHE_SOCKET")
zccache gcc -c a.c -o c.o
is "the next compile succeeds" "$?" 0
ok "its object is right" cmp -s c.o direct.o
p3=$(server_pid)
ok "a new server was autospawned" test -n "$p3" -a "$p3" != "$p2" -a "$p3" != "$p1"
ok "it runs" server_alive
ok "the stale socket was replaced" test "$(stat -c %i "$ZCCACHE_SOCKET")" != "$ino"
is "the compile went through it" "$(counter requests.compile)" 1
is "three servers in all" "$(log_count 'listening on')" 3
is "still only the one direct compile" "$(log_count 'compiling directly')" 1

# A stop request (as from zccachectl stop, or SIGTERM) while compiles queue
# behind it: the server exits cleanly, and answers the requests it has
# already received instead of dropping them. (With SIGTERM the same drop
# happens, depending on the order libevent runs its callbacks in.)
kill -STOP "$p3"
python3 - "$ZCPROTO" >"$T/stop.out" 2>&1 <<'PY' &
import sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
s = zcproto.connect(timeout=30)
print(zcproto.request({"v": 1, "kind": "stop", "reason": "stop with a queue"}, sock=s))
PY
stopper=$!
wait_until 10 queued 1
qp=()
for i in 1 2 3 4 5; do
	ZCCACHE_TIMEOUT_MS=20000 zccache gcc -c a.c -o "q$i.o" &
	qp+=($!)
done
wait_until 10 queued 6
is "a stop and 5 launchers are queued on the stopped server" "$(backlog)" 6
kill -CONT "$p3"
wait "$stopper"
ok "the stop is answered" grep -q "'ok': True" "$T/stop.out"
fails=0
for p in "${qp[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "all 5 compiles succeed" "$fails" 0
ok "their objects are right" bash -c 'for i in 1 2 3 4 5; do cmp -s q$i.o direct.o || exit 1; done'
wait_until 10 pid_gone "$p3"
ok "the server exits" pid_gone "$p3"
ok "and removes its socket" no_socket
is "the queued requests were answered, not dropped (no new direct compile)" \
	"$(log_count 'compiling directly')" 1
done_testing
