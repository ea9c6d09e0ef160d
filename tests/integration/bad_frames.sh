#!/bin/bash
# Malformed frames and requests: each gets the right error code (closing the
# connection when the framing itself is broken), the server keeps serving,
# and a client stalled halfway through a frame holds up no one (and is
# dropped after 30 s).
. "$(dirname "$0")/lib.sh"

zccachectl status >/dev/null
spid=$(server_pid)
ok "a server runs" server_alive

# A client that sends half a frame and stalls; it reports how long the
# server kept it (started first: the server drops it after 30 s).
python3 - "$ZCPROTO" >"$T/staller.out" 2>&1 <<'EOF' &
import sys, time
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
s = zcproto.connect()
s.sendall(b"\x00\x00\x01\x00{\"v\":1,\"kind\":")
t0 = time.monotonic()
s.settimeout(60)
try:
    data = s.recv(1)
except ConnectionResetError:
    data = b""
print("eof" if data == b"" else "data", round(time.monotonic() - t0, 1))
EOF
staller=$!
on_exit "kill $staller"

hex() { printf '%b' "$1" | od -An -tx1 | tr -d ' \n'; }
# probe KIND ARG: send, then print "ERROR-CODE closed|open".
probe() {
	local out
	out=$(python3 "$ZCPROTO" "$1" "$2" 2>&1)
	printf '%s %s\n' "$(sed -n 1p <<<"$out" | jget error 2>/dev/null)" "$(sed -n 2p <<<"$out")"
}

is "HTTP request -> too-large, closed" "$(probe raw "$(hex 'GET / HTTP/1.0\r\n\r\n')")" \
	"too-large closed"
is "header announcing 0x7fffffff bytes -> too-large, closed" "$(probe raw 7fffffff)" \
	"too-large closed"
is "header announcing 32 MiB + 1 -> too-large, closed" "$(probe raw 02000001)" \
	"too-large closed"
is "payload that is not JSON -> bad-frame, closed" "$(probe frame 'hello, not json')" \
	"bad-frame closed"
is "JSON array instead of an object -> bad-frame, closed" \
	"$(probe frame '[{"v":1,"kind":"status"}]')" "bad-frame closed"
is "empty payload -> bad-frame, closed" "$(probe raw 00000000)" "bad-frame closed"
is "JSON object with trailing bytes -> bad-frame, closed" \
	"$(probe frame '{"v":1,"kind":"status"}xyz')" "bad-frame closed"
is "duplicate keys -> bad-frame, closed" \
	"$(probe frame '{"v":1,"kind":"status","kind":"stop"}')" "bad-frame closed"
is "unknown kind -> unknown-kind" "$(probe request '{"v":1,"kind":"frobnicate"}' | cut -d' ' -f1)" \
	unknown-kind
is "no kind -> unknown-kind" "$(probe request '{"v":1}' | cut -d' ' -f1)" unknown-kind
is "kind not a string -> unknown-kind" "$(probe request '{"v":1,"kind":7}' | cut -d' ' -f1)" \
	unknown-kind
# 300 'é': the 512-byte error message cuts one in two; the reply must still come.
is "unknown kind too long to quote whole -> unknown-kind" \
	"$(probe request "{\"v\":1,\"kind\":\"$(printf 'é%.0s' {1..300})\"}" | cut -d' ' -f1)" \
	unknown-kind
is "wrong v -> version" "$(probe request '{"v":2,"kind":"status"}' | cut -d' ' -f1)" version
is "missing v -> version" "$(probe request '{"kind":"status"}' | cut -d' ' -f1)" version
is "compile without argv -> bad-request" \
	"$(probe request '{"v":1,"kind":"compile","cwd":"/"}' | cut -d' ' -f1)" bad-request
is "compile with argv not an array -> bad-request" \
	"$(probe request '{"v":1,"kind":"compile","cwd":"/","argv":"gcc -c a.c"}' | cut -d' ' -f1)" \
	bad-request
is "compile with a non-string in argv -> bad-request" \
	"$(probe request '{"v":1,"kind":"compile","cwd":"/","argv":["gcc",42]}' | cut -d' ' -f1)" \
	bad-request
