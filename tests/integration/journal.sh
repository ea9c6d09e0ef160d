#!/bin/bash
# Logging targets: with $JOURNAL_STREAM naming stderr (as systemd sets it),
# lines carry <N> syslog priorities and nothing goes to the log file; with a
# JOURNAL_STREAM that names something else, the log file is used.
. "$(dirname "$0")/lib.sh"

cd "$T/work" || exit 1
j=$T/journal.txt
: >"$j"
JOURNAL_STREAM=$(stat -c '%d:%i' "$j") "$SERVER" 2>>"$j" &
pid=$!
on_exit "kill -KILL $pid"
wait_until 10 socket_listening
ok "the server listens" socket_listening
zccachectl stop >/dev/null
wait_until 10 pid_gone "$pid"
is "every line starts with a priority" "$(grep -cv '^<[0-7]>' "$j")" 0
ok "the start is logged at info (<6>)" grep -q '^<6>zccached .* listening on' "$j"
ok "the stop is logged" grep -q '^<6>shutting down: zccachectl stop' "$j"
ok "no log file was written" test ! -s "$ZCCACHE_DIR/log"

# A JOURNAL_STREAM inherited from elsewhere (not our stderr): the file.
: >"$T/other"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/other") "$SERVER" 2>>"$T/stderr.txt" &
pid=$!
on_exit "kill -KILL $pid"
wait_until 10 socket_listening
zccachectl stop >/dev/null
wait_until 10 pid_gone "$pid"
ok "a foreign JOURNAL_STREAM falls back to the log file" grep -q 'listening on' "$ZCCACHE_DIR/log"
is "and stderr stays quiet" "$(cat "$T/stderr.txt")" ""
done_testing
