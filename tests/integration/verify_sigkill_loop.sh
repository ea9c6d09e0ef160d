#!/bin/bash
# The server SIGKILLed at random points (every 150-400 ms) while make -j8
# builds a 40-unit C project through zccache with real gcc: cold, warm, and
# after header edits. Launchers compile by themselves when the server dies
# under them, and autospawn a new one. Every build succeeds with objects and
# depfiles byte-identical to an uncached build's; afterwards
# `zccachectl verify` finds no bad entry (a kill leaves at most orphans and
# tmp files), --repair removes those, and warm builds hit again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

NTU=40
P=$T/work/proj
gen_project "$P" "$NTU"

# First, deterministically: the server killed between a miss and its store.
# The compile ran as -MD (the cache needs system headers) and only the store
# filters the depfile back to what -MMD writes; the launcher must make up
# for the store that never came.
mkdir -p "$T/work/one"
cd "$T/work/one" || exit 1
printf '#include <stdio.h>\n#include "one.h"\nint one(void) { return ONE; }\n' >one.c
printf '#define ONE 1\n' >one.h
gcc -MMD -c one.c -o one.o && mv one.o ref.o && mv one.d ref.d
# A gcc that SIGKILLs the server while it compiles (once).
mkdir -p "$T/killbin"
realgcc=$(command -v gcc)
cat >"$T/killbin/gcc" <<EOF2
#!/bin/bash
case " \$* " in
*" -c "*)
	if [ ! -e "$T/killed" ]; then
		touch "$T/killed"
		pid=\$(sed -n 1p "$ZCCACHE_SOCKET.pid")
		[ "\$(cat /proc/\$pid/comm)" = zccached ] && kill -KILL "\$pid"
	fi
	;;
esac
exec "$realgcc" "\$@"
EOF2
chmod +x "$T/killbin/gcc"
zccachectl status >/dev/null
p0=$(server_pid)
zccache "$T/killbin/gcc" -MMD -c one.c -o one.o
is "killed before its store: the compile succeeds" "$?" 0
ok "... the server was killed" wait_until 5 pid_gone "$p0"
ok "... the object is right" same ref.o one.o
ok "... the depfile is what gcc -MMD writes (no system headers)" same ref.d one.d
is "... the launcher says it compiled again" \
	"$(log_count 'the store failed after -MMD ran as -MD; compiling again')" 1
cd "$T/work" || exit 1

# kill_loop: SIGKILL the sandbox's server every 150-400 ms until $T/stop
# exists; one line per kill in $T/kills.
kill_loop() {
	local pid
	while [ ! -e "$T/stop" ]; do
		sleep "0.$((150 + RANDOM % 251))"
		pid=$(server_pid)
		if [ -n "$pid" ] && is_our_server "$pid" && kill -KILL "$pid" 2>/dev/null; then
			echo "$pid" >>"$T/kills"
		fi
	done
}

: >"$T/kills"
round() {
	local desc=$1 before after rc
	before=$(wc -l <"$T/kills")
	rm -f "$T/stop"
	kill_loop &
	local killer=$!
	build_cached "$P" 8
	rc=$?
	touch "$T/stop"
	wait "$killer"
	after=$(wc -l <"$T/kills")
	diag "$desc: $((after - before)) kills; $(find "$ZCCACHE_DIR/store" -type f | wc -l) store files; $(stat -c %s "$ZCCACHE_DIR/index/data.mdb") index bytes"
	is "$desc: make -j8 succeeds under the kill loop" "$rc" 0
	ok "$desc: every object and depfile is identical to the uncached build's" \
		same_files "$P/ref" "$P/src"
}

build_ref "$P"
round "cold"
# Compiles outlast most servers at this kill rate, so few misses get stored:
# fill the cache once in peace, so that the next rounds kill mid-hit too.
build_cached "$P" 8
is "a build without kills succeeds" "$?" 0
ok "... with identical objects" same_files "$P/ref" "$P/src"
round "warm"
# Edit a header that half the units include: those miss, the rest may hit.
sleep 0.05
sed -i 's/#define SCALE1 3/#define SCALE1 7/' "$P/include/h1.h"
build_ref "$P"
round "after editing h1.h"
round "warm after the edit"
sleep 0.05
sed -i 's/#define SCALE3 5/#define SCALE3 11/' "$P/include/h3.h"
echo '/* a comment */' >>"$P/include/h0.h"
build_ref "$P"
round "after editing h3.h and h0.h"

kills=$(wc -l <"$T/kills")
diag "$kills kills in all"
ok "the server was killed at least 5 times" test "$kills" -ge 5
# SIGKILL does not damage LMDB: the kills must not make the index look like
# a crash-looping damaged one (10 unclean opens in a row) and be thrown away.
grep -B4 -F "unusable" "$ZCCACHE_DIR/log" | sed "s/^/# /"
is "the index was never thrown away" "$(log_count 'unusable; moved to')" 0

# The cache the kills left behind: nothing bad in it.
zccachectl stats | sed -n "/^  /s/^ */# /p"
zccachectl --json verify >"$T/verify.json"
rc=$?
diag "verify: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print({k: r[k] for k in ("manifests","results","artifacts","bad_total","orphans","tmp_files","dangling","unreferenced")})' "$T/verify.json" 2>&1)"
is "verify exits 0" "$rc" 0
is "verify finds 0 bad entries" "$(jget bad_total <"$T/verify.json")" 0
is "the size accounting is consistent" \
	"$(jget accounting <"$T/verify.json" | jget consistent)" true
ok "it checked results" test "$(jget results <"$T/verify.json")" -gt 0
zccachectl --json verify --repair >"$T/repair.json"
is "verify --repair exits 0" "$?" 0
is "... and removes every orphan it counted" "$(jget orphans_removed <"$T/repair.json")" \
	"$(jget orphans <"$T/repair.json")"
zccachectl --json verify >"$T/verify2.json"
is "then verify finds no orphan and no tmp file" \
	"$(jget orphans <"$T/verify2.json") $(jget tmp_files <"$T/verify2.json")" "0 0"

# Without kills: a build fills what the kills kept out; the next one hits all.
build_cached "$P" 8
is "a build without kills succeeds" "$?" 0
ok "... with identical objects" same_files "$P/ref" "$P/src"
mark
build_cached "$P" 8
is "the final warm build succeeds" "$?" 0
ok "... with identical objects" same_files "$P/ref" "$P/src"
deltas "... and every unit is a hit" "direct_hit=$NTU"
zccachectl --json verify >"$T/verify3.json"
is "verify still finds 0 bad entries" "$(jget bad_total <"$T/verify3.json")" 0
done_testing
