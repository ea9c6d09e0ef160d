#!/bin/bash
# Set up a Debian 12 machine, build, and run every test: the unit and
# integration suites on a normal build, then again on an ASan+UBSan build.
# Ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=build bash tests/setup.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
if [ ! -f build-asan/build.ninja ]; then
	CC=${CC:-cc} meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
		>/dev/null || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
ninja -C build-asan >/dev/null || { echo "asan build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
jobs=$(nproc)
echo "== tests: normal build"
meson test -C build --num-processes "$jobs" --print-errorlogs --no-rebuild "$@"
echo "== tests: ASan+UBSan build"
meson test -C build-asan --num-processes "$jobs" --print-errorlogs --no-rebuild --no-suite packaging --no-suite bench \
	--no-suite valgrind "$@"

python3 tests/tally.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json
