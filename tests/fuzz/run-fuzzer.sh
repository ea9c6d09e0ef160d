#!/bin/bash
# Run one libFuzzer harness as a TAP test: ZCCACHE_FUZZ_SECONDS (default 60)
# of fuzzing that starts from the committed corpus. New inputs go to a
# scratch folder, never into the tree. A crash, leak, sanitizer report or
# timeout fails the test and is printed in base64, so that the CI log alone
# is enough to reproduce it (README.md says how).
#   run-fuzzer.sh FUZZER CORPUS_DIR
set -uo pipefail
fuzzer=$1
corpus=$2
name=$(basename "$fuzzer")
secs=${ZCCACHE_FUZZ_SECONDS:-60}
dict=$(dirname "$corpus")/../$(basename "$corpus").dict

echo "1..1"
if ! [[ $secs =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "not ok 1 - $name: ZCCACHE_FUZZ_SECONDS must be a whole number of seconds, not '$secs'"
	exit 1
fi
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
	echo "not ok 1 - $name: no seed corpus in $corpus"
	exit 1
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/new" "$scratch/tmp"
# The harnesses' own scratch folders go in here too, even when one crashes.
export TMPDIR=$scratch/tmp

args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
	-artifact_prefix="$scratch/")
[ -f "$dict" ] && args+=(-dict="$dict")
# Leaks count as crashes; UBSan reports abort (the build has no recovery).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The harness's own bound is -max_total_time; this one catches a fuzzer
# that stops honouring it (a hang outside an input).
timeout -k 10 $((secs + 300)) "$fuzzer" "${args[@]}" "$scratch/new" "$corpus" >"$scratch/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log")
found=$(find "$scratch/new" -type f | wc -l)
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - $name: ${runs:-?} inputs in ${secs} s, $found new in coverage, no crash"
	exit 0
fi
echo "not ok 1 - $name: exit status $rc after ${runs:-?} inputs"
# The report without libFuzzer's progress lines and its own stack frames.
grep -v -e '^#[0-9]' -e '^INFO:' -e 'NEW_FUNC' -e ' in fuzzer::' -e '^MS:' "$scratch/log" |
	tail -n 60 | sed 's/^/# /'
for f in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* "$scratch"/oom-*; do
	[ -f "$f" ] || continue
	echo "# $(basename "$f") ($(stat -c %s "$f") bytes), base64:"
	base64 -w 76 "$f" | head -c 20000 | sed 's/^/#   /'
done
exit 1
