#!/bin/bash
# Damage under the cache: a byte flipped in a store file, a store file
# truncated, the store folder deleted under the running server, garbage
# written into the LMDB file (server stopped, and under the running server).
# Each time: the build succeeds with objects identical to an uncached
# build's, the damage costs misses (counted) and a clear log line, never a
# crash of the build, a hang or a wrong hit. Then the same damage again:
# `zccachectl verify` reports it, `verify --repair` leaves a cache that
# verify passes, and that serves hits again after a rebuild.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

NTU=8
P=$T/work/proj
cd "$T/work" || exit 1
gen_project "$P" "$NTU"
build_ref "$P"

# build DESC: a clean build through zccache that must succeed (a hang fails
# it after 120 s) with every output identical to the uncached build's.
build() {
	make -s -C "$P" clean
	timeout 120 make -s -C "$P" -j4 CC="zccache gcc" >/dev/null
	is "$1: the build succeeds" "$?" 0
	ok "$1: objects and depfiles are identical to the uncached build's" \
		same_files "$P/ref" "$P/src"
}

# The largest artifact file (an object); fails the test when there is none,
# rather than damage anything else.
some_artifact() {
	local f
	f=$(find "$ZCCACHE_DIR/store" -type f -regextype posix-extended -regex '.*/[0-9a-f]{32}' \
		-printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
	case $f in
	"$ZCCACHE_DIR"/store/*) echo "$f" ;;
	*) diag "no artifact in the store" && exit 1 ;;
	esac
}
flip_byte() {
	local f
	f=$(some_artifact) || return 1
	python3 -c 'import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x55
open(p, "wb").write(b)' "$f"
}
truncate_file() {
	local f
	f=$(some_artifact) || return 1
	truncate -s $(($(stat -c %s "$f") / 2)) "$f"
}
delete_store() { rm -rf "$ZCCACHE_DIR/store"; }
# Garbage over every page of data.mdb but the two meta pages.
garble_lmdb() {
	python3 -c 'import os, random, sys
p = sys.argv[1]
n = os.path.getsize(p)
random.seed(n)
with open(p, "r+b") as f:
    for off in range(8192, n, 4096):
        f.seek(off + 16)
        f.write(bytes(random.getrandbits(8) for _ in range(4000)))' "$ZCCACHE_DIR/index/data.mdb"
}
garble_lmdb_stopped() {
	zccachectl stop >/dev/null
	garble_lmdb
}
cached_ok() { [ "$(cnt direct_hit)" -gt 0 ]; }

# verify_json OUT ARGS...: zccachectl --json verify ARGS into OUT; the exit code.
verify_json() {
	local out=$1
	shift
	timeout 120 zccachectl --json verify "$@" >"$out"
}
field() { python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else json.dumps(v) if not isinstance(v, str) else v)' "$1" "$2"; }

# Fill and warm: every unit is a hit before each case.
fill() {
	build "$1: refill"
	mark
	build "$1: warm"
	deltas "$1: every unit is a hit" "direct_hit=$NTU"
}

# damage_case NAME DAMAGE LOGLINE COUNTERS REASON
#   DAMAGE: a function; LOGLINE: a fixed string the server logs for it;
#   COUNTERS: the counter deltas the damaged build must show ("" when the
#   index is replaced: its counters go with it); REASON: what verify
#   reports: a bad.<reason> count, or "replaced" for a replaced index.
damage_case() {
	local name=$1 damage=$2 line=$3 counters=$4 reason=$5 pid lines rc
	fill "$name"
	pid=$(server_pid)
	lines=$(log_count "$line")
	"$damage"
	build "$name"
	ok "$name: the server logs '$line'" test "$(log_count "$line")" -gt "$lines"
	ok "$name: a server is running" server_alive
	if [ -n "$counters" ]; then
		is "$name: ... the same one (pid $pid)" "$(server_pid)" "$pid"
		deltas "$name: misses and errors counted" "$counters"
	else
		# A new index: the counters start again. A hit served before
		# the damage was found is still a right one (values carry a
		# checksum, artifacts are verified).
		ok "$name: misses counted" test "$(cnt depend_miss)" -ge 1
		mark
	fi

	# The same damage again: verify says so; repair mends it.
	fill "$name (again)"
	"$damage"
	verify_json "$T/v1.json"
	rc=$?
	if [ "$reason" = replaced ]; then
		# Stopped: the next server's deep check replaced the index on
		# start, before verify ran.
		is "$name: verify exits 0 (the server replaced the index on start)" "$rc" 0
		is "$name: verify reports the replaced index" "$(field "$T/v1.json" index_replaced)" true
	else
		is "$name: verify exits 5 (damage found)" "$rc" 5
		ok "$name: verify counts it as $reason" test "$(field "$T/v1.json" "bad.$reason")" -ge 1
		is "$name: ... and lists it first" "$(field "$T/v1.json" first_bad | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["reason"])')" "$reason"
	fi
	verify_json "$T/v2.json" --repair
	is "$name: verify --repair exits 0" "$?" 0
	is "$name: ... and reports the cache clean" "$(field "$T/v2.json" clean)" true
	verify_json "$T/v3.json"
	is "$name: verify afterwards exits 0" "$?" 0
	is "$name: ... no bad entry, no orphan, no tmp file" \
		"$(field "$T/v3.json" bad_total) $(field "$T/v3.json" orphans) $(field "$T/v3.json" tmp_files)" "0 0 0"
	is "$name: ... the accounting is consistent" "$(field "$T/v3.json" accounting.consistent)" true
	build "$name: after the repair"
	mark
	build "$name: warm after the repair"
	deltas "$name: every unit is a hit again" "direct_hit=$NTU"
}

damage_case "flipped byte" flip_byte "corrupt artifact" \
	"direct_hit=$((NTU - 1)) depend_miss=1 error.checksum=1" artifact_checksum
damage_case "truncated file" truncate_file "corrupt artifact" \
	"direct_hit=$((NTU - 1)) depend_miss=1 error.checksum=1" artifact_checksum
damage_case "store folder deleted" delete_store "cannot restore object of a cached result" \
	"depend_miss=$NTU error.missing_file=$NTU" missing_artifact
damage_case "LMDB garbage (server stopped)" garble_lmdb_stopped "unusable; moved to" "" replaced
# Running: a server that reads the garbage dies of it (LMDB trusts its
# pages); its successor replaces the index. When verify comes first, its
# own deep check (in a child) finds the damage without crashing.
damage_case "LMDB garbage (server running)" garble_lmdb "unusable; moved to" "" index_unreadable
ok "no server dumped core" test -z "$(find "$T" -name 'core*' -print -quit)"
done_testing
