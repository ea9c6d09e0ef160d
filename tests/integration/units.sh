#!/bin/bash
# The user units pass systemd-analyze verify with no output at all.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/units" "$T/xdg"
chmod 700 "$T/xdg"
# verify checks that ExecStart exists: point it at the built server.
sed "s|^ExecStart=.*|ExecStart=$SERVER|" "$ZCCACHE_BUILD/units/zccache.service" >"$T/units/zccache.service"
cp "$SRCDIR/units/zccache.socket" "$T/units/"
out=$(XDG_RUNTIME_DIR=$T/xdg systemd-analyze verify --user --man=no \
	"$T/units/zccache.socket" "$T/units/zccache.service" 2>&1)
rc=$?
is "systemd-analyze verify exits 0" "$rc" 0
is "systemd-analyze verify prints nothing" "$out" ""
grep -q '^ListenStream=%t/zccache/zccache.sock$' "$SRCDIR/units/zccache.socket"
ok "socket listens on %t/zccache/zccache.sock" [ $? -eq 0 ]
ok "service is Type=notify" grep -q '^Type=notify$' "$T/units/zccache.service"
ok "service never restarts always" grep -q '^Restart=on-failure$' "$T/units/zccache.service"
ok "service has no RuntimeDirectory" bash -c "! grep -q '^RuntimeDirectory=' '$T/units/zccache.service'"
ok "service is not WantedBy default.target" bash -c "! grep -q '^WantedBy=default.target' '$T/units/zccache.service'"
done_testing
