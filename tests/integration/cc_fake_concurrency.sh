#!/bin/bash
# Adversarial concurrency with a fake gcc whose object is the digest and
# bytes of its inputs: distinct sources (even of one size, one byte apart)
# never share bytes; 16 concurrent identical compiles in 16 folders all get
# the right object, with one real compile and the others joined; 10
# concurrent distinct cold misses, same file names in 10 folders, never get
# each other's object, cold or warm; output on stdout and stderr is replayed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

fake_gcc "$T/fakebin"
export PATH=$T/fakebin:$PATH
export FAKECC_LOG=$T/compiles.log
cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# ---- distinct sources ------------------------------------------------------
for i in $(seq 0 9); do printf 'int v = %d;\n' "$i" >"d$i.c"; done
printf 'int v = 1;\n' >same_as_d1.c
for pass in cold warm; do
	bad=0
	for i in $(seq 0 9); do
		rm -f "d$i.o"
		zccache gcc -c "d$i.c" -o "d$i.o" || bad=1
		fake_ok "d$i.o" "d$i.c" || bad=1
	done
	ok "$pass: ten sources one byte apart each get their own object" test $bad = 0
	if [ $pass = cold ]; then
		deltas "$pass: ten misses" "depend_miss=10"
	else
		deltas "$pass: ten hits" "direct_hit=10"
	fi
done
dups=$(for i in $(seq 0 9); do sha256sum <"d$i.o"; done | sort | uniq -d | wc -l)
is "no two objects of distinct sources are equal" "$dups" 0
zccache gcc -c same_as_d1.c -o same.o
ok "a source with d1's bytes under another name: its own right object" fake_ok same.o same_as_d1.c

# ---- replayed output --------------------------------------------------------
printf 'int w;\n' >w.c
mark
FAKECC_WARN="careful" zccache gcc -c w.c -o w.o >"$T/w1.out" 2>"$T/w1.err"
FAKECC_WARN="careful" zccache gcc -c w.c -o w.o >"$T/w2.out" 2>"$T/w2.err"
deltas "warning source: a miss then a hit" "depend_miss=1 direct_hit=1"
is "miss stderr" "$(cat "$T/w1.err")" "w.c: warning: careful"
is "miss stdout" "$(cat "$T/w1.out")" "stdout: careful"
ok "hit stderr identical" same "$T/w1.err" "$T/w2.err"
ok "hit stdout identical" same "$T/w1.out" "$T/w2.out"

# ---- 16 concurrent identical compiles -------------------------------------------
: >"$FAKECC_LOG"
j0=$(cnt joined)
for i in $(seq 1 16); do
	mkdir -p "$T/same/$i"
	printf '#include "h.h"\nint same = 16;\n' >"$T/same/$i/s.c"
	printf '#define H 16\n' >"$T/same/$i/h.h"
done
for i in $(seq 1 16); do
	(cd "$T/same/$i" && FAKECC_SLEEP=2 zccache gcc -c s.c -o s.o; echo $? >rc) &
done
wait
bad=0
for i in $(seq 1 16); do
	[ "$(cat "$T/same/$i/rc")" = 0 ] || { diag "compile $i exited $(cat "$T/same/$i/rc")"; bad=1; }
	(cd "$T/same/$i" && fake_ok s.o s.c) || bad=1
done
ok "16 concurrent identical compiles: each exits 0 with the right object" test $bad = 0
is "16 concurrent identical compiles: the compiler ran once" "$(wc -l <"$FAKECC_LOG")" 1
joined=$(($(cnt joined) - j0))
ok "16 concurrent identical compiles: joined counted ($joined)" test "$joined" -gt 0
deltas "16 concurrent identical compiles: one miss, fifteen hits" \
	"depend_miss=1 direct_hit=15 joined=$joined"

# ---- 10 concurrent distinct cold misses, same names -------------------------------
: >"$FAKECC_LOG"
for i in $(seq 1 10); do
	mkdir -p "$T/dist/$i"
	# Same size everywhere; headers differ too.
	printf '#include "h.h"\nint mine = %02d;\n' "$i" >"$T/dist/$i/s.c"
	printf '#define H %02d\n' $((i * 3 % 100)) >"$T/dist/$i/h.h"
