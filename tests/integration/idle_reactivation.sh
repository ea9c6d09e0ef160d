#!/bin/bash
# Idle exit. Under socket activation the server leaves by itself and the next
# connection starts a new one, with nothing lost; an autospawned server
# removes its socket, and the next compile autospawns a new one.
. "$(dirname "$0")/lib.sh"

cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
gcc -c a.c -o direct.o

# --- socket activation: a holder that behaves like systemd ---
mkdir -m 700 "$T/run"
ZCCACHE_IDLE_TIMEOUT=2 python3 "$ZCPROTO" socket-holder "$ZCCACHE_SOCKET" "$T/holder.log" \
	"$SERVER" &
holder=$!
on_exit "kill $holder"
wait_until 5 socket_listening
ok "the socket holder listens" socket_exists

ZCCACHE_NOSPAWN=1 zccache gcc -c a.c -o a1.o
is "first compile exits 0" "$?" 0
ok "first object is right" cmp -s a1.o direct.o
pid1=$(status_field pid)
is "the first server is socket-activated" "$(status_field activation)" socket
ok "the holder started it" grep -qx "start $pid1" "$T/holder.log"

# No more requests from here: it must leave by itself.
wait_until 15 grep -q "^exit $pid1 " "$T/holder.log"
ok "the first server exits by itself when idle" grep -q "^exit $pid1 " "$T/holder.log"
is "with status 0" "$(sed -n "s/^exit $pid1 //p" "$T/holder.log")" 0
ok "its log says it was idle" grep -q "zccached\[$pid1\]: info: shutting down: idle for 2s" \
	"$ZCCACHE_DIR/log"
ok "the socket stays (the holder owns it)" socket_exists

ZCCACHE_NOSPAWN=1 zccache gcc -c a.c -o a2.o
is "the compile after the idle exit exits 0" "$?" 0
ok "its object is right" cmp -s a2.o direct.o
pid2=$(status_field pid)
ok "a second server answers, with another pid" test -n "$pid2" -a "$pid2" != "$pid1"
ok "the holder started it" grep -qx "start $pid2" "$T/holder.log"
is "the holder started exactly two servers" "$(grep -c '^start ' "$T/holder.log")" 2
is "the second server served the compile" "$(counter requests.compile)" 1
is "no launcher fell back to a direct compile" "$(log_count 'compiling directly')" 0
kill "$holder"
wait "$holder"

# --- autospawn: the idle server removes its socket ---
export ZCCACHE_SOCKET=$T/run2/zccache.sock ZCCACHE_IDLE_TIMEOUT=2
zccache gcc -c a.c -o b1.o
is "autospawning compile exits 0" "$?" 0
ok "its object is right" cmp -s b1.o direct.o
p1=$(server_pid)
ok "an autospawned server runs" server_alive
is "it says autospawn" "$(status_field activation)" autospawn
wait_until 15 no_socket
ok "idle, it removes its socket file" no_socket
wait_until 5 pid_gone "$p1"
ok "and exits" pid_gone "$p1"

zccache gcc -c a.c -o b2.o
is "the next compile exits 0" "$?" 0
ok "its object is right" cmp -s b2.o direct.o
p2=$(server_pid)
ok "it autospawned a new server (new pid)" test -n "$p2" -a "$p2" != "$p1"
ok "which runs" server_alive
is "two autospawned servers in the log" \
	"$(log_count "listening on $ZCCACHE_SOCKET (autospawned)")" 2
is "still no direct compile" "$(log_count 'compiling directly')" 0
done_testing
