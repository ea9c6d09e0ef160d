#!/bin/bash
# zccached under valgrind memcheck through a whole build with real gcc: a
# generated project of 30 sources and their headers, cold then warm, a
# failing compile, a depfile build, and every control request. Stopped
# cleanly, memcheck must have seen no error, no definite or indirect leak
# and no descriptor left open. Then the launcher (a miss, a hit) and
# zccachectl (status) under memcheck too. Normal build only: under ASan
# the two tools would fight over the same memory (suite 'valgrind').
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

if ! command -v valgrind >/dev/null; then
	skip_case "memcheck of zccached" "valgrind is not installed (tests/setup.sh installs it)"
	done_testing
	exit
fi
# Launchers and zccachectl talk to the server under memcheck, never start one.
export ZCCACHE_NOSPAWN=1
# Memcheck makes the server 20-50 times slower: give it time before falling back.
export ZCCACHE_TIMEOUT_MS=60000
VG=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-fds=yes
	--child-silent-after-fork=yes)

# memcheck_clean LOG: no error, no definite or indirect leak, and no
# descriptor open at exit that the program did not inherit.
memcheck_clean() {
	local log=$1 fds
	grep -q "ERROR SUMMARY: 0 errors" "$log" || { sed -n '/ERROR SUMMARY/p' "$log" | sed 's/^/# /'; return 1; }
	if grep -qE "(definitely|indirectly) lost: [1-9]" "$log"; then
		grep -E "(definitely|indirectly) lost:" "$log" | sed 's/^/# /'
		return 1
	fi
	fds=$(awk '/Open (file descriptor|AF_UNIX socket)/ { getline nx; if (nx !~ /inherited from parent/) n++ } END { print n + 0 }' "$log")
	[ "$fds" = 0 ] || { grep -A2 "Open " "$log" | sed 's/^/# /'; return 1; }
}

quiet() { "$@" >/dev/null; }

# The project: 30 sources, each with a header of its own and a shared one.
P=$T/work/proj
mkdir -p "$P/src" "$P/include" "$P/obj" "$P/obj2"
printf '#pragma once\n#define SCALE 3\nint shared(int);\n' >"$P/include/common.h"
for i in $(seq -w 1 30); do
	printf '#pragma once\nstatic inline int h%s(int x) { return x * %d; }\n' "$i" "$((10#$i))" \
		>"$P/include/h$i.h"
	printf '#include <stdio.h>\n#include "common.h"\n#include "h%s.h"\nint f%s(int x) { printf("%%d", x); return h%s(x) * SCALE; }\n' \
		"$i" "$i" "$i" >"$P/src/t$i.c"
