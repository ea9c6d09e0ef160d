#!/bin/bash
# Every wrong hit the hunts found, each a script of its own in wrong_hits/
# (real gcc and clang): it exits 1 when zccache's object, depfile, stderr or
# exit status differ from the bare compiler's after the case's change, 0
# when they agree, 77 when it cannot run here. Two at a time.
. "$(dirname "$0")/lib.sh"
# lib.sh's HOME hides rustup's toolchains: without them the Rust cases
# only skip ("no toolchain rustc"). The user's own, as rust_env.sh finds.
real_home=$(getent passwd "$(id -u)" | cut -d: -f6)
[ -n "${RUSTUP_HOME:-}" ] || [ ! -d "$real_home/.rustup" ] || export RUSTUP_HOME=$real_home/.rustup

BIN=$T/bin-all
mkdir -p "$BIN"
ln -s "$SERVER" "$CTL" "$BIN/"
if [ "${WRONG_HITS_SETTLE:-0}" = 1 ]; then
	# Every case again, each call through zccache made the way a build that
	# has settled meets it: the files older than a clock tick's margin (so
	# folder listings are trusted), and a hit just before that leaves its
	# include walk to reuse (manifest.c). A change the case makes must then
	# be seen by the reused walk's check, not only by a full walk.
	printf '#!/bin/bash\nsleep 0.1\n"%s" "$@" </dev/null >/dev/null 2>&1\nexec "%s" "$@"\n' \
		"$LAUNCHER" "$LAUNCHER" >"$BIN/zccache"
	chmod +x "$BIN/zccache"
else
	ln -s "$LAUNCHER" "$BIN/"
fi
DIR=$(cd "$(dirname "$0")" && pwd)/wrong_hits

run_case() { # SCRIPT: its exit status and output in $T/results
	local name
	name=$(basename "$1" .sh)
	timeout 300 bash "$1" "$BIN" >"$T/results/$name.log" 2>&1
	echo $? >"$T/results/$name.rc"
}
export -f run_case
export BIN T
mkdir -p "$T/results"
ls "$DIR"/*.sh | xargs -P 2 -I{} bash -c 'run_case {}'

for f in "$DIR"/*.sh; do
	name=$(basename "$f" .sh)
	rc=$(cat "$T/results/$name.rc" 2>/dev/null || echo missing)
	case $rc in
	0) ok "$name" true ;;
	77) skip_case "$name" "$(tail -1 "$T/results/$name.log")" ;;
	*)
		ok "$name" false
		sed 's/^/#   /' "$T/results/$name.log" | tail -15
		;;
	esac
done
# Cases still open: reported as skips with the reason (the case's own
# second line), never as passes.
for f in "$DIR"/*.sh.open; do
	[ -e "$f" ] || continue
	skip_case "$(basename "$f" .sh.open)" "open: $(sed -n '2s/^# //p' "$f")"
done
done_testing
