# rust_env.sh: sourced by the Rust tests after lib.sh: skip without cargo,
# find rustup's toolchains under the real HOME, and a cargo that reads
# nothing of the user's (no wrapper, flags, target folder or incremental).
# shellcheck shell=bash

if ! command -v cargo >/dev/null || ! command -v rustc >/dev/null; then
	echo "1..0 # SKIP cargo or rustc not installed"
	exit 0
fi
[ -n "${RUSTUP_HOME:-}" ] || export RUSTUP_HOME=$(dirname "$HOME")/.rustup
[ -d "$RUSTUP_HOME" ] || export RUSTUP_HOME=/root/.rustup
export CARGO_HOME=$T/cargo-home
# -C incremental is not cached: the build says so, as with sccache.
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never
unset RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER RUSTFLAGS CARGO_BUILD_RUSTC_WRAPPER \
	CARGO_TARGET_DIR RUSTC_LOG CARGO_ENCODED_RUSTFLAGS

# rust_artifacts DIR: every file a cargo build left in DIR/target/debug
# (rlibs, rmeta, dep-info, proc-macro .so, build scripts, their outputs and
# the binaries of $RUST_BINS) but cargo's own bookkeeping.
rust_artifacts() {
	(cd "$1/target/debug" && find deps build ${RUST_BINS:-} -type f ! -name '*.json' \
		! -name 'invoked.timestamp' ! -name 'stderr' ! -name 'root-output' \
		! -name 'output' 2>/dev/null | sort)
}
# rust_snapshot DIR NAME: a copy of DIR's artifacts in $T/NAME.
rust_snapshot() {
	rm -rf "${T:?}/$2" && mkdir -p "$T/$2"
	rust_artifacts "$1" >"$T/$2.list"
	(cd "$1/target/debug" && cp --parents -p $(cat "$T/$2.list") "$T/$2/")
}
# rust_same_as DIR NAME: DIR has NAME's artifact list, each file byte for byte.
rust_same_as() {
	local f rc=0
	rust_artifacts "$1" >"$T/now.list"
	if ! cmp -s "$T/$2.list" "$T/now.list"; then
		diag "artifact lists differ:" && diff "$T/$2.list" "$T/now.list" | head | sed 's/^/#   /'
		return 1
	fi
	for f in $(cat "$T/now.list"); do
		same "$T/$2/$f" "$1/target/debug/$f" || rc=1
	done
	[ -s "$T/now.list" ] && return $rc
}
