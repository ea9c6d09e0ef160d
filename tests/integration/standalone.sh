#!/bin/bash
# zccached started by hand: it says so, keeps a second server off its socket,
# re-reads its configuration on SIGHUP, exits cleanly on SIGTERM, and refuses
# a socket folder others could tamper with (while the launcher still compiles).
. "$(dirname "$0")/lib.sh"

cd "$T/work" || exit 1
printf 'int answer(void) { return 42; }\n' >a.c
gcc -c a.c -o direct.o
printf '# test\nidle_timeout = 10m\n' >"$ZCCACHE_CONFIG"

"$SERVER" --foreground 2>"$T/server.err" &
spid=$!
on_exit "kill -KILL $spid"
wait_until 10 socket_exists
ok "a server started by hand listens" socket_exists
is "status: activation" "$(status_field activation)" manual
is "status: pid is the process we started" "$(status_field pid)" "$spid"
is "the pid file names it" "$(server_pid)" "$spid"
ok "it logs to stderr with --foreground" grep -q "listening on $ZCCACHE_SOCKET (manual)" "$T/server.err"
ino=$(stat -c %i "$ZCCACHE_SOCKET")

# A second server must not take the socket over.
timeout 20 "$SERVER" --foreground >"$T/second.out" 2>"$T/second.err"
rc=$?
ok "a second server exits non-zero (status $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
ok "it says another server runs" \
	grep -q "another server is already running on $ZCCACHE_SOCKET" "$T/second.err"
ok "the first server still runs" pid_alive "$spid"
is "its socket was not replaced" "$(stat -c %i "$ZCCACHE_SOCKET")" "$ino"
is "it still answers" "$(status_field pid)" "$spid"

# SIGHUP re-reads the configuration file.
is "idle_timeout before SIGHUP" "$(zccachectl --no-start config get idle_timeout)" 10m
printf '# test\nidle_timeout = 90\n' >"$ZCCACHE_CONFIG"
kill -HUP "$spid"
idle_is_90() { [ "$(zccachectl --no-start config get idle_timeout)" = 90s ]; }
wait_until 5 idle_is_90
is "config get after SIGHUP" "$(zccachectl --no-start config get idle_timeout)" 90s
is "status idle_timeout after SIGHUP" "$(status_field idle_timeout)" 90
is "SIGHUP did not restart it" "$(status_field pid)" "$spid"
ok "it logs the reload" grep -q "SIGHUP: reloading configuration" "$T/server.err"

zccache gcc -c a.c -o a.o
is "a compile through it exits 0" "$?" 0
ok "its object is right" cmp -s a.o direct.o
is "the compile reached it" "$(counter requests.compile)" 1

# SIGTERM: clean exit, socket removed.
kill -TERM "$spid"
wait_until 10 pid_gone "$spid"
ok "SIGTERM stops it" pid_gone "$spid"
wait "$spid"
is "exit status after SIGTERM" "$?" 0
ok "the socket file is removed" no_socket
ok "it logs why it exits" grep -q "exiting (SIGTERM)" "$T/server.err"

# An unsafe socket folder: the server refuses, the launcher compiles anyway.
unsafe_case() { # NAME DIR WHAT: WHAT is how the message says what is wrong
	local name=$1 dir=$2 what=$3 rc out
	out=$(ZCCACHE_SOCKET=$dir/zccache.sock timeout 20 "$SERVER" --foreground 2>&1)
	rc=$?
	ok "$name: the server refuses to start (status $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
	ok "$name: its message names the folder and what is wrong" \
		grep -qF "socket folder $dir $what" <<<"$out"
	out=$(ZCCACHE_SOCKET=$dir/zccache.sock timeout 20 "$SERVER" 2>&1)
	rc=$?
	ok "$name: without --foreground too (status $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
	ok "$name: ... and it still says why on stderr" grep -qF "$dir" <<<"$out"
	ok "$name: no socket was created" test ! -e "$dir/zccache.sock"
	rm -f a.o
	ZCCACHE_SOCKET=$dir/zccache.sock zccache gcc -c a.c -o a.o
	is "$name: the launcher still compiles" "$?" 0
	ok "$name: its object is right" cmp -s a.o direct.o
	ok "$name: the launcher logs why it did not use a server" \
		grep -qF "compiling directly: socket folder $dir $what" "$ZCCACHE_DIR/log"
	ok "$name: and started none" test ! -e "$dir/zccache.sock" -a ! -e "$dir/zccache.sock.pid"
}
# (0755 is accepted: others may see the names, not change them; fallback.sh.)
mkdir -m 777 "$T/open"
unsafe_case "mode 0777" "$T/open" "is mode 0777; it must not be writable by group or others (chmod go-w $T/open)"
mkdir -m 700 "$T/private"
ln -s "$T/private" "$T/link"
unsafe_case "a symlink to a private folder" "$T/link" "is not a folder"
# Socket path lengths. sun_path holds 107 characters: a 99-character path is
# valid and must work; a longer one cannot, and the launcher must say so.
long_dir() { # LENGTH: a private folder such that DIR/zccache.sock is LENGTH long
	local d=$T/
	while [ $((${#d} + 13)) -lt "$1" ]; do d+=x; done
	mkdir -m 700 "$d"
	echo "$d"
}
dir=$(long_dir 99)
ZCCACHE_SOCKET=$dir/zccache.sock "$SERVER" --foreground 2>"$T/long.err" &
lpid=$!
on_exit "kill -KILL $lpid"
up_or_gone() { [ -S "$dir/zccache.sock" ] || pid_gone "$lpid"; }
wait_until 5 up_or_gone
ok "a 99-character socket path: the server listens" test -S "$dir/zccache.sock"
grep -q . "$T/long.err" && diag "$(head -n 3 "$T/long.err")"
kill -TERM "$lpid" 2>/dev/null
dir=$(long_dir 120)
before=$(log_count 'compiling directly')
ZCCACHE_SOCKET=$dir/zccache.sock zccache gcc -c a.c -o a.o
is "a 120-character socket path: the launcher compiles" "$?" 0
ok "... its object is right" cmp -s a.o direct.o
is "... and logs why it did not use a server" "$(log_count 'compiling directly')" $((before + 1))

if [ "$(id -u)" = 0 ]; then
	mkdir -m 700 "$T/foreign"
	chown 65534:65534 "$T/foreign"
	unsafe_case "owned by another user" "$T/foreign" "is owned by uid 65534, not by you (uid 0)"
else
	skip_case "a socket folder owned by another user" "needs root to chown"
fi
done_testing
