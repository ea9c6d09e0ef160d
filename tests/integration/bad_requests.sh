#!/bin/bash
# Hostile requests of every kind, from the tables in bad_requests.py: each
# gets the error it should (or, for a compile that is merely odd, a "run"),
# the same server answers status after each, nothing is written outside the
# cache dir, and each refused request leaves a line in the log. Then the
# regressions found that way, one by one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

GCC=$(command -v gcc)
mkdir -p "$T/scratch"
zccachectl status >/dev/null
spid=$(server_pid)
ok "a server runs" server_alive

python3 "$SRCDIR/tests/integration/bad_requests.py" "$T" "$GCC" >"$T/scratch/cases.out" 2>"$T/scratch/cases.err"
is "the case generator ran to the end" "$?" 0
[ -s "$T/scratch/cases.err" ] && sed 's/^/# /' "$T/scratch/cases.err" | tail -20
n=0
while IFS=$'\t' read -r desc got want; do
	is "$desc" "$got" "$want"
	n=$((n + 1))
done <"$T/scratch/cases.out"
diag "$n cases"
ok "more than 300 cases ran" test "$n" -gt 300

is "still the same server" "$(status_field pid)" "$spid"
# Regression: a handler's refusals (no such token, unknown config key) were
# neither counted nor logged; the dispatcher's were counted but not logged.
zccachectl zero-stats >/dev/null
logged=$(log_count "refused a request: store: no compile with this token")
for req in '{"v":1,"kind":"store","token":"x"}' '{"v":1,"kind":"config","op":"get","key":"k"}' \
	'{"v":1,"kind":"explain","limit":"5"}' '{"v":1,"kind":"nope"}'; do
	python3 "$ZCPROTO" request "$req" >/dev/null
done
is "every refused request counts in bad_requests" "$(counter bad_requests)" 4
is "and is logged" "$(log_count "refused a request: store: no compile with this token")" \
	$((logged + 1))
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$spid/status")
diag "server RSS after the cases: ${rss} kB"

# Regression: explain kept each request's argv, cwd and compiler whole, so
# one compile with a 30 MiB argument made every explain reply too large for
# a frame (and 100 of them held 3 GiB). They are kept shortened now.
python3 - "$ZCPROTO" "$T/work" "$GCC" >"$T/scratch/explain.out" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
work, gcc = sys.argv[2], sys.argv[3]
os.chdir(work)  # the server serves compiles only for the client's own folder
for argv in (["gcc", "-c", "a.c", "-o", "a.o", "-DX=" + "x" * (30 << 20)],
             ["gcc", "-c", "a.c", "-o", "a.o"] + ["-DY%d" % i for i in range(100000)]):
    zcproto.request({"v": 1, "kind": "compile", "argv": argv, "cwd": work, "compiler": gcc})
r = zcproto.request({"v": 1, "kind": "explain", "limit": 2})
print(r.get("ok"), r.get("error"))
many, big = [e["argv"] for e in r.get("compiles", [])]
print(len(many), many[-1])
print(len(big[-1]) < 5000, big[-1].endswith("... (31457284 bytes)"))
PY
is "explain answers after a 30 MiB and a 100 000-argument compile" \
	"$(sed -n 1p "$T/scratch/explain.out")" "True None"
is "it keeps 1000 arguments and counts the rest" "$(sed -n 2p "$T/scratch/explain.out")" \
	"1001 ... (99005 more arguments)"
is "it keeps 4 KiB of a long argument and its length" "$(sed -n 3p "$T/scratch/explain.out")" \
	"True True"

# Regression: a numeric older_than was read as absent, so it flushed the
# whole cache instead of being refused.
entries=$(status_field entries)
ok "the cache holds an entry (a hit whose output was a FIFO evicted nothing)" test "${entries:-0}" -gt 0
reply=$(python3 "$ZCPROTO" request '{"v":1,"kind":"flush","older_than":3600}' | sed -n 1p)
is "flush with a numeric older_than is refused" "$(jget error <<<"$reply")" bad-request
is "and flushes nothing" "$(status_field entries)" "$entries"

# Regression: a value with a leading newline parsed, but was written to the
# config file as sent, breaking its line: the setting was lost on reload.
reply=$(python3 "$ZCPROTO" request '{"v":1,"kind":"config","op":"set","key":"max_size","value":"\n 20G "}' | sed -n 1p)
is "config set of a value with a newline and spaces is accepted" "$(jget ok <<<"$reply")" true
is "the config file holds it on one line" "$(cat "$ZCCACHE_CONFIG")" "max_size = 20G"
# max_size: its value and where it came from, as the server says.
max_size() {
	python3 "$ZCPROTO" request '{"v":1,"kind":"config","op":"get","key":"max_size"}' |
		sed -n 1p | python3 -c 'import json, sys
s = json.load(sys.stdin)["setting"]
print(s["value"], s["source"])'
}
is "and the server uses it" "$(max_size)" "20G file"
zccachectl stop >/dev/null
wait_until 10 pid_gone "$spid"
zccachectl status >/dev/null
is "a new server reads it back" "$(max_size)" "20G file"
ok "without a warning about the file" test "$(log_count "zccache.conf:")" = 0

# stop takes any shape from any version: it is how a newer launcher retires
# an older server. Each stops the server cleanly; a new one then starts.
for req in '{"v":2,"kind":"stop"}' '{"kind":"stop","reason":7}' \
	'{"v":"1","kind":"stop","reason":null}' '{"v":1,"kind":"stop","reason":["x"]}'; do
	spid=$(server_pid)
	reply=$(python3 "$ZCPROTO" request "$req" | sed -n 1p)
	is "$req: ok" "$(jget ok <<<"$reply")" true
	ok "$req: the server exits" wait_until 10 pid_gone "$spid"
	zccachectl status >/dev/null
	ok "$req: a new one serves" server_alive
done
big=$(python3 -c 'import json; print(json.dumps({"v":1,"kind":"stop","reason":"r"*(30<<20)}))' >"$T/scratch/bigstop")
reply=$(python3 - "$ZCPROTO" "$T/scratch/bigstop" <<'PY'
import sys
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import json, zcproto
print(json.dumps(zcproto.request(json.load(open(sys.argv[2])))))
PY
)
is "a stop with a 30 MiB reason: ok" "$(jget ok <<<"$reply")" true
ok "it leaves one bounded log line" test "$(grep -c 'shutting down: rrrr' "$ZCCACHE_DIR/log")" = 1
ok "a value with a newline forged no log line" test "$(grep -c '^log_level = debug' "$ZCCACHE_DIR/log")" = 0
ok "no log line is longer than 4 KiB" test "$(awk 'length > 4096' "$ZCCACHE_DIR/log" | wc -l)" = 0
done_testing
