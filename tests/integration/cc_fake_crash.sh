#!/bin/bash
# Crashes and damage never make a wrong or partial output. The server
# SIGKILLed right after a store, or in the middle of one, and restarted:
# every later compile writes the right object. Store files damaged on disk
# (a flipped byte in the frame or the header, truncated, emptied, swapped
# with another artifact, deleted): the compile is a miss plus a counted
# error (error.checksum, error.missing_file), its object is the compiler's,
# and the next compile is a hit again. A fake gcc whose object is the digest
# and bytes of its inputs, padded to make stores take a while.
# shellcheck disable=SC2016 # damage commands run later, with the path as $1
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

fake_gcc "$T/fakebin"
export PATH=$T/fakebin:$PATH
export FAKECC_LOG=$T/compiles.log
cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive

# zc SRC [PAD]: compile SRC through zccache; out.o must be SRC's object.
zc() {
	rm -f out.o
	FAKECC_PAD=${2:-0} zccache gcc -c "$1" -o out.o || return 1
	if [ "${2:-0}" = 0 ]; then
		fake_ok out.o "$1"
	else
		cmp -s out.o <(fake_expected "$1"; head -c "$2" /dev/zero | tr '\0' p) ||
			{ diag "out.o is not the padded object of $1"; return 1; }
	fi
}
kill_server() {
	local p
	p=$(server_pid)
	[ -n "$p" ] && kill -KILL "$p" && wait_until 10 pid_gone "$p"
}

# ---- SIGKILL right after a store ---------------------------------------------
bad=0
for i in $(seq 1 6); do
	printf 'int crash = %d;\n' "$i" >"k$i.c"
	zc "k$i.c" 300000 || { diag "store $i"; bad=1; }
	kill_server || { diag "kill $i"; bad=1; }
	# Autospawn brings a new server; whatever survived must be right.
	zc "k$i.c" 300000 || { diag "after restart $i"; bad=1; }
	zc "k$i.c" 300000 || { diag "again $i"; bad=1; }
done
ok "six stores each followed by SIGKILL: every later object right" test $bad = 0
bad=0
for i in $(seq 1 6); do zc "k$i.c" 300000 || bad=1; done
ok "after six SIGKILLs all six sources still compile right" test $bad = 0
ok "the server runs again" server_alive

# ---- SIGKILL during a store --------------------------------------------------------
bad=0
for i in $(seq 1 5); do
	printf 'int midstore = %d;\n' "$i" >"m$i.c"
	rm -f out.o
	FAKECC_PAD=30000000 zccache gcc -c "m$i.c" -o out.o &
	pid=$!
	# The object appears (renamed complete) just before the store request.
	wait_until 30 test -e out.o
	sleep 0.0$((i * 2))
	kill_server
	wait "$pid"
	rc=$?
	[ "$rc" = 0 ] || { diag "compile $i exited $rc"; bad=1; }
	zc "m$i.c" 30000000 || { diag "after mid-store kill $i"; bad=1; }
	zc "m$i.c" 30000000 || { diag "again after mid-store kill $i"; bad=1; }
done
ok "five servers killed during a 30 MB store: the compile exits 0, later objects right" \
	test $bad = 0
"$CTL" flush >/dev/null
left=$(find "$ZCCACHE_DIR/store" -type f | wc -l)
is "after the kills, flush leaves no file in the store (nothing orphaned)" "$left" 0

# ---- damaged store files -----------------------------------------------------------
"$CTL" flush >/dev/null
mark

store_list() { find "$ZCCACHE_DIR/store" -type f | sort; }
# new_artifact: the one store file that is not in $T/before.
new_artifact() {
	local n
	n=$(store_list | comm -13 "$T/before" - )
	if [ "$(printf '%s\n' "$n" | grep -c .)" != 1 ]; then
		diag "expected one new store file, got: $n"
		return 1
	fi
	echo "$n"
}

