#!/bin/bash
# Rust on a real workspace, offline: three crates of our own (a serde derive
# model, a codec with a build script over serde_json, a bin) on Debian's
# vendored crates (/usr/share/cargo/registry: serde, serde_derive and its
# proc-macro stack, serde_json, each with build scripts of their own).
# Cold through zccache, cargo clean, warm: the share of rustc invocations
# that hit, every artifact byte for byte as an uncached build at the same
# path writes it, the binary runs; an edit misses exactly its dependents; a
# feature, RUSTFLAGS or env!() change misses; warnings (human and JSON) are
# the same warm; a failing crate's errors and exit code are the same and
# never cached.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

. "$(dirname "$0")/rust_env.sh"

REG=/usr/share/cargo/registry
if ! [ -d "$REG/serde_derive-1.0.152" ] || ! [ -d "$REG/serde_json-1.0.87" ]; then
	echo "1..0 # SKIP librust-serde-derive-dev and librust-serde-json-dev not installed (tests/setup.sh)"
	exit 0
fi
unset ZC_GREETING

W=$T/work/ws
mkdir -p "$W/.cargo" "$W/model/src" "$W/codec/src" "$W/app/src" "$W/broken/src"
cat >"$W/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "$REG"
[net]
offline = true
EOF
cat >"$W/Cargo.toml" <<'EOF'
[workspace]
members = ["model", "codec", "app", "greet", "broken"]
default-members = ["model", "codec", "app", "greet"]
resolver = "2"
EOF
cat >"$W/model/Cargo.toml" <<'EOF'
[package]
name = "model"
version = "0.2.0"
edition = "2021"

[features]
extra = []

[dependencies]
serde = { version = "1", features = ["derive"] }
EOF
cat >"$W/model/src/lib.rs" <<'EOF'
use serde::{Deserialize, Serialize};
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Point { pub x: i64, pub y: i64 }
pub fn origin() -> Point {
    let unused = 3;
    Point { x: 0, y: 0 }
}
#[cfg(feature = "extra")]
pub fn extra() -> &'static str { "extra" }
#[cfg(not(feature = "extra"))]
pub fn extra() -> &'static str { "plain" }
EOF
cat >"$W/codec/Cargo.toml" <<'EOF'
[package]
name = "codec"
version = "0.1.0"
edition = "2021"
build = "build.rs"

[dependencies]
model = { path = "../model" }
serde_json = "1"
EOF
cat >"$W/codec/build.rs" <<'EOF'
use std::{env, fs, path::Path};
fn main() {
    let out = env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out).join("tag.rs"), "pub const TAG: &str = \"v1\";\n").unwrap();
    // Past the clock tick of the write: cargo starts rustc at once.
    std::thread::sleep(std::time::Duration::from_millis(20));
    println!("cargo:rerun-if-changed=build.rs");
}
EOF
cat >"$W/codec/src/lib.rs" <<'EOF'
include!(concat!(env!("OUT_DIR"), "/tag.rs"));
pub fn encode(p: &model::Point) -> String { serde_json::to_string(p).unwrap() }
pub fn decode(s: &str) -> model::Point { serde_json::from_str(s).unwrap() }
EOF
cat >"$W/app/Cargo.toml" <<'EOF'
[dependencies]
codec = { path = "../codec" }
model = { path = "../model" }

[package]
name = "app"
version = "0.1.0"
edition = "2021"
EOF
cat >"$W/app/src/main.rs" <<'EOF'
fn main() {
    let p = model::Point { x: 1, y: 2 };
    let s = codec::encode(&p);
    assert_eq!(codec::decode(&s), p);
    println!("{} {} model {} {}", s, codec::TAG, model::VERSION, model::extra());
}
EOF
mkdir -p "$W/greet/src"
cat >"$W/greet/Cargo.toml" <<'EOF'
[package]
name = "greet"
version = "0.1.0"
edition = "2021"
EOF
cat >"$W/greet/src/main.rs" <<'EOF'
fn main() { println!("{:?}", option_env!("ZC_GREETING")); }
EOF
cat >"$W/broken/Cargo.toml" <<'EOF'
[package]
name = "broken"
version = "0.1.0"
edition = "2021"

[dependencies]
model = { path = "../model" }
EOF
cat >"$W/broken/src/lib.rs" <<'EOF'
pub fn bad() -> u32 { let unused = 1; model::origin() }
EOF

