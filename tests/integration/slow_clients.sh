#!/bin/bash
# Slow clients hold up no one: sixteen connections that send nothing, half a
# header, only a header or half a request, and then stall, while a build runs
# through the server. The build is served while all of them are still open;
# then the server's timeout closes each one, saying so in the log. A joined
# compile whose request arrived in two pieces keeps its connection while it
# waits longer than that timeout, and gets its hit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

fake_gcc "$T/fakebin"
export PATH=$T/fakebin:$PATH
cd "$T/work" || exit 1
zccachectl status >/dev/null
spid=$(server_pid)
ok "a server runs" server_alive

# The stallers: one process, 4 connections of each kind; a line per
# connection the server closes.
python3 - "$ZCPROTO" "$T/stall.log" >"$T/stall.out" 2>&1 <<'EOF' &
import select, sys, time
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
frame = zcproto.encode({"v": 1, "kind": "status", "pad": "x" * 200})
kinds = {"nothing": b"", "half-header": frame[:2], "header-only": frame[:4],
         "half-request": frame[:len(frame) // 2]}
socks = {}
for kind, data in kinds.items():
    for i in range(4):
        s = zcproto.connect()
        if data:
            s.sendall(data)
        socks[s] = kind
log = open(sys.argv[2], "a", buffering=1)
log.write("ready\n")
t0 = time.monotonic()
while socks and time.monotonic() - t0 < 90:
    r, _, _ = select.select(list(socks), [], [], 1)
    for s in r:
        try:
            eof = s.recv(1) == b""
        except ConnectionResetError:
            eof = True
        if eof:
            log.write("closed %s %.0f\n" % (socks.pop(s), time.monotonic() - t0))
            s.close()
EOF
staller=$!
on_exit "kill $staller"
wait_until 10 grep -qs ready "$T/stall.log"
ok "16 stalled connections are open" grep -q ready "$T/stall.log"

# A joined compile sent in two pieces, waiting on a first one that takes
# longer than the stall timeout.
printf '#include "m.h"\nint joined;\n' >j.c
printf '#define M 1\n' >m.h
FAKECC_LOG=$T/j.log FAKECC_SLEEP=36 zccache gcc -c j.c -o j.o 2>"$T/j.err" &
owner=$!
wait_until 10 test -s "$T/j.log"
python3 - "$ZCPROTO" "$T/fakebin/gcc" "$PWD" >"$T/joined.out" 2>&1 <<'EOF' &
import sys, time
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
gcc, cwd = sys.argv[2], sys.argv[3]
# What the launcher sends, with cclib.sh's environment.
f = zcproto.encode(zcproto.compile_request(["gcc", "-c", "j.c", "-o", "j.o"], gcc, cwd,
                                           {"LC_ALL": "C"}))
s = zcproto.connect(timeout=120)
s.sendall(f[:len(f) // 2])
time.sleep(1)
s.sendall(f[len(f) // 2:])
r = zcproto.recv_frame(s)
print(r and r.get("action"), flush=True)
r = zcproto.recv_frame(s)
print(r and r.get("action"))
EOF
joiner=$!
wait_until 10 grep -qs wait "$T/joined.out"

# The build, while they stall: misses, then hits.
for i in $(seq 1 16); do printf '#include "m.h"\nint b%d = %d;\n' "$i" "$i" >"b$i.c"; done
mark
t0=$SECONDS
for pass in miss hit; do
	pids=()
	for i in $(seq 1 16); do
		(rm -f "b$i.o" && zccache gcc -c "b$i.c" -o "b$i.o"; echo $? >"b$i.rc") &
		pids+=($!)
	done
	wait "${pids[@]}"
	bad=0
	for i in $(seq 1 16); do
		[ "$(cat "b$i.rc")" = 0 ] && fake_ok "b$i.o" "b$i.c" || bad=$((bad + 1))
	done
	is "build ($pass): 16 compiles right" "$bad" 0
done
closed_during=$(grep -c closed "$T/stall.log")
diag "the build took $((SECONDS - t0)) s"
deltas "build: 16 misses then 16 hits, all served" "depend_miss=16 direct_hit=16"
is "... while all 16 stalled connections were still open" "$closed_during" 0
is "no launcher compiled directly" "$(log_count "compiling directly")" 0
is "status answers too" "$(status_field pid)" "$spid"

# The server's timeout closes every staller.
all_closed() { [ "$(grep -c closed "$T/stall.log")" -ge 16 ]; }
wait_until 60 all_closed
diag "stallers closed after (s): $(sed -n 's/^closed [^ ]* //p' "$T/stall.log" | sort -n | uniq -c | tr -s ' \n' ' ')"
for kind in nothing half-header header-only half-request; do
	is "$kind: all 4 closed by the server" "$(grep -c "closed $kind " "$T/stall.log")" 4
done
is "the log names each stall in a request" \
	"$(log_count "stalled in the middle of a request; closing its connection")" 12
is "the log names each connection that sent nothing" \
	"$(log_count "stalled without sending a request; closing its connection")" 4

# The joined compile outlived the stall timeout and got its answer.
wait "$owner"
is "the first compile (36 s) exits 0" "$?" 0
diag "the first compile ended at $((SECONDS - t0)) s"
wait "$joiner"
is "the joined compile sent in pieces waited (wait) and then got its hit" \
	"$(tr '\n' ' ' <"$T/joined.out")" "wait hit "
ok "... with the right object" fake_ok j.o j.c
is "the compiler ran once for both" "$(wc -l <"$T/j.log")" 1
is "still the same server" "$(status_field pid)" "$spid"
done_testing