is "compile with empty argv -> bad-request" \
	"$(probe request '{"v":1,"kind":"compile","cwd":"/","argv":[]}' | cut -d' ' -f1)" bad-request
is "compile without cwd -> bad-request" \
	"$(probe request '{"v":1,"kind":"compile","argv":["gcc"]}' | cut -d' ' -f1)" bad-request

# The version error carries what a launcher needs, and leaves the connection
# open: the launcher sends its "stop" on it.
python3 - "$ZCPROTO" >"$T/version.out" 2>&1 <<'EOF'
import sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
s = zcproto.connect()
r = zcproto.request({"v": 2, "kind": "status"}, sock=s)
print(r.get("error"), r.get("server_version"), r.get("server_pid"))
r = zcproto.request({"v": 1, "kind": "status"}, sock=s)
print(r.get("ok"), r.get("pid"))
# Two requests in one write get two replies, in order.
s.sendall(zcproto.encode({"v": 1, "kind": "status"}) +
          zcproto.encode({"v": 1, "kind": "frobnicate"}))
print(zcproto.recv_frame(s).get("ok"), zcproto.recv_frame(s).get("error"))
EOF
is "version error: code, server_version, server_pid" "$(sed -n 1p "$T/version.out")" "version 1 $spid"
is "the same connection then serves a good request" "$(sed -n 2p "$T/version.out")" "True $spid"
is "two frames in one write: two replies in order" "$(sed -n 3p "$T/version.out")" \
	"True unknown-kind"

# The staller does not delay anyone.
python3 - "$ZCPROTO" >"$T/timing.out" 2>&1 <<'EOF'
import sys, time
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
stall = zcproto.connect()
stall.sendall(b"\x00\x00")       # half a header
stall2 = zcproto.connect()
stall2.sendall(zcproto.encode({"v": 1, "kind": "status"})[:-3])  # all but 3 bytes
time.sleep(0.3)
t0 = time.monotonic()
r = zcproto.request({"v": 1, "kind": "status"})
dt = time.monotonic() - t0
print(r.get("ok"), "%.3f" % dt)
# The staller completes its frame: it is answered.
stall2.sendall(zcproto.encode({"v": 1, "kind": "status"})[-3:])
print(zcproto.recv_frame(stall2).get("ok"))
EOF
read -r t_ok t_dt <"$T/timing.out"
is "another client's status is answered while two clients stall" "$t_ok" True
ok "in under 1 s (took ${t_dt}s)" python3 -c "import sys; sys.exit(not float('$t_dt') < 1.0)"
is "a staller that completes its frame is answered" "$(sed -n 2p "$T/timing.out")" True

# 3 too-large, 5 bad-frame, 5 unknown-kind, 5 bad-request; version errors
# are not the client's fault.
is "every rejected request counts in bad_requests" "$(counter bad_requests)" 18
is "no rejected compile counts as a compile" "$(counter requests.compile)" 0
before=$(counter requests.compile)
zccache true
is "a launcher still gets through" "$(counter requests.compile)" "$((before + 1))"
out=$(zccachectl status)
is "zccachectl status works after all that" "$?" 0
ok "same server pid" grep -q "PID: $spid " <<<"$out"
ok "the log names an oversized frame" grep -q "sent a frame of 2147483647 bytes (limit 33554432); closing" \
	"$ZCCACHE_DIR/log"
ok "the log names a frame that is not JSON" grep -q "sent a frame that is not a JSON object; closing" \
	"$ZCCACHE_DIR/log"

# The half-sent frame is dropped after 30 s.
wait_until 45 test -s "$T/staller.out"
read -r what secs <"$T/staller.out"
is "the staller is disconnected" "$what" eof
ok "after about 30 s (took ${secs}s)" python3 -c "import sys; sys.exit(not 29 <= float('$secs') <= 35)"
ok "the log says it stalled" grep -q "stalled in the middle of a request; closing its connection" \
	"$ZCCACHE_DIR/log"
is "still the same server" "$(status_field pid)" "$spid"
done_testing