done
for pass in cold warm; do
	for i in $(seq 1 10); do
		(cd "$T/dist/$i" && rm -f s.o && FAKECC_SLEEP=1 zccache gcc -c s.c -o s.o; echo $? >rc) &
	done
	wait
	bad=0
	for i in $(seq 1 10); do
		[ "$(cat "$T/dist/$i/rc")" = 0 ] || bad=1
		(cd "$T/dist/$i" && fake_ok s.o s.c) || bad=1
	done
	ok "$pass: 10 concurrent distinct compiles each get their own object" test $bad = 0
	if [ $pass = cold ]; then
		deltas "$pass: ten misses, none joined" "depend_miss=10"
		is "$pass: the compiler ran ten times" "$(wc -l <"$FAKECC_LOG")" 10
	else
		deltas "$pass: ten hits" "direct_hit=10"
		is "$pass: the compiler did not run again" "$(wc -l <"$FAKECC_LOG")" 10
	fi
done

# Same folders, only the header changes (same size), all at once again.
for i in $(seq 1 10); do printf '#define H %02d\n' $((i * 7 % 100)) >"$T/dist/$i/h.h"; done
for i in $(seq 1 10); do
	(cd "$T/dist/$i" && rm -f s.o && FAKECC_SLEEP=1 zccache gcc -c s.c -o s.o; echo $? >rc) &
done
wait
bad=0
for i in $(seq 1 10); do (cd "$T/dist/$i" && fake_ok s.o s.c) || bad=1; done
ok "headers changed: 10 concurrent compiles each get the new right object" test $bad = 0
# i*3 and i*7 mod 100 agree for no i in 1..10: all ten are new results.
deltas "headers changed: ten misses" "depend_miss=10"

# ---- joined compiles whose first one fails --------------------------------------
for i in $(seq 1 8); do
	mkdir -p "$T/fail/$i"
	printf '#error nope\nint x;\n' >"$T/fail/$i/f.c"
done
for i in $(seq 1 8); do
	(cd "$T/fail/$i" && FAKECC_SLEEP=1 zccache gcc -c f.c -o f.o 2>err; echo $? >rc) &
done
wait
bad=0
for i in $(seq 1 8); do
	[ "$(cat "$T/fail/$i/rc")" = 1 ] || { diag "failing compile $i exited $(cat "$T/fail/$i/rc")"; bad=1; }
	[ "$(cat "$T/fail/$i/err")" = "f.c:1: error: #error" ] || { diag "stderr $i: $(cat "$T/fail/$i/err")"; bad=1; }
	[ ! -e "$T/fail/$i/f.o" ] || bad=1
done
ok "8 concurrent identical failing compiles: each exits 1 with the error, no object" test $bad = 0
j=$(($(cnt joined) - $(jget joined <"$T/.mark" | sed 's/^$/0/')))
deltas "8 concurrent identical failing compiles: eight compile_failed, no hit" "compile_failed=8 joined=$j"

# ---- joined compiles whose first launcher is killed -------------------------------
: >"$FAKECC_LOG"
for i in $(seq 0 4); do
	mkdir -p "$T/kill/$i"
	printf '#include "h.h"\nint killed = 1;\n' >"$T/kill/$i/k.c"
	printf '#define K 1\n' >"$T/kill/$i/h.h"
done
(cd "$T/kill/0" && exec env FAKECC_SLEEP=3 zccache gcc -c k.c -o k.o) &
owner=$!
disown "$owner"
mark
wait_until 10 test -s "$FAKECC_LOG"
for i in $(seq 1 4); do
	(cd "$T/kill/$i" && FAKECC_SLEEP=1 zccache gcc -c k.c -o k.o; echo $? >rc) &
	waiters="${waiters:-} $!"
done
sleep 0.5
kill -KILL "$owner"
# shellcheck disable=SC2086
wait $waiters
bad=0
for i in $(seq 1 4); do
	[ "$(cat "$T/kill/$i/rc")" = 0 ] || bad=1
	(cd "$T/kill/$i" && fake_ok k.o k.c) || bad=1
done
ok "the first launcher killed: its joined compiles still exit 0 with the right object" test $bad = 0
is "the first launcher killed: the four had joined it" \
	$(($(cnt joined) - $(jget joined <"$T/.mark" | sed 's/^$/0/'))) 4
is "the first launcher killed: the four were then answered (hit or stored miss)" \
	$(($(cnt direct_hit) + $(cnt depend_miss) - $(jget direct_hit <"$T/.mark" | sed 's/^$/0/') - $(jget depend_miss <"$T/.mark" | sed 's/^$/0/'))) 4
mark
done_testing