# build MODE [cargo args]: cargo in the workspace, bare or through zccache;
# stdout in $T/cargo.out, stderr (without the timing line) in $T/cargo.err.
build() {
	local mode=$1 rc
	shift
	if [ "$mode" = cached ]; then
		(cd "$W" && RUSTC_WRAPPER=zccache cargo "$@" >"$T/cargo.out" 2>"$T/cargo.raw")
	else
		(cd "$W" && cargo "$@" >"$T/cargo.out" 2>"$T/cargo.raw")
	fi
	rc=$?
	# Cargo's progress lines come in the order of a parallel schedule.
	grep -v -e '^ *Finished ' -e '^ *Compiling ' "$T/cargo.raw" >"$T/cargo.err"
	return $rc
}
clean() { (cd "$W" && cargo clean -q); }

RUST_BINS="app greet"
snapshot() { rust_snapshot "$W" "$1"; }
same_as() { rust_same_as "$W" "$1"; }
# The rustc invocations of a build: compile requests minus cargo's
# questions (-vV, --print, the stdin probe).
invocations() { echo $(($(cnt requests.compile) - $(cnt uncacheable.print_only) - $(cnt uncacheable.stdin_source))); }
hits() { cnt direct_hit; }
misses() { cnt depend_miss; }

EXPECT='{"x":1,"y":2} v1 model 0.2.0 plain'

# An uncached build at the same path: the reference.
ok "bare build" build bare build
snapshot bare
is "the bare binary runs" "$("$W/target/debug/app")" "$EXPECT"
clean

i0=$(invocations) m0=$(misses)
ok "cold build through zccache" build cached build
cp "$T/cargo.err" "$T/cold.err"
n_rustc=$(($(invocations) - i0)) n_cached=$(($(misses) - m0))
diag "cold: $n_rustc rustc invocations, $n_cached stored"
ok "cold artifacts are the bare ones, byte for byte" same_as bare
is "the binary runs" "$("$W/target/debug/app")" "$EXPECT"
ok "the binary's mode is bare's" test "$(stat -c %a "$W/target/debug/app")" = "$(stat -c %a "$T/bare/app")"
is "cold: cargo shows the warning" "$(grep -c 'unused variable' "$T/cold.err")" 1

clean
i0=$(invocations) h0=$(hits) m0=$(misses)
ok "warm build through zccache" build cached build
n_hit=$(($(hits) - h0))
is "warm: nothing stored anew" "$(($(misses) - m0))" 0
is "warm: everything stored cold hits" "$n_hit" "$n_cached"
is "warm: as many rustc invocations as cold" "$(($(invocations) - i0))" "$n_rustc"
share=$((100 * n_hit / n_rustc))
diag "warm: $n_hit of $n_rustc rustc invocations hit ($share %)"
ok "warm: at least ${MIN_SHARE:=90} % of the rustc invocations hit" test "$share" -ge "$MIN_SHARE"
ok "warm artifacts are the bare ones, byte for byte" same_as bare
is "the binary runs warm" "$("$W/target/debug/app")" "$EXPECT"
ok "warm: cargo's output is the cold one" cmp "$T/cold.err" "$T/cargo.err"

# JSON messages (rendered diagnostics, artifact paths) cold and warm.
clean
ok "cold JSON build" build cached build --message-format=json
grep -v '"build-finished"' "$T/cargo.out" | sort >"$T/cold.json"
clean
h0=$(hits)
ok "warm JSON build" build cached build --message-format=json
grep -v '"build-finished"' "$T/cargo.out" | sort >"$T/warm.json"
is "warm JSON: all hits" "$(($(hits) - h0))" "$n_cached"
ok "warm JSON: cargo's messages are the cold ones" cmp "$T/cold.json" "$T/warm.json"
ok "the JSON carries the warning" grep -q 'unused variable' "$T/warm.json"

# A dependency's edit: exactly model and what depends on it miss.
clean
sed -i 's/x: 0, y: 0/x: 0, y: 0 + 0/' "$W/model/src/lib.rs"
h0=$(hits) m0=$(misses)
ok "build after an edit of model" build cached build
edit_miss=$(($(misses) - m0)) edit_hit=$(($(hits) - h0))
diag "after the edit: $edit_miss misses, $edit_hit hits"
is "the edit misses model and its dependents (model, codec, app)" "$edit_miss" 3
is "everything else hits" "$((edit_hit + edit_miss))" "$n_cached"
is "the binary runs after the edit" "$("$W/target/debug/app")" "$EXPECT"
sed -i 's/x: 0, y: 0 + 0/x: 0, y: 0/' "$W/model/src/lib.rs"
(cd "$W" && cargo clean -q -p model -p codec -p app)
h0=$(hits) m0=$(misses)
ok "edit undone" build cached build
is "undone: no miss" "$(($(misses) - m0))" 0
ok "undone: the edited crates hit again" test "$(($(hits) - h0))" -ge "$edit_miss"
ok "undone: the artifacts are the bare ones" same_as bare

