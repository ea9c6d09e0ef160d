#!/bin/bash
# Fake servers on the socket: an older protocol is asked to stop, a newer one
# is left alone, and garbage, a hang-up or silence never break the compile;
# each time the launcher logs why. The real server accepts "stop" from any
# protocol version.
. "$(dirname "$0")/lib.sh"

cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
gcc -c a.c -o direct.o
mkdir -m 700 "$T/run"

fake=
start_fake() { # MODE
	: >"$T/record"
	python3 "$ZCPROTO" fake-server "$ZCCACHE_SOCKET" "$1" "$T/record" 2>>"$T/fake.err" &
	fake=$!
	wait_until 5 socket_listening
}
stop_fake() {
	kill "$fake" 2>/dev/null
	wait "$fake" 2>/dev/null
	rm -f "$ZCCACHE_SOCKET"
	fake=
}
on_exit '[ -n "$fake" ] && kill $fake'
# The kinds of the requests the fake server received, in order.
kinds() {
	python3 -c 'import json, sys
print(" ".join(json.loads(l).get("kind", "?") for l in open(sys.argv[1])))' "$T/record"
}
ms() { echo $(($(date +%s%N) / 1000000)); }

# fallback_case NAME MODE LOG-REGEX [ENV=VALUE...]: the compile succeeds
# with the right object, and adds exactly one log line, matching LOG-REGEX.
fallback_case() {
	local name=$1 mode=$2 re=$3 before rc
	shift 3
	start_fake "$mode"
	before=$(log_count 'zccache[')
	rm -f a.o
	env "$@" zccache gcc -c a.c -o a.o
	rc=$?
	is "$name: the compile exits 0" "$rc" 0
	ok "$name: its object is right" cmp -s a.o direct.o
	last_kinds=$(kinds)
	is "$name: the fake server got the compile request first" "${last_kinds%% *}" compile
	is "$name: one launcher log line" "$(log_count 'zccache[')" "$((before + 1))"
	ok "$name: it says why" grep -Eq "$re" <<<"$(tail -n 1 "$ZCCACHE_DIR/log")"
	stop_fake
	cp "$T/record" "$T/record.last"
}

# (a) An older server: asked to stop, then the compile runs directly.
fallback_case "server_version 0" version:0 \
	"server \(pid [0-9]+\) speaks protocol 0, we speak 1: asked it to exit"
is "server_version 0: it receives compile, then stop" "$last_kinds" "compile stop"
ok "... the stop says why" grep -q '"reason": "replaced by a newer protocol version"' "$T/record.last"

# (b) A newer server: left alone.
fallback_case "server_version 99" version:99 \
	"compiling directly: the running server speaks protocol 99, newer than this zccache's 1"
is "server_version 99: it receives no stop" "$last_kinds" compile

# (c) Garbage, hang-up, silence, nonsense.
fallback_case "a reply announcing 3.7 GB" garbage-big \
	"no answer from the server at .*Message too long"
fallback_case "a reply that is not JSON" garbage-json \
	"no answer from the server at .*Bad message"
fallback_case "closing without an answer" close \
	"no answer from the server at .*Connection reset by peer"
fallback_case "an unknown action" action:frobnicate \
	"compiling directly: the server answered an unknown action 'frobnicate'"
t0=$(ms)
fallback_case "never answering (ZCCACHE_TIMEOUT_MS=500)" hang \
	"no answer from the server at .*timed out" ZCCACHE_TIMEOUT_MS=500
t1=$(ms)
ok "never answering: the launcher gave up after about 500 ms (took $((t1 - t0)) ms)" \
	test $((t1 - t0)) -ge 450 -a $((t1 - t0)) -lt 5000
is "no real server was started by any of this" "$(log_count 'listening on')" 0

# The real server: an old client's request gets a version error, and its
# "stop" is obeyed.
zccachectl status >/dev/null
spid=$(server_pid)
ok "a real server runs" server_alive
python3 - "$ZCPROTO" >"$T/old.out" 2>&1 <<'EOF'
import sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
s = zcproto.connect()
r = zcproto.request({"v": 0, "kind": "status"}, sock=s)
print(r.get("error"), r.get("server_version"))
r = zcproto.request({"v": 0, "kind": "stop", "reason": "old client"}, sock=s)
print(r.get("ok"))
EOF
is "v0 status: version error, server_version 1" "$(sed -n 1p "$T/old.out")" "version 1"
is "v0 stop: accepted" "$(sed -n 2p "$T/old.out")" True
wait_until 10 pid_gone "$spid"
ok "the real server exits" pid_gone "$spid"
ok "its socket is removed" no_socket
ok "its log says why" grep -q "shutting down: old client" "$ZCCACHE_DIR/log"
done_testing
