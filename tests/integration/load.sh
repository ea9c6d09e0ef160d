#!/bin/bash
# 256 launchers at once against one server: warm hits and cold misses mixed
# (a fake gcc, plus real gcc compiles), a few failing compiles. Every launcher
# ends with the compiler's status and the right output, every request is
# answered or, when the server is out of room, compiled directly (counted),
# and the server's peak memory stays bounded. Then again with the server's
# descriptor limit at 64 (the connection cap is hit and logged), and with a
# running server's limit cut below what it holds (the out-of-descriptors path
# is hit and logged).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

fake_gcc "$T/fakebin"
GCC=$(command -v gcc)
cd "$T/work" || exit 1
mkdir -p ref gate

N_FAKE_HIT=112 N_FAKE_MISS=112 N_FAIL=8 N_GCC_HIT=12 N_GCC_MISS=12
N=$((N_FAKE_HIT + N_FAKE_MISS + N_FAIL + N_GCC_HIT + N_GCC_MISS))

# job list: one line per launcher, "KIND NAME" (fake|fail|gcc).
jobs_for_round() { # ROUND: the miss sources get new bytes every round
	local r=$1 i
	: >"jobs.$r"
	for i in $(seq 1 $N_FAKE_HIT); do echo "fake fh$i" >>"jobs.$r"; done
	for i in $(seq 1 $N_FAKE_MISS); do
		printf '#include "m.h"\nint fm%d_round%d = %d;\n' "$i" "$r" "$i" >"fm$i.c"
		echo "fake fm$i" >>"jobs.$r"
	done
	for i in $(seq 1 $N_FAIL); do echo "fail ff$i" >>"jobs.$r"; done
	for i in $(seq 1 $N_GCC_HIT); do echo "gcc gh$i" >>"jobs.$r"; done
	for i in $(seq 1 $N_GCC_MISS); do
		printf '#include <stdio.h>\nint gm%d_round%d(void) { return printf("%d"); }\n' \
			"$i" "$r" "$i" >"gm$i.c"
		echo "gcc gm$i" >>"jobs.$r"
	done
}

printf '#define M 1\n' >m.h
for i in $(seq 1 $N_FAKE_HIT); do printf '#include "m.h"\nint fh%d = %d;\n' "$i" "$i" >"fh$i.c"; done
for i in $(seq 1 $N_FAIL); do printf '#error failing %d\nint ff;\n' "$i" >"ff$i.c"; done
for i in $(seq 1 $N_GCC_HIT); do
	printf '#include <stdio.h>\nint gh%d(void) { return puts("%d"); }\n' "$i" "$i" >"gh$i.c"
done

# one KIND NAME: the launcher's command for one job.
one() {
	case $1 in
	fake | fail) PATH=$T/fakebin:$PATH zccache gcc -c "$2.c" -o "$2.o" ;;
	gcc) zccache "$GCC" -c "$2.c" -o "$2.o" ;;
	esac
}