# A feature of our own crate: model and its dependents miss, the binary says so.
h0=$(hits) m0=$(misses)
ok "build with a feature" build cached build --features model/extra
is "the feature misses the crates it reaches" "$(($(misses) - m0))" "$edit_miss"
is "the binary sees the feature" "$("$W/target/debug/app")" "${EXPECT/plain/extra}"
# RUSTFLAGS: every crate misses.
h0=$(hits) m0=$(misses)
ok "build with RUSTFLAGS" eval 'RUSTFLAGS="--cfg zc_flag" build cached build'
is "RUSTFLAGS: nothing hits" "$(($(hits) - h0))" 0
is "RUSTFLAGS: everything cached misses" "$(($(misses) - m0))" "$n_cached"

# env!(): the version cargo passes changes; option_env!() of a variable of
# our own is never served from the cache.
sed -i 's/^version = "0.2.0"/version = "0.2.1"/' "$W/model/Cargo.toml"
h0=$(hits) m0=$(misses)
ok "build after a version bump" build cached build
ok "the bump misses model and its dependents" test "$(($(misses) - m0))" -ge 2
is "the binary sees the new version" "$("$W/target/debug/app")" "${EXPECT/0.2.0/0.2.1}"
sed -i 's/^version = "0.2.1"/version = "0.2.0"/' "$W/model/Cargo.toml"
u0=$(cnt uncacheable.env_dependency)
ok "build with ZC_GREETING" eval 'ZC_GREETING=hi build cached build'
is "the binary sees ZC_GREETING" "$("$W/target/debug/greet")" 'Some("hi")'
ok "a crate reading ZC_GREETING is not stored" test "$(cnt uncacheable.env_dependency)" -gt "$u0"
ok "build with ZC_GREETING changed" eval 'ZC_GREETING=ho build cached build'
is "the binary sees the change" "$("$W/target/debug/greet")" 'Some("ho")'

# A failing crate: errors and exit code the same each time, never stored.
# What cargo prints from broken's compile on.
broken_err() { sed -n '/Compiling broken/,$p' "$T/cargo.raw" | grep -v '^ *Finished '; }
build bare build -p broken
bare_rc=$?
broken_err >"$T/bare_broken.err"
f0=$(cnt compile_failed) h0=$(hits)
build cached build -p broken
is "failing crate: exit code as bare" "$?" "$bare_rc"
ok "failing crate: errors as bare" cmp "$T/bare_broken.err" <(broken_err)
build cached build -p broken
is "failing crate again: exit code as bare" "$?" "$bare_rc"
ok "failing crate again: errors as bare" cmp "$T/bare_broken.err" <(broken_err)
ok "the bare failure exits 101" test "$bare_rc" = 101
is "the failures were run, not served" "$(($(cnt compile_failed) - f0))" 2
ok "the failure shows the error" grep -q 'mismatched types' "$T/cargo.err"

# A second checkout at another path: its artifacts embed its own paths
# (dep-info, debug info), so nothing of the first is served to it, and
# what it builds is what a bare build there writes.
W2=$T/work/ws2
cp -a "$W" "$W2" && rm -rf "$W2/target"
(cd "$W2" && cargo build -q 2>/dev/null) && cp "$W2/target/debug/app" "$T/app2.bare" &&
	cp "$W2/target/debug/deps/"model-*.d "$T/model2.d.bare"
(cd "$W2" && cargo clean -q)
h0=$(hits)
ok "second checkout builds through zccache" eval '(cd "$W2" && RUSTC_WRAPPER=zccache cargo build -q 2>/dev/null)'
is "second checkout: nothing of the first is served" "$(($(hits) - h0))" 0
ok "second checkout: the binary is its bare one" same "$T/app2.bare" "$W2/target/debug/app"
ok "second checkout: the dep-info names its own paths" same "$T/model2.d.bare" "$(ls "$W2"/target/debug/deps/model-*.d)"
rm -rf "$W2"

# cargo check then cargo build: both cached, the build is the bare one.
clean
m0=$(misses)
ok "cargo check" build cached check
ok "cargo check stored its crates" test "$(($(misses) - m0))" -gt 0
ok "cargo build after check" build cached build
ok "after check: the binary is the bare one" same "$T/bare/app" "$W/target/debug/app"

done_testing
