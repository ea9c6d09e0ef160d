#!/bin/bash
# Rust through zccache as cargo's RUSTC_WRAPPER: a workspace of two library
# crates (one with a build script writing to OUT_DIR, one reading env!) and
# a binary, built cold, then after cargo clean from the cache (the build
# script and the binary too), byte for byte as cargo builds it bare; an edit
# misses the edited crate and its dependents; warnings come back warm; cargo
# check is cached too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

. "$(dirname "$0")/rust_env.sh"

W=$T/work/ws
mkdir -p "$W/util/src" "$W/core/src" "$W/app/src"
cat >"$W/Cargo.toml" <<'EOF'
[workspace]
members = ["util", "core", "app"]
resolver = "2"
EOF
cat >"$W/util/Cargo.toml" <<'EOF'
[package]
name = "util"
version = "0.3.1"
edition = "2021"
EOF
cat >"$W/util/src/lib.rs" <<'EOF'
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub fn double(x: u32) -> u32 {
    let unused = 7;
    x * 2
}
EOF
cat >"$W/core/Cargo.toml" <<'EOF'
[package]
name = "core_lib"
version = "0.1.0"
edition = "2021"
build = "build.rs"

[dependencies]
util = { path = "../util" }
EOF
cat >"$W/core/build.rs" <<'EOF'
use std::{env, fs, path::Path};
fn main() {
    let out = env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out).join("gen.rs"), "pub fn generated() -> u32 { 40 }\n").unwrap();
    // A file written in the same clock tick (a few ms) as the compile that
    // reads it starts counts as modified during that compile, and is not
    // stored: cargo starts rustc that fast. Let the tick pass.
    std::thread::sleep(std::time::Duration::from_millis(20));
    println!("cargo:rerun-if-changed=build.rs");
}
EOF
cat >"$W/core/src/lib.rs" <<'EOF'
include!(concat!(env!("OUT_DIR"), "/gen.rs"));
pub fn answer() -> u32 { util::double(1) + generated() }
pub fn empty(s: &str) -> bool { s.len() == 0 }
EOF
cat >"$W/app/Cargo.toml" <<'EOF'
[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
core_lib = { path = "../core" }
util = { path = "../util" }
EOF
cat >"$W/app/src/main.rs" <<'EOF'
fn main() { println!("answer {} util {}", core_lib::answer(), util::VERSION); }
EOF

ms() { date +%s%3N; }

# build MODE [cargo args]: cargo in the workspace, bare or through zccache;
# its stderr in $T/cargo.err.
build() {
	local mode=$1
	shift
	if [ "$mode" = cached ]; then
		(cd "$W" && RUSTC_WRAPPER=zccache cargo "$@" 2>"$T/cargo.err")
	else
		(cd "$W" && cargo "$@" 2>"$T/cargo.err")
	fi
}

# The crates' artifacts in target/debug/deps, and the binary.
artifacts() { (cd "$W/target/debug" && ls deps/*.rlib deps/*.rmeta deps/*.d app 2>/dev/null); }
snapshot() {
	rm -rf "$T/$1" && mkdir -p "$T/$1/deps"
	for f in $(artifacts); do cp -p "$W/target/debug/$f" "$T/$1/$f"; done
}
same_as() {
	local f ok=0
	for f in $(artifacts); do
		same "$T/$1/$f" "$W/target/debug/$f" || ok=1
	done
	[ -n "$(artifacts)" ] && return $ok
}
warnings() { grep -c "unused variable" "$T/cargo.err"; }

mark
t0=$(ms)
ok "cold build succeeds" build cached build
t1=$(ms)
diag "cold cargo build through zccache: $((t1 - t0)) ms"
# util, core_lib, core_lib's build script and the app binary
is "cold: the four crates are misses" "$(($(cnt depend_miss)))" 4
is "cold: cargo shows the warning" "$(warnings)" 1
snapshot cold
is "the binary runs" "$("$W/target/debug/app")" "answer 42 util 0.3.1"

(cd "$W" && cargo clean -q)
mark
t0=$(ms)
ok "warm build succeeds" build cached build
t1=$(ms)
diag "warm cargo build (after cargo clean) through zccache: $((t1 - t0)) ms"
is "warm: the four crates are hits" "$(($(cnt direct_hit)))" 4
is "warm: nothing stored anew" "$(($(cnt depend_miss)))" 4
is "warm: cargo shows the warning again" "$(warnings)" 1
ok "warm artifacts are the cold ones, byte for byte" same_as cold
is "the binary runs warm" "$("$W/target/debug/app")" "answer 42 util 0.3.1"

(cd "$W" && cargo clean -q)
t0=$(ms)
ok "bare build succeeds" build bare build
t1=$(ms)
diag "bare cargo build: $((t1 - t0)) ms"
ok "bare artifacts are the cached ones, byte for byte" same_as cold

# An edit of util misses util and core_lib (its --extern changed); a fresh
# cargo build in place recompiles what cargo says.
(cd "$W" && cargo clean -q)
sed -i 's/x \* 2/x * 2 + 0/' "$W/util/src/lib.rs"
h0=$(cnt direct_hit) m0=$(cnt depend_miss)
ok "build after an edit of util" build cached build
is "the edit misses util and its dependents" "$(($(cnt depend_miss) - m0))" 3
is "the build script hits" "$(($(cnt direct_hit) - h0))" 1
sed -i 's/x \* 2 + 0/x * 2/' "$W/util/src/lib.rs"
(cd "$W" && cargo clean -q)
h0=$(cnt direct_hit) m0=$(cnt depend_miss)
ok "build after the edit is undone" build cached build
is "undone: all four hit again" "$(($(cnt direct_hit) - h0))" 4
is "undone: no miss" "$(($(cnt depend_miss) - m0))" 0

# cargo check: metadata only, cached as well.
(cd "$W" && cargo clean -q)
m0=$(cnt depend_miss)
ok "cold cargo check" build cached check
is "check: the crates' metadata is stored" "$(($(cnt depend_miss) - m0))" 3
(cd "$W" && cargo clean -q)
h0=$(cnt direct_hit)
t0=$(ms)
ok "warm cargo check" build cached check
t1=$(ms)
diag "warm cargo check through zccache: $((t1 - t0)) ms"
is "check: the crates and the build script hit" "$(($(cnt direct_hit) - h0))" 4
is "check: the warning shows warm" "$(warnings)" 1

# cargo clippy through RUSTC_WRAPPER: cargo runs zccache clippy-driver
# rustc ... for the workspace's crates (cargo clippy sets its own
# RUSTC_WORKSPACE_WRAPPER); clippy's warnings come back warm.
lints() { grep -v -e '^ *Finished ' -e '^ *Checking ' -e '^ *Compiling ' "$T/cargo.err"; }
if [ -x "$(rustc --print sysroot)/bin/clippy-driver" ] && cargo clippy -V >/dev/null 2>&1; then
	(cd "$W" && cargo clean -q)
	m0=$(cnt depend_miss)
	ok "cold cargo clippy" build cached clippy
	n_clippy=$(($(cnt depend_miss) - m0))
	lints >"$T/clippy.cold"
	ok "clippy's lint shows" grep -q 'length comparison to zero' "$T/clippy.cold"
	ok "clippy runs are stored" test "$n_clippy" -gt 0
	(cd "$W" && cargo clean -q)
	h0=$(cnt direct_hit) m0=$(cnt depend_miss)
	ok "warm cargo clippy" build cached clippy
	is "clippy: every stored run hits" "$(($(cnt direct_hit) - h0))" "$n_clippy"
	is "clippy: nothing stored anew" "$(($(cnt depend_miss) - m0))" 0
	ok "clippy's warnings are the same warm" cmp "$T/clippy.cold" <(lints)
else
	skip_case "cargo clippy cached" "clippy (rustup's clippy component, or Debian's) is not installed"
fi

# Unpacked split debuginfo: every crate, a library too, leaves .dwo files
# beside its rlib that no --emit names; a hit could not put them back, so
# such a build runs uncached and leaves what a bare build leaves.
dwos() { (cd "$W/target/debug/deps" && ls ./*.dwo 2>/dev/null | sed 's/-[0-9a-f]*\./-H./' | sort); }
(cd "$W" && cargo clean -q)
ok "bare build with unpacked split debuginfo" eval \
	'CARGO_PROFILE_DEV_SPLIT_DEBUGINFO=unpacked build bare build'
dwos >"$T/dwo.bare"
ok "the bare build leaves .dwo files of the libraries" grep -q util "$T/dwo.bare"
for round in cold warm; do
	(cd "$W" && cargo clean -q)
	u0=$(cnt uncacheable.extra_output)
	ok "$round build with unpacked split debuginfo" eval \
		'CARGO_PROFILE_DEV_SPLIT_DEBUGINFO=unpacked build cached build'
	ok "$round: the crates run uncached, counted" test "$(($(cnt uncacheable.extra_output) - u0))" -ge 3
	ok "$round: the .dwo files are the bare build's" cmp "$T/dwo.bare" <(dwos)
done

# What cargo itself asks (-vV, --print on stdin) runs untouched.
ok "rustc -vV through zccache" sh -c 'zccache "$(command -v rustc)" -vV | grep -q "^release:"'

done_testing
