#!/bin/bash
# Cache maintenance with real gcc compiles: zero-stats resets every counter,
# flush empties the index and the store, flush --older-than keeps what is
# recent, config set max_size refuses less than 1M, and under max_size=1M a
# cache filled with ~100 KiB objects evicts least recently used results down
# to the limit (evictions counted, a recently hit result kept), while every
# build, hit or miss, still writes the bare compiler's bytes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive

# blob N: a source whose object is ~100 KiB of incompressible data.
blob() {
	python3 - "$1" >"b$1.c" <<'EOF'
import random, sys
n = int(sys.argv[1])
rnd = random.Random(n)
data = bytes(rnd.getrandbits(8) for _ in range(100 * 1024))
print("/* blob %d */" % n)
print("const unsigned char blob%d[] = {" % n)
for i in range(0, len(data), 32):
    print(",".join(str(b) for b in data[i:i + 32]) + ",")
print("};")
EOF
}
# zc N: compile bN.c through zccache; the object must equal the bare one.
zc() {
	rm -f "b$1.o"
	zccache gcc -c "b$1.c" -o "b$1.o" && cmp -s "b$1.o" "$T/bare/b$1.o"
}
mkdir -p "$T/bare"
for i in $(seq 1 14); do
	blob "$i"
	gcc -c "b$i.c" -o "$T/bare/b$i.o"
done
ok "the bare objects are about 100 KiB" test "$(stat -c %s "$T/bare/b1.o")" -gt 100000

# ---- zero-stats -------------------------------------------------------------
zc 1
zc 1
ok "before zero-stats there are counters" test "$(cnt direct_hit)" -eq 1 -a "$(cnt depend_miss)" -eq 1
"$CTL" zero-stats >/dev/null
is "zero-stats exits 0" "$?" 0
is "zero-stats: direct_hit is 0" "$(cnt direct_hit)" 0
is "zero-stats: depend_miss is 0" "$(cnt depend_miss)" 0
is "zero-stats: bytes_stored is 0" "$(cnt bytes_stored)" 0
is "zero-stats: status hits 0" "$(status_field hits)" 0
is "zero-stats: status misses 0" "$(status_field misses)" 0
ok "zero-stats keeps the cache: still a hit" zc 1
is "after zero-stats: direct_hit is 1" "$(cnt direct_hit)" 1
mark

# ---- flush -----------------------------------------------------------------
ok "b2 compiled" zc 2
ok "before flush there are entries" test "$(status_field entries)" -gt 0
"$CTL" flush >/dev/null
is "flush exits 0" "$?" 0
is "flush: no entries" "$(status_field entries)" 0
is "flush: size 0" "$(status_field size)" 0
is "flush: no artifact left in the store" "$(find "$ZCCACHE_DIR/store" -type f | wc -l)" 0
mark
ok "after flush b1 compiles right" zc 1
ok "after flush b2 compiles right" zc 2
deltas "after flush: both were misses" "depend_miss=2"

# ---- flush --older-than ---------------------------------------------------------
# Times have one-second steps: 3.2 s is "older than 2 s" for sure.
sleep 3.2
ok "b3 compiled" zc 3
ok "b1 hit: used recently, though stored long ago" zc 1
mark
"$CTL" flush --older-than 2 >/dev/null
is "flush --older-than 2 exits 0" "$?" 0
ok "b3 (recent) survives: right bytes" zc 3
ok "b1 (recently hit) survives: right bytes" zc 1
ok "b2 (old, unused) was flushed: right bytes" zc 2
deltas "flush --older-than: the recent ones hit, the old one misses" "direct_hit=2 depend_miss=1"
"$CTL" flush --older-than bogus >/dev/null 2>&1
ok "flush --older-than bogus fails" test $? -ne 0
"$CTL" flush >/dev/null

# ---- max_size and eviction ------------------------------------------------------
"$CTL" config set max_size 512K >/dev/null 2>&1
ok "config set max_size 512K is refused (the minimum is 1M)" test $? -ne 0
ok "the refused value is not applied" test "$(status_field max_size)" != 524288
"$CTL" config set max_size 1M >/dev/null
is "config set max_size 1M exits 0" "$?" 0
is "status max_size is 1 MiB" "$(status_field max_size)" 1048576
mark
for i in $(seq 1 8); do zc "$i" || ok "b$i compiled right" false; done
ok "8 objects (~800 KiB): under the limit" test "$(status_field size)" -le 1048576
deltas "8 distinct compiles: 8 misses" "depend_miss=8"
sleep 1.2
ok "b1 hit, so it is the most recently used" zc 1
deltas "b1 is a hit" "direct_hit=1"
sleep 1.2
for i in $(seq 9 14); do zc "$i" || ok "b$i compiled right" false; done
size_ok() { [ "$(status_field size)" -le 1048576 ]; }
wait_until 15 size_ok
ok "the background eviction brought the size under max_size" test "$(status_field size)" -le 1048576
out=$("$CTL" --json trim)
is "trim exits 0" "$?" 0
ok "trim: a JSON answer with evicted" bash -c "echo '$out' | grep -q evicted"
ok "size <= max_size" test "$(status_field size)" -le 1048576
ok "evictions counted" test "$(cnt evictions)" -gt 0
ok "fewer entries than results stored" test "$(status_field entries)" -lt 28
arts=$(find "$ZCCACHE_DIR/store" -type f | wc -l)
ok "fewer artifact files than objects compiled ($arts)" test "$arts" -lt 14
mark
ok "b14 (newest) is still cached and right" zc 14
ok "b1 (hit before the fill) is still cached and right" zc 1
deltas "b14 and b1 hit" "direct_hit=2"
ok "b2 (least recently used) was evicted; compiled right" zc 2
deltas "b2 misses" "depend_miss=1"
hits0=$(cnt direct_hit) miss0=$(cnt depend_miss)
for i in $(seq 1 14); do zc "$i" || ok "b$i after eviction: right bytes" false; done
ok "after eviction every object is right, hits and misses" true
is "14 compiles: each a hit or a stored miss" \
	$(($(cnt direct_hit) - hits0 + $(cnt depend_miss) - miss0)) 14
sleep 1.5
ok "and the cache stays within max_size" test "$(status_field size)" -le 1048576

# ---- the limit survives a restart -------------------------------------------
stop_server
wait_until 10 no_socket
"$CTL" status >/dev/null 2>&1
is "max_size 1M kept across a restart" "$(status_field max_size)" 1048576
ok "after the restart b14 compiles right" zc 14
done_testing
