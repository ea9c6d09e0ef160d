#!/bin/bash
# Another user's launcher against our server: refused by SO_PEERCRED (with a
# log line naming its pid and uid) when it can reach the socket, unable to
# connect at all with the default permissions; its compile succeeds anyway.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	skip_case "another user's launcher" "needs root to create a user"
	done_testing
	exit
fi
user=zcc_test_$$
if ! useradd -M -r -U -s /usr/sbin/nologin -d /nonexistent "$user" 2>"$T/useradd.err"; then
	skip_case "another user's launcher" "useradd failed: $(head -n1 "$T/useradd.err")"
	done_testing
	exit
fi
on_exit "userdel $user"
ouid=$(id -u "$user")
ogid=$(id -g "$user")

# The other user needs to reach its own work folder and our programs.
chmod 711 "$T"
chmod 755 "$T/bin"
mkdir -p "$T/other/work"
chown -R "$user:$user" "$T/other"
chmod 700 "$T/other"
printf 'int answer(void) { return 42; }\n' >"$T/other/work/a.c"
# The compiler records its pid: the launcher execs it, so that is the pid the
# server saw connecting.
fake_compiler fakecc 'echo $$ >"$PWD/pid"
out=
while [ $# -gt 0 ]; do [ "$1" = -o ] && out=$2; shift; done
echo "compiled by $$" >"$out"'

as_other() {
	(cd "$T/other/work" && setpriv --reuid="$ouid" --regid="$ogid" --clear-groups \
		env -i PATH="$PATH" HOME="$T/other" ZCCACHE_DIR="$T/other/cache" \
		ZCCACHE_SOCKET="$ZCCACHE_SOCKET" ZCCACHE_SERVER="$SERVER" "$@")
}
other_log() { cat "$T/other/cache/log" 2>/dev/null; }

if ! as_other test -x "$LAUNCHER"; then
	skip_case "another user's launcher" "$user cannot execute $LAUNCHER"
	done_testing
	exit
fi

cd "$T/work" || exit 1
zccachectl status >/dev/null
spid=$(server_pid)
ok "our server runs" server_alive

# Make the socket reachable to everyone: only the uid check is left.
chmod 711 "$T/run"
chmod 666 "$ZCCACHE_SOCKET"
as_other zccache fakecc -c a.c -o a.o
is "the other user's compile exits 0" "$?" 0
ok "its output exists" grep -q '^compiled by' "$T/other/work/a.o"
cpid=$(cat "$T/other/work/pid")
ok "the server logs the refusal with that pid and uid" \
	grep -q "refused connection from pid $cpid uid $ouid: not our user (uid 0)" "$ZCCACHE_DIR/log"
ok "the other launcher logs one line saying it compiled directly" \
	test "$(other_log | grep -c 'compiling directly')" = 1
# The server sends a "permission" error before closing; whether the launcher
# reads it depends on who is faster (it may hit EPIPE sending first).
ok "... with the reason the server gave (permission), not a broken pipe" \
	grep -q "compiling directly: the server refused the request (permission: .*)" <<<"$(other_log)"
grep -q "(permission: " <<<"$(other_log)" ||
	other_log | while read -r l; do diag "other user's log: $l"; done
# A request larger than the socket buffer cannot be sent before the server
# closes: this one always meets EPIPE, and must still read the reason.
lines=$(other_log | wc -l)
as_other zccache fakecc -c a.c -o big.o $(printf -- "-DPAD=%0200d " $(seq 1 2000))
is "a 400 KB request: the other user's compile exits 0" "$?" 0
ok "... its output exists" grep -q '^compiled by' "$T/other/work/big.o"
ok "... the launcher logs the reason the server gave (permission)" \
	grep -q "compiling directly: the server refused the request (permission: .*)" \
	<<<"$(other_log | tail -n +$((lines + 1)))"
grep -q "(permission: " <<<"$(other_log | tail -n +$((lines + 1)))" ||
	other_log | tail -n +$((lines + 1)) | while read -r l; do diag "other user's log: $l"; done
is "refused_peers counts both" "$(counter refused_peers)" 2
is "the refused requests were not served" "$(counter requests.compile)" 0
is "our server still runs, the same one" "$(status_field pid)" "$spid"
zccache fakecc -c a.c -o mine.o
is "our own compile still goes through it" "$(counter requests.compile)" 1

# Default permissions (folder 0700, socket 0600): no connection at all.
perm_case() { # NAME FOLDER_MODE SOCKET_MODE
	local lines
	chmod "$2" "$T/run"
	chmod "$3" "$ZCCACHE_SOCKET"
	rm -f "$T/other/work/a.o"
	lines=$(other_log | wc -l)
	as_other zccache fakecc -c a.c -o a.o
	is "$1: the other user's compile exits 0" "$?" 0
	ok "$1: its output exists" grep -q '^compiled by' "$T/other/work/a.o"
	ok "$1: it logs that it cannot connect (EACCES)" \
		grep -q "compiling directly: cannot connect to $ZCCACHE_SOCKET: Permission denied" \
		<<<"$(other_log | tail -n +$((lines + 1)))"
	is "$1: the server never saw it" "$(counter refused_peers)" 2
	is "$1: no new refusal line in the server log" \
		"$(log_count "refused connection from pid")" 2
	is "$1: it started no server of its own" "$(pgrep -u "$ouid" -c zccached)" 0
}
perm_case "default modes (0700 folder, 0600 socket)" 700 600
perm_case "socket 0600 in a traversable folder" 711 600
is "our server still runs, the same one" "$(status_field pid)" "$spid"
done_testing