# damage NAME COMMAND COUNTER: store d_NAME.c, damage its artifact with
# COMMAND (run with the path as $1), then a miss counted COUNTER and right,
# then a hit and right.
damage() {
	local name=$1 cmd=$2 counter=$3 a
	"$CTL" flush >/dev/null
	mark
	printf 'int damaged_%s = 12345;\n' "$name" >"d_$name.c"
	store_list >"$T/before"
	zc "d_$name.c" 20000 || ok "$name: stored right" false
	zc "d_$name.c" 20000 || ok "$name: hit right" false
	deltas "$name: stored, then a hit" "depend_miss=1 direct_hit=1"
	a=$(new_artifact) || { ok "$name: one new artifact on disk" false; return; }
	bash -c "$cmd" _ "$a"
	echo stale >out.o
	FAKECC_PAD=20000 zccache gcc -c "d_$name.c" -o out.o
	is "$name: the compile exits 0" "$?" 0
	ok "$name: the object is the compiler's, not the damaged bytes" \
		cmp -s out.o <(fake_expected "d_$name.c"; head -c 20000 /dev/zero | tr '\0' p)
	deltas "$name: a miss and $counter" "$counter=1 depend_miss=1"
	ok "$name: then a hit with the right object" zc "d_$name.c" 20000
	deltas "$name: the hit" "direct_hit=1"
}

damage flip_frame 'sz=$(stat -c %s "$1"); printf "\xff" | dd of="$1" bs=1 seek=$((sz / 2)) conv=notrunc status=none; printf "\x00" | dd of="$1" bs=1 seek=$((sz / 2 + 1)) conv=notrunc status=none' error.checksum
damage flip_last 'sz=$(stat -c %s "$1"); b=$(tail -c 1 "$1" | od -An -tu1 | tr -d " "); printf "\\$(printf %o $(((b + 1) % 256)))" | dd of="$1" bs=1 seek=$((sz - 1)) conv=notrunc status=none' error.checksum
damage flip_header 'printf "\x00\x00" | dd of="$1" bs=1 seek=20 conv=notrunc status=none' error.checksum
damage magic 'printf "XXXX" | dd of="$1" bs=1 seek=0 conv=notrunc status=none' error.checksum
damage truncate_half 'truncate -s $(($(stat -c %s "$1") / 2)) "$1"' error.checksum
damage truncate_tail 'truncate -s $(($(stat -c %s "$1") - 1)) "$1"' error.checksum
damage header_only 'truncate -s 48 "$1"' error.checksum
damage empty 'truncate -s 0 "$1"' error.checksum
damage appended 'printf "junk" >>"$1"' error.checksum
damage deleted 'rm -f "$1"' error.missing_file

# Another artifact's valid file under this name.
"$CTL" flush >/dev/null
printf 'int other = 1;\n' >o1.c
printf 'int other = 2;\n' >o2.c
store_list >"$T/before"
zc o1.c 20000
a1=$(new_artifact)
store_list >"$T/before"
zc o2.c 20000
a2=$(new_artifact)
mark
cp "$a1" "$a2"
ok "o2's artifact replaced by o1's: o2 compiles right" zc o2.c 20000
deltas "o2's artifact replaced by o1's: a miss and error.checksum" "error.checksum=1 depend_miss=1"
ok "o1 still a right hit" zc o1.c 20000
ok "o2 now a right hit" zc o2.c 20000
deltas "o1 and o2 hits" "direct_hit=2"

# A symlink in the store is never followed.
"$CTL" flush >/dev/null
printf 'int linked = 1;\n' >l.c
store_list >"$T/before"
zc l.c 20000
a=$(new_artifact)
cp "$a" "$T/copy" && rm -f "$a" && ln -s "$T/copy" "$a"
mark
ok "an artifact replaced by a symlink to its own bytes: right object" zc l.c 20000
deltas "symlinked artifact: refused as damaged" "error.checksum=1 depend_miss=1"
done_testing
