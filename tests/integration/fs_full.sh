#!/bin/bash
# Disk full. The cache on a 1 MiB tmpfs filled by a real make -j2 build of
# 24 sources whose objects do not compress: the build succeeds, every object
# is byte-identical to gcc's own, error.disk_full counts the stores that did
# not fit, and what was cached before is still served, byte for byte. Then
# the filesystem left with 0, 1, 2, ... 15 pages free before one compile, so
# that every write the cache makes (the compiler's depfile, the artifact,
# its folder, LMDB's pages) meets a full disk in turn: the compile
# is right each time, and once space is freed the cache stores and hits
# again. Where mounting is not allowed that part is a skip; the per-file
# size limit (RLIMIT_FSIZE, as a quota would) is tested either way: the
# server must not die of SIGXFSZ and treats EFBIG as a full disk.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"
. "$(dirname "$0")/fslib.sh"

require_gcc "disk full"
cd "$T/work" || exit 1
P=$T/work/proj
gen_project "$P" 24 48

# ---- a real build fills a 1 MiB cache ---------------------------------------------
if mount_tmpfs "$ZCCACHE_DIR" 1m; then
	start_server
	spid=$(server_pid)
	ok "a server runs on a cache of 1 MiB" server_alive
	mark
	ok "five sources stored before the disk fills: right objects" zc_all "$P" 1 5
	ok "... and served again, right" zc_all "$P" 1 5
	deltas "five stored, five hits" "depend_miss=5 direct_hit=5"
	ok "make -j2 of 24 sources on the 1 MiB cache: builds, every object identical" \
		build_project "$P"
	full=$(cnt error.disk_full)
	ok "error.disk_full counts the stores that did not fit ($full)" test "$full" -gt 0
	ok "zccachectl stats names it" grep -q "error.disk_full" <("$CTL" stats)
	ok "the server logged why (No space left on device)" \
		test "$(errlog 'No space left on device')" -gt 0
	ok "the server is the same process, alive" test "$(server_pid)" = "$spid"
	# A store that failed for room makes the next tick trim the least
	# recently used entries (retention.sh): the five may be among them.
	trimmed() { [ "$(cnt evictions.disk_full)" -gt 0 ]; }
	wait_until 5 trimmed # on the server's next tick
	ok "stores that did not fit made the cache trim for room" trimmed
	h0=$(cnt direct_hit) m0=$(cnt depend_miss) e0=$(cnt error.disk_full)
	ok "the five sources cached before are served, byte-identical" zc_all "$P" 1 5
	is "... each a hit, or a miss (stored or not) where trimmed for room" \
		$(($(cnt direct_hit) - h0 + $(cnt depend_miss) - m0 + $(cnt error.disk_full) - e0)) 5
	ok "a second build on the full cache: builds, identical" build_project "$P"
	# Free space with zccachectl, on a disk full to the last page: LMDB
	# needs room even to delete.
	fill_to "$ZCCACHE_DIR" 0
	ok "flush on a full disk succeeds" "$CTL" flush
	rm -f "$ZCCACHE_DIR/.filler"
	ok "... and frees the space" test "$(avail "$ZCCACHE_DIR")" -gt 500000
	mark
	ok "after a flush freed the space: stored again, right" zc_all "$P" 6 8
	ok "... then served, right" zc_all "$P" 6 8
	deltas "three stored, three hits, no error" "depend_miss=3 direct_hit=3"
	ok "a third build after freeing space: builds, identical" build_project "$P"
	stop_server
	wait_until 10 pid_gone "$spid"

	# ---- every write the cache makes meets a full disk in turn --------------------
	# Each round: a new source (16 KiB object), the filesystem left with
	# PAGES pages free, a compile; then the space freed, the same compile,
	# and a third that must be a hit. Canaries stored first stay right.
	rm -rf "${ZCCACHE_DIR:?}"/* "$ZCCACHE_DIR/.filler"
	: >"$T/server.err"
	start_server
	spid=$(server_pid)
	Q=$T/work/sweep
	gen_project "$Q" 3 16 100
	# From now on each index entry takes a few pages: LMDB grows too.
	export GEN_HEADERS=40
	ok "sweep: three canaries stored, right" zc_all "$Q" 100 102
	ok "sweep: ... and served, right" zc_all "$Q" 100 102
	bad=0 rounds=0 hit_after=0
	gen_project "$Q" 16 16 200
	for pages in $(seq 0 15); do
		i=$((200 + pages))
		fill_to "$ZCCACHE_DIR" $((pages * 4096))
		mark
		zc_tu "$Q" "$i" || { diag "$pages pages free: wrong"; bad=1; }
		rm -f "$ZCCACHE_DIR/.filler"
		zc_tu "$Q" "$i" || { diag "$pages pages free, then freed: wrong"; bad=1; }
		h=$(cnt direct_hit)
		zc_tu "$Q" "$i" || { diag "$pages pages free, third compile: wrong"; bad=1; }
		[ "$(cnt direct_hit)" = $((h + 1)) ] && hit_after=$((hit_after + 1))
		rounds=$((rounds + 1))
	done
	ok "16 compiles with 0..15 pages free: every object right" test $bad = 0
	is "... and after freeing space every one of them is cached and hit" "$hit_after" "$rounds"
	# The canaries are the least recently used: a full disk trims them first.
	h0=$(cnt direct_hit) m0=$(cnt depend_miss)
	ok "the canaries stored before the sweep: right (hits, or misses once trimmed for room)" \
		zc_all "$Q" 100 102
	is "... each answered" $(($(cnt direct_hit) - h0 + $(cnt depend_miss) - m0)) 3
	ok "the server is the same process, alive" test "$(server_pid)" = "$spid"
	diag "full disk met at: artifact $(errlog 'store: write') times," \
		"index $(errlog 'index: write') times, error.disk_full $(cnt error.disk_full)"
	# The index's own write meets the full disk unless a trim for room
	# (retention.c) came first, which a slow build (ASan) makes likely.
	ok "the sweep met a full disk in the store, and in the index or trimmed for room" \
		test "$(errlog 'store: write')" -gt 0 -a \
		\( "$(errlog 'index: write')" -gt 0 -o "$(cnt evictions.disk_full)" -gt 0 \)
	stop_server
	wait_until 10 pid_gone "$spid"
	umount -l "$ZCCACHE_DIR"
else
	skip_case "a real build fills a 1 MiB cache" "mount refused: $(head -n1 "$T/mount.err")"
	skip_case "every write meets a full disk" "mount refused: $(head -n1 "$T/mount.err")"
fi

# ---- RLIMIT_FSIZE: no file of the cache may grow past 112 KiB ----------------------
# A dead server must not be replaced by an autospawned one without the limit.
export ZCCACHE_DIR=$T/cache-fsize ZCCACHE_NOSPAWN=1
unset GEN_HEADERS
: >"$T/server.err"
(
	ulimit -f 112
	exec "$SERVER" --foreground 2>>"$T/server.err"
) &
wait_until 10 socket_exists
spid=$(server_pid)
ok "a server runs with a file size limit of 112 KiB" server_alive
R=$T/work/fsize
gen_project "$R" 3 8 300
gen_project "$R" 3 120 400
GEN_HEADERS=40 gen_project "$R" 30 4 500
mark
ok "three small sources stored: right" zc_all "$R" 300 302
ok "... and served: right" zc_all "$R" 300 302
deltas "three stored, three hits" "depend_miss=3 direct_hit=3"
ok "three objects too big for the limit: right" zc_all "$R" 400 402
ok "... the server did not die of SIGXFSZ" pid_alive "$spid"
ok "... error.disk_full counts them" test "$(cnt error.disk_full)" -ge 3
ok "... the log says why (File too large)" test "$(errlog 'File too large')" -gt 0
ok "a build of 36 sources until the index passes the limit too: builds, identical" \
	build_project "$R"
ok "... the server is alive" pid_alive "$spid"
ok "... the index met the limit (index: write failed)" test "$(errlog 'index: write')" -gt 0
diag "index data file: $(stat -c %s "$ZCCACHE_DIR/index/data.mdb") bytes"
mark
ok "the three small sources stored first: still served, right" zc_all "$R" 300 302
deltas "three hits" "direct_hit=3"
stop_server
wait_until 10 pid_gone "$spid"
# Space again: the same cache, no limit.
start_server
spid=$(server_pid)
mark
ok "without the limit: the big ones are stored, right" zc_all "$R" 400 402
ok "... and served, right" zc_all "$R" 400 402
deltas "three stored, three hits" "depend_miss=3 direct_hit=3"
ok "the small ones stored under the limit: still served, right" zc_all "$R" 300 302
deltas "three hits" "direct_hit=3"
ok "a last build: builds, identical" build_project "$R"
stop_server
wait_until 10 pid_gone "$spid"
done_testing
