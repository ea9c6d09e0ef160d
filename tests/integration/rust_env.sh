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
