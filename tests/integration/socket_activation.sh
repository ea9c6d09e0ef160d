#!/bin/bash
# Socket activation as systemd does it: systemd-socket-activate holds the
# socket and starts zccached on the first connection. The server tells
# NOTIFY_SOCKET READY=1 / STOPPING=1, serves the compile, and says it was
# socket-activated.
. "$(dirname "$0")/lib.sh"

mkdir -m 700 "$T/run"
cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
gcc -c a.c -o direct.o

python3 "$ZCPROTO" notify-listen "$T/notify.sock" "$T/notify.log" &
notify_pid=$!
on_exit "kill $notify_pid"
wait_until 5 test -S "$T/notify.sock" || diag "the notify listener did not start"

NOTIFY_SOCKET=$T/notify.sock systemd-socket-activate -l "$ZCCACHE_SOCKET" \
	-E NOTIFY_SOCKET -E ZCCACHE_DIR -E ZCCACHE_CONFIG -E ZCCACHE_SOCKET -E HOME \
	"$SERVER" 2>"$T/activate.err" &
act_pid=$!
on_exit "kill -KILL $act_pid"
wait_until 5 socket_listening
ok "systemd-socket-activate listens on the socket" socket_exists

ZCCACHE_NOSPAWN=1 zccache gcc -c a.c -o a.o
is "a compile through the activated socket exits 0" "$?" 0
ok "its object is the one gcc makes" cmp -s a.o direct.o
is "the compile reached the server (requests.compile)" "$(counter requests.compile)" 1
is "the launcher did not fall back" "$(log_count 'compiling directly')" 0

wait_until 5 grep -qx 'READY=1' "$T/notify.log"
ok "READY=1 reaches NOTIFY_SOCKET" grep -qx 'READY=1' "$T/notify.log"
ok "STATUS= says it is serving" grep -q '^STATUS=Serving' "$T/notify.log"
is "status: activation" "$(status_field activation)" socket
is "status: the server is the activated process (same pid)" "$(status_field pid)" "$act_pid"
is "status: socket" "$(status_field socket)" "$ZCCACHE_SOCKET"
ok "the log says socket-activated" \
	grep -q "listening on $ZCCACHE_SOCKET (socket-activated)" "$ZCCACHE_DIR/log"
ok "no STOPPING=1 while serving" bash -c "! grep -q STOPPING=1 '$T/notify.log'"

out=$(zccachectl stop 2>&1)
is "zccachectl stop exits 0" "$?" 0
is "zccachectl stop says stopped" "$out" "zccache server: stopped"
wait_until 10 pid_gone "$act_pid"
ok "the server exits after stop" pid_gone "$act_pid"
wait "$act_pid"
is "its exit status is 0" "$?" 0
wait_until 5 grep -qx 'STOPPING=1' "$T/notify.log"
ok "STOPPING=1 reaches NOTIFY_SOCKET" grep -qx 'STOPPING=1' "$T/notify.log"
ok "READY=1 came before STOPPING=1" \
	bash -c "grep -nx -e READY=1 -e STOPPING=1 '$T/notify.log' | cut -d: -f2 | tr '\n' ' ' | grep -qx 'READY=1 STOPPING=1 '"
ok "the socket file stays: it belongs to the socket unit" socket_exists
done_testing