done
cat >"$P/Makefile" <<'MK'
CC = zccache gcc
OUT ?= obj
SRCS = $(wildcard src/*.c)
OBJS = $(SRCS:src/%.c=$(OUT)/%.o)
all: $(OBJS)
$(OUT)/%.o: src/%.c
	$(CC) -O1 -g -Iinclude $(EXTRA) -c $< -o $@
MK
sleep 0.1 # the coarse clock: sources written in this tick would not be cached

# In the foreground the server logs to stderr: into the file the cases read.
mkdir -p -m 700 "$ZCCACHE_DIR"
"${VG[@]}" --log-file="$T/vg-server.log" "$SERVER" --foreground 2>"$ZCCACHE_DIR/log" &
vgpid=$!
on_exit "kill -KILL $vgpid"
ok "zccached starts under memcheck" wait_until 60 socket_listening
spid=$(server_pid)

cd "$P" || exit 1
mark
ok "cold build" make -s -j2
deltas "cold build: 30 stored misses" "depend_miss=30"
cp obj/*.o "$T/work/"
rm -f obj/*.o
ok "warm build" make -s -j2
deltas "warm build: 30 hits" "direct_hit=30"
ok "the warm objects are the cold ones" same_files "$T/work" obj "*.o"
# No thread of its own nor from a library (zstd compresses single-threaded):
# so no helgrind or TSan run. A second thread here means one is needed now.
is "zccached runs one thread after a build" "$(ls "/proc/$spid/task" | wc -l)" 1

printf 'int broken(void) { return undeclared; }\n' >"$T/work/broken.c"
sleep 0.02
zccache gcc -c "$T/work/broken.c" -o "$T/work/broken.o" 2>"$T/work/broken.err"
is "a failing compile fails" "$?" 1
ok "with gcc's diagnostic" grep -q "undeclared" "$T/work/broken.err"
deltas "counted as a failed compile" "compile_failed=1"

ok "depfile build" make -s -j2 OUT=obj2 EXTRA="-MMD -MP"
ok "its depfiles name the headers" grep -q "include/h07.h" obj2/t07.d
rm -f obj2/*
ok "depfile build again" make -s -j2 OUT=obj2 EXTRA="-MMD -MP"
deltas "depfile builds: 30 misses, then 30 hits" "depend_miss=30 direct_hit=30"
ok "the depfiles are restored on hits" grep -q "include/h07.h" obj2/t07.d

ok "zccachectl stats" quiet zccachectl stats
ok "zccachectl explain" quiet zccachectl explain
ok "zccachectl config show" quiet zccachectl config show
ok "zccachectl config set" quiet zccachectl config set max_size 2G
ok "zccachectl config get" quiet zccachectl config get max_size
ok "zccachectl trim" quiet zccachectl trim
ok "zccachectl flush --older-than" quiet zccachectl flush --older-than 1d
ok "zccachectl zero-stats" quiet zccachectl zero-stats
# The hostile requests of bad_requests.sh but those of a MiB or more: their
# error paths under memcheck too. One line per case that went otherwise.
mkdir -p "$T/scratch"
BAD_REQUESTS_SMALL=1 python3 "$SRCDIR/tests/integration/bad_requests.py" "$T" "$(command -v gcc)" \
	>"$T/scratch/cases.out" 2>"$T/scratch/cases.err"
is "the hostile cases ran to the end" "$?" 0
diag "$(wc -l <"$T/scratch/cases.out") hostile cases"
is "each is answered as expected" "$(awk -F'\t' '$2 != $3' "$T/scratch/cases.out")" ""

# The launcher and zccachectl under memcheck: a miss, a hit and a status.
# memcheck cannot follow the installed launcher's own malloc when it is
# linked statically: its dynamically linked twin (same sources) is checked.
VG_LAUNCHER=$ZCCACHE_BUILD/src/launcher/dynamic/zccache
[ -x "$VG_LAUNCHER" ] || VG_LAUNCHER=$LAUNCHER
cd "$T/work" || exit 1
echo 'int vg(void) { return 7; }' >vg.c
sleep 0.02
"${VG[@]}" --log-file="$T/vg-miss.log" "$VG_LAUNCHER" gcc -c vg.c -o vg.o
is "launcher miss under memcheck exits 0" "$?" 0
ok "launcher miss: memcheck clean" memcheck_clean "$T/vg-miss.log"
cp vg.o vg-first.o
sleep 0.02
"${VG[@]}" --log-file="$T/vg-hit.log" "$VG_LAUNCHER" gcc -c vg.c -o vg.o
is "launcher hit under memcheck exits 0" "$?" 0
ok "launcher hit: memcheck clean" memcheck_clean "$T/vg-hit.log"
ok "the hit's object is the miss's" same vg-first.o vg.o
"${VG[@]}" --log-file="$T/vg-ctl.log" "$CTL" status >/dev/null
is "zccachectl status under memcheck exits 0" "$?" 0
ok "zccachectl status: memcheck clean" memcheck_clean "$T/vg-ctl.log"
ok "zccachectl flush" quiet zccachectl flush

ok "still the same server" test "$(status_field pid)" = "$spid"
zccachectl stop >/dev/null
wait "$vgpid"
is "zccached exits 0 under memcheck (99: it found errors)" "$?" 0
ok "zccached: memcheck clean" memcheck_clean "$T/vg-server.log"
ok "memcheck's summary is there" grep -q "ERROR SUMMARY" "$T/vg-server.log"
grep -E "ERROR SUMMARY|definitely lost|indirectly lost|in use at exit|FILE DESCRIPTORS" \
	"$T/vg-server.log" | sed 's/^==[0-9]*== */# server: /'
[ "$_tap_failed" -gt 0 ] && sed 's/^/# vg: /' "$T/vg-server.log" | tail -60
done_testing
