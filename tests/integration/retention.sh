#!/bin/bash
# Retention that fits the disk: entries not used within max_age are evicted
# on the tick; max_size defaults to 10 % of the cache's filesystem (1-50
# GiB); a cache whose filesystem is full (a tmpfs at 100 %) trims on the
# tick after a store failed and goes on storing; flush, trim and verify show
# progress on a terminal (and only there).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"
. "$(dirname "$0")/fslib.sh"

require_gcc "retention"
cd "$T/work" || exit 1

# ---- default max_size ----------------------------------------------------------------
mkdir -p -m 700 "$ZCCACHE_DIR"
"$CTL" status >/dev/null 2>&1
fs=$(($(stat -f -c '%b * %S' "$ZCCACHE_DIR")))
want=$((fs / 100 * 10))
[ "$want" -lt $((1 << 30)) ] && want=$((1 << 30))
[ "$want" -gt $((50 << 30)) ] && want=$((50 << 30))
got=$(status_field max_size)
diag "filesystem $fs bytes; max_size $got"
# statvfs's block counts may move a little between the two reads.
ok "max_size defaults to 10 % of the filesystem, clamped ($got ~ $want)" \
	test $((got - want)) -lt $((1 << 20)) -a $((want - got)) -lt $((1 << 20))
is "... and says it is the default" \
	"$("$CTL" --json config get max_size | python3 -c 'import json,sys; print(json.load(sys.stdin)["setting"]["source"])')" default
"$CTL" stop >/dev/null
wait_until 10 no_socket

# ---- max_age -----------------------------------------------------------------------
printf 'int a;\n' >a.c
printf 'int b;\n' >b.c
printf 'int c;\n' >c.c
# Seconds apart, with margins for a loaded machine: a used at 0 s, b at 0
# and 5 s; with max_age 10 s, a goes at 10-11 s, b not before 15 s.
export ZCCACHE_MAX_AGE=10s
zccache gcc -c a.c -o a.o
zccache gcc -c b.c -o b.o
n=$(status_field entries)
ok "two results stored ($n entries)" test "$n" -ge 2
sleep 5
zccache gcc -c c.c -o c.o
zccache gcc -c b.c -o b.o
is "b used again: a hit" "$(cnt direct_hit)" 1
gone_a() { [ "$(cnt evictions.max_age)" -ge 2 ]; }
wait_until 15 gone_a
ok "a, unused for max_age, is evicted on the tick (manifest and result)" gone_a
mark
zccache gcc -c b.c -o b.o
deltas "b, used within max_age, is still there" "direct_hit=1"
all_gone() { [ "$(status_field entries)" = 0 ]; }
wait_until 20 all_gone
ok "then everything, once unused for max_age" all_gone
is "evictions counts them too" "$(cnt evictions)" "$(cnt evictions.max_age)"
ok "the log says why" grep -q "not used within max_age" "$ZCCACHE_DIR/log"
mark
zccache gcc -c a.c -o a.o
deltas "a compiles as a miss again" "depend_miss=1"
"$CTL" stop >/dev/null
wait_until 10 no_socket
unset ZCCACHE_MAX_AGE

# ---- progress on a terminal ------------------------------------------------------
for i in 1 2 3 4; do printf 'int p%d;\n' "$i" >"p$i.c"; zccache gcc -c "p$i.c" -o "p$i.o"; done
n=$(status_field entries)
script -qec "$(printf '%q ' "$CTL") verify" /dev/null >"$T/verify.tty" 2>&1
ok "verify on a terminal shows progress" grep -qa "verify: 0 of $n entries (0 %)" "$T/verify.tty"
"$CTL" verify >"$T/verify.out" 2>&1
ok "... not when stderr is not a terminal" test "$(grep -c 'entries (' "$T/verify.out")" = 0
script -qec "$(printf '%q ' "$CTL") trim" /dev/null >"$T/trim.tty" 2>&1
ok "trim on a terminal shows progress" grep -qa "trim: 0 of $n entries" "$T/trim.tty"
script -qec "$(printf '%q ' "$CTL") flush" /dev/null >"$T/flush.tty" 2>&1
ok "flush on a terminal shows progress" grep -qa "flush: 0 of $n entries" "$T/flush.tty"
ok "... and ends with its result" grep -qa "cache flushed" "$T/flush.tty"
"$CTL" --json flush >"$T/flush.json"
ok "--json: no progress, one JSON object" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/flush.json"
"$CTL" stop >/dev/null
wait_until 10 no_socket

# ---- a full tmpfs trims and goes on storing --------------------------------------
if mount_tmpfs "$T/small" 8m; then
	export ZCCACHE_DIR=$T/small
	P=$T/work/proj
	gen_project "$P" 8 256
	start_server
	ok "a server runs on an 8 MiB cache" server_alive
	mark
	ok "six sources of 256 KiB stored" zc_all "$P" 1 6
	deltas "six misses" "depend_miss=6"
	fill_to "$ZCCACHE_DIR" 0
	is "the filesystem is full" "$(avail "$ZCCACHE_DIR")" 0
	e0=$(cnt error.disk_full)
	ok "a seventh compiles right on the full disk" zc_tu "$P" 7
	# Not deltas: the trim below may already have run (evictions move).
	is "... not stored: error.disk_full" "$(($(cnt error.disk_full) - e0))" 1
	trimmed() { [ "$(cnt evictions.disk_full)" -gt 0 ]; }
	wait_until 5 trimmed
	ok "the next tick trims least recently used entries ($(cnt evictions.disk_full))" trimmed
	ok "... and frees room" test "$(avail "$ZCCACHE_DIR")" -gt 262144
	mark
	ok "the seventh compiles again, right" zc_tu "$P" 7
	deltas "... and is stored" "depend_miss=1"
	ok "then served from the cache, right" zc_tu "$P" 7
	ok "the log says why it evicted" grep -q "the cache's filesystem is full" "$T/server.err"
	stop_server
else
	skip_case "a full tmpfs trims" "cannot mount a tmpfs: $(cat "$T/mount.err")"
fi
done_testing
