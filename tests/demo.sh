#!/bin/bash
# The main job: set up a Debian 12 machine, build zccache, then build two real
# projects through it, cold (empty cache) then warm (same build again from a
# clean build folder), and show the times and what the server says.
#   - zccache itself: C, meson + ninja, CC="zccache gcc"
#   - googletest with its own tests: C++, CMake + ninja,
#     CMAKE_CXX_COMPILER_LAUNCHER=zccache (sources from Debian's googletest)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUILD=build bash tests/setup.sh
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
for p in cmake googletest bc; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$p"
done

W=$(mktemp -d /tmp/zccache-demo.XXXXXX)
chmod 700 "$W"
export ZCCACHE_DIR=$W/cache ZCCACHE_SOCKET=$W/run/zccache.sock ZCCACHE_CONFIG=$W/zccache.conf
export ZCCACHE_SERVER=$ROOT/build/src/server/zccached
export PATH=$ROOT/build/src/launcher:$ROOT/build/src/ctl:$PATH
# ccache on the machine would otherwise wrap the compiler meson picks.
export CCACHE_DISABLE=1
trap 'zccachectl stop >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
# The journal on, this run named, for the report at the end.
printf 'journal = on\n' >"$ZCCACHE_CONFIG"
export ZCCACHE_SESSION=demo

counter() { # counter NAME: one of zccachectl's counters, 0 when absent
	zccachectl --json stats | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"
}

timed() { # timed LABEL COMMAND...: run quietly; print the wall time and this build's hits
	local label=$1 start end h0 m0 u0
	shift
	h0=$(counter direct_hit) m0=$(counter depend_miss)
	start=$(date +%s.%N)
	"$@" >"$W/last.log" 2>&1 || { cat "$W/last.log"; return 1; }
	end=$(date +%s.%N)
	printf '  %-26s %7.2f s   %4d hits, %4d misses\n' "$label" "$(echo "$end - $start" | bc)" \
		$(($(counter direct_hit) - h0)) $(($(counter depend_miss) - m0))
}

zc_meson() {
	rm -rf "$W/zc-build"
	CC="zccache gcc" meson setup "$W/zc-build" "$ROOT" -Dtests=false >/dev/null
	ninja -C "$W/zc-build" -j"$(nproc)"
}
gtest() {
	rm -rf "$W/gt-build"
	cmake -G Ninja -S /usr/src/googletest -B "$W/gt-build" -Dgtest_build_tests=ON \
		-Dgmock_build_tests=ON -DCMAKE_CXX_COMPILER_LAUNCHER=zccache \
		-DCMAKE_C_COMPILER_LAUNCHER=zccache >/dev/null
	ninja -C "$W/gt-build" -j"$(nproc)"
}

echo "== zccache $(zccache --version | cut -d' ' -f2) on $(nproc) cores; cache in $ZCCACHE_DIR"
zccachectl status --no-start || true
zccachectl status >/dev/null # start it, so the first build's figures are the build's
echo
echo "== zccache's own sources (C, meson)"
timed "cold build (empty cache)" zc_meson
timed "warm build" zc_meson
echo
echo "== googletest with its tests (C++, CMake)"
timed "cold build" gtest
timed "warm build" gtest
echo
echo "== zccachectl status"
zccachectl status
echo
echo "== zccachectl stats"
zccachectl stats
echo
echo "== zccachectl report --session demo"
zccachectl report --session demo -o "$W/report.html"
zccachectl report --session demo | cat >/dev/null
# ZCCACHE_DEMO_REPORT=DIR keeps the page (and, with chromium, a screenshot).
if [ -n "${ZCCACHE_DEMO_REPORT:-}" ]; then
	mkdir -p "$ZCCACHE_DEMO_REPORT"
	cp "$W/report.html" "$ZCCACHE_DEMO_REPORT/report-demo.html"
	if command -v chromium >/dev/null; then
		mkdir -m 700 "$W/profile"
		chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$W/profile" --window-size=900,1450 \
			--screenshot="$ZCCACHE_DEMO_REPORT/report-demo.png" \
			"file://$ZCCACHE_DEMO_REPORT/report-demo.html" >/dev/null 2>&1 || true
	fi
	echo "report: $ZCCACHE_DEMO_REPORT/report-demo.html"
fi