all_ready() { [ "$(find ready -type f | wc -l)" -eq "$1" ]; }
# burst ROUND: every job of the round started at the same moment (each waits
# on a lock the test holds, then the lock is released); status in rc/NAME.
burst() {
	local r=$1 kind name t0=$SECONDS t1 pids=()
	rm -rf rc ready && mkdir rc ready
	rm -f ./*.o
	exec 8>gate/lock
	flock 8
	while read -r kind name; do
		(
			exec 8>&-
			: >"ready/$name"
			flock -s gate/lock true
			s=$(date +%s%N)
			one "$kind" "$name" >"rc/$name.out" 2>"rc/$name.err"
			echo $? >"rc/$name"
			echo "$((($(date +%s%N) - s) / 1000000)) ms $kind $name" >"rc/$name.t"
			verify "$kind" "$name" >"rc/$name.bad" && mv "rc/$name.bad" "rc/$name.ok"
		) &
		pids+=($!)
	done <"jobs.$r"
	wait_until 120 all_ready "$(wc -l <"jobs.$r")" || diag "round $r: not all launchers got ready"
	[ -z "${before_release-}" ] || $before_release
	t1=$SECONDS
	flock -u 8
	exec 8>&-
	wait "${pids[@]}"
	diag "round $r: $(wc -l <"jobs.$r") launchers ready in $((t1 - t0)) s, done $((SECONDS - t1)) s later; slowest: $(cat rc/*.t | sort -n | tail -n 1)"
}

# verify KIND NAME: the launcher's status, output and stderr are right.
verify() {
	local rc
	rc=$(cat "rc/$2" 2>/dev/null)
	case $1 in
	fake) [ "$rc" = 0 ] && fake_ok "$2.o" "$2.c" && [ ! -s "rc/$2.err" ] ;;
	fail)
		[ "$rc" = 1 ] && [ ! -e "$2.o" ] && [ "$(cat "rc/$2.err")" = "$2.c:1: error: #error" ]
		;;
	gcc) [ "$rc" = 0 ] && cmp -s "$2.o" "ref/$2.o" && [ ! -s "rc/$2.err" ] ;;
	esac || {
		echo "$1 $2: exit '$rc', $(head -c 200 "rc/$2.err")"
		return 1
	}
}

# check_round ROUND: every launcher of the round verified (each job verified
# itself once it ended, in parallel).
check_round() {
	local r=$1 n
	n=$(wc -l <"jobs.$r")
	cat rc/*.bad 2>/dev/null | head -n 5 | while read -r l; do diag "round $r: $l"; done
	is "round $r: all $n launchers ended with the compiler's status and output" \
		"$(find rc -name '*.bad' | wc -l)/$(find rc -name '*.ok' | wc -l)" "0/$n"
}

# ref_gcc NAME...: the reference objects, by plain gcc under the same names.
ref_gcc() {
	local n
	for n in "$@"; do cp "$n.c" ref/ && (cd ref && "$GCC" -c "$n.c" -o "$n.o") & done
	wait
}
# start_round ROUND: new miss sources and their references; the counters and
# the fallbacks so far noted (stats.ROUNDa, f0).
start_round() {
	jobs_for_round "$1"
	# shellcheck disable=SC2046
	ref_gcc $(seq -f 'gm%g' 1 $N_GCC_MISS)
	snap "$1a"
	f0=$(fallbacks)
}
vm() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
fallbacks() { log_count "compiling directly"; }
snap() { "$CTL" --json --no-start stats >"$T/stats.$1"; }
# moved NAME FROM TO: how much counter NAME moved between two snapshots.
moved() { echo $(($(jget "$1" <"$T/stats.$3" | sed 's/^$/0/') - $(jget "$1" <"$T/stats.$2" | sed 's/^$/0/'))); }

# ---- warm-up: the hit sources are cached -------------------------------------
zccachectl status >/dev/null
spid=$(server_pid)
ok "a server runs" server_alive
hwm0=$(vm "$spid" VmHWM)
for i in $(seq 1 $N_FAKE_HIT); do echo "fake fh$i"; done >jobs.warm
for i in $(seq 1 $N_GCC_HIT); do echo "gcc gh$i"; done >>jobs.warm
# shellcheck disable=SC2046
ref_gcc $(seq -f 'gh%g' 1 $N_GCC_HIT)
burst warm
check_round warm
diag "server: VmHWM ${hwm0} kB at start; after warm-up VmRSS $(vm "$spid" VmRSS) kB, VmHWM $(vm "$spid" VmHWM) kB, $(find "/proc/$spid/fd" -mindepth 1 | wc -l) fds"

# ---- round 1: 256 at once, default limits --------------------------------------
start_round 1
burst 1
snap 1b
check_round 1
is "round 1: no launcher compiled directly" "$(($(fallbacks) - f0))" 0
is "round 1: every request reached the server" "$(moved requests.compile 1a 1b)" "$N"
is "round 1: hits" "$(moved direct_hit 1a 1b)" $((N_FAKE_HIT + N_GCC_HIT))
is "round 1: misses stored" "$(moved depend_miss 1a 1b)" $((N_FAKE_MISS + N_GCC_MISS))
is "round 1: failed compiles" "$(moved compile_failed 1a 1b)" "$N_FAIL"
is "round 1: no error counted" "$(python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
print(" ".join(k for k in b if k.startswith("error.") and b[k] != a.get(k, 0)))' \
	"$T/stats.1a" "$T/stats.1b")" ""
ok "round 1: the server still runs, the same one" test "$(status_field pid)" = "$spid"
hwm1=$(vm "$spid" VmHWM)
diag "server after round 1: VmRSS $(vm "$spid" VmRSS) kB, VmHWM $hwm1 kB (+$((hwm1 - hwm0)) kB)"
# Peak since the server started, through the warm-up (124 at once) and round
# 1 (256 at once). What 256 connections may cost: each holds a request of a few kB, libevent
# buffers and a pending miss (~4 kB), and a hit decompresses one artifact at a
# time (the fake objects are a few hundred bytes, gcc's a few kB): 256 x 64 kB
# = 16 MB is generous. ASan's quarantine and shadow memory are not ours.
if ldd "$SERVER" 2>/dev/null | grep -q libasan; then
	skip_case "round 1: server peak memory grew by less than 16 MB since start" "ASan build: its allocator holds freed memory"
else
	ok "round 1: server peak memory grew by less than 16 MB since start ($((hwm1 - hwm0)) kB)" \
		test $((hwm1 - hwm0)) -lt 16384
fi
# Round 1 is within every limit: not even a warning.
is "round 1: nothing alarming in the log (no warning or worse)" \
	"$(grep -vE '\]: (info|notice|debug): ' "$ZCCACHE_DIR/log" | head -n 3)" ""

# ---- round 2: the server started with 64 descriptors: its cap is hit --------------
stop_server
wait_until 10 pid_gone "$spid"
(ulimit -n 64 && zccachectl status >/dev/null)
spid=$(server_pid)
ok "round 2: a server runs with a limit of 64 descriptors" \
	test "$(awk '/^Max open files/ { print $4 }' "/proc/$spid/limits")" = 64
diag "round 2: the server holds $(find "/proc/$spid/fd" -mindepth 1 | wc -l) descriptors before"
start_round 2
caps0=$(log_count "connection limit (")
# Whether 256 launchers on two cores ever hold 32 connections at once is up
# to the scheduler (CI once saw fewer), so the cap is made certain: a holder
# opens 40 connections (32 accepted, the rest in the backlog) before the
# launchers are let go, and closes them 0.3 s after, while the burst is
# arriving. The burst then meets a paused listener and must still be served.
hold_cap() {
	python3 - "$ZCPROTO" gate/lock >"$T/holder.out" 2>&1 <<'EOF' &
import fcntl, sys, time
sys.path.insert(0, sys.argv[1].rsplit("/", 1)[0])
import zcproto
socks = [zcproto.connect() for _ in range(40)]
print("ready", flush=True)
with open(sys.argv[2]) as gate:
    fcntl.flock(gate, fcntl.LOCK_SH)
time.sleep(0.3)
for s in socks:
    s.close()
print("closed", flush=True)
EOF
	holder=$!
	wait_until 10 grep -qs ready "$T/holder.out" || diag "the holder did not get ready: $(cat "$T/holder.out")"
}
before_release=hold_cap
# How many descriptors it holds at the peak (sampled, so a lower bound).
(while pid_alive "$spid"; do find "/proc/$spid/fd" -mindepth 1 2>/dev/null | wc -l; sleep 0.01; done >"$T/fds") &
sampler=$!
burst 2
before_release=
wait "$holder"
kill "$sampler"
is "round 2: the holder's connections were opened and closed" "$(tr '\n' ' ' <"$T/holder.out")" "ready closed "
diag "round 2: the server held at most $(sort -n "$T/fds" | tail -n 1) descriptors"
snap 2b
check_round 2
direct=$(($(fallbacks) - f0))
diag "round 2: $direct of $N launchers compiled directly"
is "round 2: each request was answered or compiled directly" \
	"$(($(moved requests.compile 2a 2b) + direct))" "$N"
ok "round 2: the log says the connection cap was reached" \
	test "$(($(log_count "connection limit (") - caps0))" -gt 0
is "round 2: the server did not run out of descriptors" "$(log_count "out of file descriptors")" 0
ok "round 2: the server still runs, the same one" test "$(status_field pid)" = "$spid"

# ---- round 3: a running server's limit cut below what it holds --------------------
held=$(find "/proc/$spid/fd" -mindepth 1 | wc -l)
prlimit --pid "$spid" --nofile=$((held + 4)):64
start_round 3
burst 3
check_round 3
direct=$(($(fallbacks) - f0))
diag "round 3: $direct of $N launchers compiled directly (limit $((held + 4)) with $held open)"
ok "round 3: the log says it ran out of descriptors and dropped connections" \
	test "$(log_count "out of file descriptors; dropping connections")" -gt 0
prlimit --pid "$spid" --nofile=64:64
snap 3b
is "round 3: each request was answered or compiled directly" \
	"$(($(moved requests.compile 3a 3b) + direct))" "$N"
ok "round 3: the server still runs, the same one" test "$(status_field pid)" = "$spid"
# Nothing was lost: with its descriptors back, everything cached still hits
# (a hit that failed for want of a descriptor used to drop its result).
cp jobs.warm jobs.4
snap 4a
f0=$(fallbacks)
burst 4
snap 4b
check_round 4
is "round 4: descriptors back: all $((N_FAKE_HIT + N_GCC_HIT)) cached results still hit" \
	"$(moved direct_hit 4a 4b)/$(($(fallbacks) - f0))" "$((N_FAKE_HIT + N_GCC_HIT))/0"
done_testing
