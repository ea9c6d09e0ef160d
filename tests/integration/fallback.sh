#!/bin/bash
# No silent fallback: every compile a launcher runs without the cache is
# counted where `zccachectl status` (and --json) shows it, with the last
# reason; a cause that persists is said on stderr once an hour per build
# folder, in words that name the fix; ZCCACHE_QUIET=1 silences it. A socket
# folder of ours that others cannot write to (0755) is accepted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

GCC=$(command -v gcc)
cd "$T/work" || exit 1
printf 'int m;\n' >m.c
"$GCC" -c m.c -o ref.o

# fallbacks_json KEY...: a value under .fallbacks of status --json.
fb() {
	"$CTL" --json --no-start status 2>/dev/null | python3 -c 'import json, sys
v = json.load(sys.stdin)["fallbacks"]
for k in sys.argv[1:]:
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$@"
}

# ---- 0755 socket folder, ours: accepted ------------------------------------------
mkdir -p -m 755 "$T/run"
zccache "$GCC" -c m.c -o m.o 2>"$T/err1"
zccache "$GCC" -c m.c -o m.o 2>>"$T/err1"
ok "0755: a server runs" server_alive
is "0755: the second compile is a hit" "$(cnt direct_hit)" 1
is "0755: nothing said on stderr" "$(cat "$T/err1")" ""
is "0755: the folder is left 0755" "$(stat -c %a "$T/run")" 755
is "0755: the socket is 0600" "$(stat -c %a "$ZCCACHE_SOCKET")" 600
is "0755: no fallback counted" "$(fb total)" 0
"$CTL" stop >/dev/null
wait_until 10 no_socket

# ---- 0777 socket folder: refused, said once, counted -----------------------------
chmod 777 "$T/run"
zccache "$GCC" -c m.c -o m.o 2>"$T/err2"
rc=$?
is "0777: the compile exits 0" "$rc" 0
ok "0777: its object is gcc's" cmp -s m.o ref.o
is "0777: one line on stderr" "$(wc -l <"$T/err2")" 1
ok "0777: it names the folder, its mode and the fix" \
	grep -qF "socket folder $T/run is mode 0777; it must not be writable by group or others (chmod go-w $T/run)" "$T/err2"
ok "0777: it says how to silence it" grep -qF "ZCCACHE_QUIET=1" "$T/err2"
for i in 1 2 3; do zccache "$GCC" -c m.c -o m.o; done 2>"$T/err3"
is "0777: not said again within the hour" "$(cat "$T/err3")" ""
mkdir -p "$T/work/sub"
(cd sub && zccache "$GCC" -c ../m.c -o m.o 2>"$T/err4")
is "0777: said once in another build folder" "$(wc -l <"$T/err4")" 1
# An hour later: said again.
touch -d '2 hours ago' "$ZCCACHE_DIR"/notices/*
zccache "$GCC" -c m.c -o m.o 2>"$T/err5"
is "0777: said again after an hour" "$(wc -l <"$T/err5")" 1
touch -d '2 hours ago' "$ZCCACHE_DIR"/notices/*
ZCCACHE_QUIET=1 zccache "$GCC" -c m.c -o m.o 2>"$T/err6"
is "0777: ZCCACHE_QUIET=1 silences it" "$(cat "$T/err6")" ""
is "0777: every fallback is counted (7)" "$(fb reasons socket_folder)" 7
is "0777: the total" "$(fb total)" 7
is "0777: the last reason" "$(fb last reason)" socket_folder
ok "0777: the last message names the cause" sh -c "$(printf '%q ' "$CTL") --json --no-start status | grep -q 'is mode 0777'"
"$CTL" status >"$T/status.txt" 2>&1
ok "0777: status says the server cannot be reached, and why" \
	grep -qF "failed: socket folder $T/run is mode 0777" "$T/status.txt"
ok "0777: status shows the fallbacks" grep -qF "Fallbacks: 7 compiles ran without the cache (7 socket_folder)" "$T/status.txt"
ok "0777: the folder is left as it was" test "$(stat -c %a "$T/run")" = 777
ok "0777: the log says it too" grep -q "compiling directly: socket folder .* is mode 0777" "$ZCCACHE_DIR/log"
sed 's/^/# /' "$T/status.txt"

# ---- the server program missing ------------------------------------------------
chmod 755 "$T/run"
rm -f "$ZCCACHE_DIR"/notices/*
ZCCACHE_SERVER=$T/nowhere/zccached zccache "$GCC" -c m.c -o m.o 2>"$T/err7"
is "no server: the compile exits 0" "$?" 0
ok "no server: its object is gcc's" cmp -s m.o ref.o
ok "no server: stderr names the program and ZCCACHE_SERVER" \
	grep -qF "the server program $T/nowhere/zccached (ZCCACHE_SERVER) cannot be run: No such file or directory" "$T/err7"
is "no server: counted" "$(fb reasons server_missing)" 1
is "no server: the last reason" "$(fb last reason)" server_missing

# ---- the server fails to start (its cache folder is open to others) --------------
chmod 755 "$ZCCACHE_DIR"
rm -f "$ZCCACHE_DIR"/notices/*
zccache "$GCC" -c m.c -o m.o 2>"$T/err8"
is "start fails: the compile exits 0" "$?" 0
ok "start fails: stderr has the server's own reason" \
	grep -qF "server failed to start: cache folder $ZCCACHE_DIR is mode 0755; it must be private to you (chmod 700 $ZCCACHE_DIR)" "$T/err8"
is "start fails: counted where status finds it (the socket folder)" "$(fb reasons server_start)" 1
chmod 700 "$ZCCACHE_DIR"

# ---- zero-stats clears them ------------------------------------------------------
zccache "$GCC" -c m.c -o m.o
"$CTL" zero-stats >/dev/null
is "zero-stats: no fallbacks left" "$(fb total)" 0
"$CTL" stop >/dev/null
done_testing
