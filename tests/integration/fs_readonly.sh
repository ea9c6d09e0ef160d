#!/bin/bash
# A read-only cache folder (a read-only bind mount over it: as root, chmod
# would not stop the server). Made read-only while the server runs: what was
# cached is still served right, new compiles are misses that build right
# with error.store_write and a log line naming the read-only filesystem, an
# edited source is never a stale hit, flush and stop do not crash. Read-only
# when the server starts: every compile passes through, with a log line and
# the reason in zccachectl status. Writable again: the cache works and still
# has what it had. Real gcc; every object byte-identical to an uncached one.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"
. "$(dirname "$0")/fslib.sh"

require_gcc "read-only cache"
cd "$T/work" || exit 1
P=$T/work/proj
gen_project "$P" 12 4
# A dead server must show, not be replaced by an autospawned one.
export ZCCACHE_NOSPAWN=1

mkdir -p "$ZCCACHE_DIR" && chmod 700 "$ZCCACHE_DIR"
start_server
spid=$(server_pid)
ok "a server runs" server_alive
mark
ok "four sources stored" zc_all "$P" 1 4
deltas "four stored" "depend_miss=4"

# ---- made read-only while the server runs ------------------------------------------
if ! mount_ro "$ZCCACHE_DIR"; then
	skip_case "read-only cache folder" "mount refused: $(head -n1 "$T/mount.err")"
	done_testing
	exit
fi
ok "the cache folder is now read-only" sh -c "! touch '$ZCCACHE_DIR/probe' 2>/dev/null"
ok "the four cached sources: served, right" zc_all "$P" 1 4
deltas "four hits" "direct_hit=4"
ok "four new sources: compiled, right" zc_all "$P" 5 8
deltas "four misses that could not be stored" \
	"error.store_write=4 error.store=4"
ok "the log names the read-only filesystem" test "$(errlog 'Read-only file system')" -gt 0
ok "... and what it could not store" test "$(errlog 'cannot store the outputs of')" -ge 4
ok "the same four again: still compiled, right (no half-stored entry)" zc_all "$P" 5 8
deltas "four misses again" "error.store_write=4 error.store=4"
# An edit of a cached source: never the old object.
cp "$P/src/tu1.c" "$T/tu1.keep"
gen_tu "$P/src/tu1.c" 1001 4
(cd "$P" && gcc -O0 -c src/tu1.c -o ref/tu1.o)
ok "a cached source edited: the new object" zc_tu "$P" 1
deltas "a miss, not stored" "error.store_write=1 error.store=1"
cp "$T/tu1.keep" "$P/src/tu1.c"
(cd "$P" && gcc -O0 -c src/tu1.c -o ref/tu1.o)
ok "edited back: the old object again, right" zc_tu "$P" 1
deltas "a hit" "direct_hit=1"
ok "make -j2 of the project on the read-only cache: builds, identical" build_project "$P"
ok "the server is the same process, alive" test "$(server_pid)" = "$spid"
stop_server
ok "it stops cleanly" wait_until 10 pid_gone "$spid"

# ---- read-only when the server starts -----------------------------------------------
: >"$T/server.err"
start_server
spid=$(server_pid)
ok "a server starts on the read-only cache" server_alive
ok "it logs that compiles pass through, and why" \
	grep -q "cannot open cache .*: Read-only file system; compiles are passed through" \
	"$T/server.err"
ok "zccachectl status says why" grep -q "Read-only file system" <(status_field cache_error)
ok "every compile passes through: builds, identical" build_project "$P"
ok "... twice" build_project "$P"
ok "the server is alive" pid_alive "$spid"
stop_server
wait_until 10 pid_gone "$spid"

# ---- writable again -----------------------------------------------------------------
umount -l "$ZCCACHE_DIR"
ok "the cache folder is writable again" sh -c "touch '$ZCCACHE_DIR/probe' && rm '$ZCCACHE_DIR/probe'"
start_server
spid=$(server_pid)
mark
ok "writable again: what was cached before is served, right" zc_all "$P" 1 4
deltas "four hits" "direct_hit=4"
ok "a build stores the rest: builds, identical" build_project "$P"
ok "... and again, all hits" build_project "$P"
hits=$(cnt direct_hit)
ok "the second build was served from the cache ($hits hits)" test "$hits" -ge 16

# ---- flush on a cache made read-only --------------------------------------------------
mount_ro "$ZCCACHE_DIR"
"$CTL" flush >/dev/null 2>&1
ok "flush on a read-only cache: the server is alive" pid_alive "$spid"
ok "after that flush: builds, identical" build_project "$P"
ok "... and again" build_project "$P"
stop_server
ok "it stops cleanly" wait_until 10 pid_gone "$spid"
done_testing
