# lib.sh: shared by the integration tests. TAP on stdout (ok / not ok), an
# isolated sandbox per test (socket, cache, config, HOME), the built programs
# first in PATH, and a cleanup that never leaves a server running.
# shellcheck shell=bash
set -u

: "${ZCCACHE_BUILD:?run through meson test}"
LAUNCHER=$ZCCACHE_BUILD/src/launcher/zccache
SERVER=$ZCCACHE_BUILD/src/server/zccached
CTL=$ZCCACHE_BUILD/src/ctl/zccachectl
SRCDIR=${ZCCACHE_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Protocol client, fake servers and socket holder for the tests (Python 3).
ZCPROTO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/zcproto.py

T=$(mktemp -d /tmp/zcit.XXXXXX)
chmod 700 "$T"
mkdir -p "$T/home" "$T/bin" "$T/work"
export HOME=$T/home
export ZCCACHE_SOCKET=$T/run/zccache.sock
export ZCCACHE_DIR=$T/cache
export ZCCACHE_CONFIG=$T/zccache.conf
export ZCCACHE_SERVER=$SERVER
unset XDG_RUNTIME_DIR XDG_CACHE_HOME XDG_CONFIG_HOME ZCCACHE_DEBUG ZCCACHE_DISABLE \
	ZCCACHE_NOSPAWN NOTIFY_SOCKET LISTEN_FDS LISTEN_PID JOURNAL_STREAM
export PATH=$T/bin:$(dirname "$LAUNCHER"):$(dirname "$CTL"):$PATH
ln -sf "$CTL" "$T/bin/zccachectl"

_tap_n=0
_tap_failed=0
_cleanups=()

# ok DESCRIPTION COMMAND...: one test case, passing when COMMAND succeeds.
ok() {
	local desc=$1
	shift
	_tap_n=$((_tap_n + 1))
	if "$@"; then
		echo "ok $_tap_n - $desc"
	else
		echo "not ok $_tap_n - $desc"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# is DESCRIPTION GOT EXPECTED
is() {
	_tap_n=$((_tap_n + 1))
	if [ "$2" == "$3" ]; then
		echo "ok $_tap_n - $1"
	else
		echo "not ok $_tap_n - $1"
		diag "got:      $(printf '%q' "$2")"
		diag "expected: $(printf '%q' "$3")"
		_tap_failed=$((_tap_failed + 1))
	fi
}

skip_case() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

diag() { printf '# %s\n' "$*"; }

on_exit() { _cleanups+=("$*"); }

# Every server this test may have started is ours: its pid file or socket
# lives in $T. Kill them all, whatever state the test ended in.
_cleanup() {
	local c pid
	for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
	for pid in $(pgrep -f "zccached" 2>/dev/null); do
		if tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -q "^ZCCACHE_SOCKET=$T/"; then
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	if [ "$_tap_failed" -gt 0 ] && [ -f "$ZCCACHE_DIR/log" ]; then
		diag "server log:"
		sed 's/^/#   /' "$ZCCACHE_DIR/log" | tail -n 40
	fi
	rm -rf "$T"
}
trap _cleanup EXIT

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}

# wait_until SECONDS COMMAND...: poll COMMAND every 50 ms.
wait_until() {
	local limit=$1 i=0
	shift
	while ! "$@"; do
		i=$((i + 1))
		[ "$i" -ge $((limit * 20)) ] && return 1
		sleep 0.05
	done
}

server_pid() { sed -n 1p "$ZCCACHE_SOCKET.pid" 2>/dev/null; }
# pid_alive PID: running, and not a zombie (a daemonized server is reparented
# to pid 1, which may never reap it, and kill -0 succeeds on a zombie).
pid_alive() {
	local s
	s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$s" ] && [ "${s%% *}" != Z ] && [ "${s%% *}" != X ]
}
pid_gone() { ! pid_alive "$1"; }
server_alive() { local p; p=$(server_pid); [ -n "$p" ] && pid_alive "$p"; }
# jget KEY: the top-level KEY of the JSON object on stdin (strings unquoted).
jget() {
	python3 -c 'import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
print("" if v is None else v if isinstance(v, str) else json.dumps(v))' "$1"
}
# status_field KEY / counter NAME: from the running server, never starting one.
status_field() { "$CTL" --json --no-start status 2>/dev/null | jget "$1"; }
counter() { "$CTL" --json --no-start stats 2>/dev/null | jget "$1"; }
# log_count PATTERN: lines of $ZCCACHE_DIR/log matching the fixed string.
log_count() {
	local n
	n=$(grep -cF -- "$1" "$ZCCACHE_DIR/log" 2>/dev/null)
	echo "${n:-0}"
}
socket_exists() { [ -S "$ZCCACHE_SOCKET" ]; }
# Listening, not merely bound (a file exists between bind and listen); asks
# the kernel rather than connecting, since a connection would start a server.
# zccached binds DIR/.zcPID and renames it into place once listening, and ss
# shows the name bound, so for it the file's existence is the answer.
socket_listening() {
	ss -xlH 2>/dev/null | awk -v s="$ZCCACHE_SOCKET" -v p="$(dirname "$ZCCACHE_SOCKET")/.zc" \
		'$5 == s || index($5, p) == 1 { f = 1 } END { exit !f }' && socket_exists
}
no_socket() { [ ! -e "$ZCCACHE_SOCKET" ]; }

# Start a server in the foreground, in the background of this shell.
start_server() {
	"$SERVER" --foreground "$@" 2>>"$T/server.err" &
	wait_until 10 socket_exists
}

stop_server() { "$CTL" stop >/dev/null 2>&1; }

# A fake compiler: a script that does what the test says.
fake_compiler() {
	local name=$1 body=$2
	printf '#!/bin/bash\n%s\n' "$body" >"$T/bin/$name"
	chmod +x "$T/bin/$name"
}
