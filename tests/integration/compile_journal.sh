#!/bin/bash
# The compile journal (journal = on): one JSON line per compile request,
# sessions named by ZCCACHE_SESSION, and zccachectl stats --since/--session
# counting one build exactly, fallbacks included; rotation at
# journal_max_size keeps one older generation, which stats still reads.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
printf 'journal = on\njournal_max_size = 4K\n' >"$ZCCACHE_CONFIG"
for s in a b c d; do printf 'int %s(void) { return 1; }\n' "$s" >"$s.c"; done
printf 'int main(void) { return 0; }\n' >main.c
J=$ZCCACHE_DIR/journal.jsonl

# sstat ARGS... KEY: one counter of `zccachectl stats ARGS --json`, 0 if absent.
sstat() {
	local key=${*: -1}
	"$CTL" --json stats "${@:1:$#-1}" | python3 -c 'import json,sys
print(json.load(sys.stdin).get(sys.argv[1], 0))' "$key"
}

# ---- build 1: three misses and a link --------------------------------------------
export ZCCACHE_SESSION=build-1
for s in a b c; do zccache gcc -c "$s.c" -o "$s.o"; done
zccache gcc main.c -o main
ok "the journal exists" test -s "$J"
is "the journal is private" "$(stat -c %a "$J")" 600
is "four records" "$(wc -l <"$J")" 4
ok "every line is a JSON record with the fields" python3 - "$J" <<'PY'
import json, sys
want = {"time", "session", "cwd", "source", "compiler", "family", "outcome", "reason",
        "duration_ms", "saved_ms"}
for line in open(sys.argv[1]):
    r = json.loads(line)
    assert want <= set(r), set(r) ^ want
PY
rec() { sed -n "${1}p" "$J" | jget "$2"; }
is "a miss: outcome" "$(rec 1 outcome)" miss
is "a miss: stored" "$(rec 1 reason)" stored
is "a miss: the source" "$(rec 1 source)" a.c
is "a miss: the folder" "$(rec 1 cwd)" "$T/work"
is "a miss: the family" "$(rec 1 family)" gcc
is "a miss: the session" "$(rec 1 session)" build-1
ok "a miss: its duration" test "$(rec 1 duration_ms)" -gt 0
is "the link: uncacheable, linking" "$(rec 4 outcome) $(rec 4 reason)" "uncacheable linking"
sleep 1.1
between=$(date +%s)
sleep 1.1

# ---- build 2: three hits, a miss, a fallback -------------------------------------
export ZCCACHE_SESSION=build-2
for s in a b c d; do zccache gcc -c "$s.c" -o "$s.o"; done
ZCCACHE_NOSPAWN=1 ZCCACHE_SOCKET=$T/nowhere/zc.sock zccache gcc -c d.c -o d.o
is "a hit: outcome" "$(rec 5 outcome)" hit
ok "a hit: time saved, the miss's compile time" test "$(rec 5 saved_ms)" -gt 0
unset ZCCACHE_SESSION

is "stats --session build-1: three misses" "$(sstat --session build-1 depend_miss)" 3
is "... one link" "$(sstat --session build-1 uncacheable.linking)" 1
is "... no hit" "$(sstat --session build-1 direct_hit)" 0
is "stats --session build-2: three hits" "$(sstat --session build-2 direct_hit)" 3
is "... one miss" "$(sstat --session build-2 depend_miss)" 1
is "... one fallback" "$(sstat --session build-2 fallback.no_answer)" 1
is "... no link" "$(sstat --session build-2 uncacheable.linking)" 0
is "stats --since @(between the builds): build 2 only, hits" "$(sstat --since "@$between" direct_hit)" 3
is "... misses" "$(sstat --since "@$between" depend_miss)" 1
is "... fallbacks" "$(sstat --since "@$between" fallback.no_answer)" 1
is "stats --since 1h: both builds' misses" "$(sstat --since 1h depend_miss)" 4
is "stats --since $(date -d "@$between" '+%Y-%m-%d %H:%M:%S') (a local time)" \
	"$(sstat --since "$(date -d "@$between" '+%Y-%m-%d %H:%M:%S')" direct_hit)" 3
is "stats --since 1h --session build-1: both filters" "$(sstat --since 1h --session build-1 depend_miss)" 3
is "all-time stats still come from the server" "$(cnt depend_miss)" 4
"$CTL" stats --session build-2 >"$T/s2.txt"
ok "the table says where its figures come from" grep -q "From the journal, since the start, session build-2" "$T/s2.txt"
"$CTL" stats --since yesterday-ish >/dev/null 2>"$T/bad.err"
is "a bad --since: usage error" "$?" 2
"$CTL" stats --bogus >/dev/null 2>&1
is "an unknown option: usage error" "$?" 2

# ---- rotation at journal_max_size -----------------------------------------------------
# Hits until the journal rotates, and four more (well short of a second).
export ZCCACHE_SESSION=build-3
n3=0
while [ ! -e "$J.1" ] && [ $n3 -lt 60 ]; do zccache gcc -c a.c -o a.o; n3=$((n3 + 1)); done
for i in 1 2 3 4; do zccache gcc -c a.c -o a.o; done
n3=$((n3 + 4))
unset ZCCACHE_SESSION
ok "rotated: journal.jsonl.1 exists" test -s "$J.1"
ok "... past 4 KiB" test "$(stat -c %s "$J.1")" -gt 4096
ok "... and the current one is under it" test "$(stat -c %s "$J")" -le 4096
is "stats --session build-3 counts across both files ($n3)" "$(sstat --session build-3 direct_hit)" "$n3"
ok "every line of both files parses" python3 -c 'import json,sys
[json.loads(l) for f in sys.argv[1:] for l in open(f)]' "$J.1" "$J"

# ---- off: no journal, and --since says how to turn it on ------------------------------
"$CTL" stop >/dev/null
wait_until 10 no_socket
: >"$ZCCACHE_CONFIG"
rm -f "$J" "$J.1"
zccache gcc -c a.c -o a.o
ok "journal off (the default): no journal written" test ! -e "$J"
"$CTL" stats --since 1h >/dev/null 2>"$T/off.err"
is "stats --since without a journal fails" "$?" 1
ok "... saying how to turn it on" grep -q "zccachectl config set journal on" "$T/off.err"
"$CTL" stop >/dev/null
done_testing
