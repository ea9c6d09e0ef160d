#!/bin/bash
# Set up a Debian 12 machine, build, and run every test: the unit and
# integration suites on a normal build, then again on an ASan+UBSan build,
# then the fuzzers (tests/fuzz) on a clang build.
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

# The fuzzers need clang's libFuzzer, so they get a build of their own. A
# build that fails leaves no testlog.json, which tally.py counts as a failure.
echo "== tests: fuzzers, ${ZCCACHE_FUZZ_SECONDS:-60} s each (build-fuzz, clang)"
rm -f build-fuzz/meson-logs/testlog.json
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dwerror=true -Dfuzz=true -Dtests=false >/dev/null ||
		echo "fuzz build: meson setup failed"
fi
if ninja -C build-fuzz >/dev/null; then
	meson test -C build-fuzz --num-processes "$jobs" --print-errorlogs --no-rebuild --suite fuzz
else
	echo "fuzz build failed"
fi

python3 tests/tally.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
	build-fuzz/meson-logs/testlog.json
