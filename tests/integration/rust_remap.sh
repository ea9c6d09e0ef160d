#!/bin/bash
# Two checkouts of one cargo workspace at paths of different lengths, built
# with RUSTFLAGS=--remap-path-prefix=$PWD=/src: the second is served what
# the first stored, and every artifact (rlibs, rmeta, the binary, the build
# script, the dep-info, which names the second checkout's paths) is byte for
# byte what a bare build in the second checkout writes; cargo's JSON
# messages too. A crate whose output holds its path (env!() of
# CARGO_MANIFEST_DIR kept as a string, a proc macro that embeds it) is never
# served to the other checkout, nor is one that reads OUT_DIR with env!(),
# nor one whose source names a file of the checkout by its absolute path.
# Without the map, nothing of the first checkout's workspace is served.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

. "$(dirname "$0")/rust_env.sh"

# The first checkout; the second is a copy at a longer path.
W1=$T/work/ws
mkdir -p "$W1/util/src" "$W1/gen/src" "$W1/pm/src" "$W1/usepm/src" "$W1/here/src" "$W1/app/src"
cat >"$W1/Cargo.toml" <<'EOF'
[workspace]
members = ["util", "gen", "pm", "usepm", "here", "app"]
resolver = "2"
EOF
package() { printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n%s\n' "$1" "${2:-}"; }
package util >"$W1/util/Cargo.toml"
cat >"$W1/util/src/lib.rs" <<'EOF'
pub fn double(x: u32) -> u32 {
    let unused = 7;
    if x > 1000 { panic!("too big") }
    x * 2
}
pub fn where_am_i() -> &'static str { file!() }
EOF
# A build script writing the code that env!("OUT_DIR") includes: the crate
# read a path, so it is not served to another checkout.
package gen "build = \"build.rs\"
[dependencies]
util = { path = \"../util\" }" >"$W1/gen/Cargo.toml"
cat >"$W1/gen/build.rs" <<'EOF'
fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    std::fs::write(std::path::Path::new(&out).join("gen.rs"), "pub fn generated() -> u32 { 40 }\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    println!("cargo:rerun-if-changed=build.rs");
}
EOF
cat >"$W1/gen/src/lib.rs" <<'EOF'
include!(concat!(env!("OUT_DIR"), "/gen.rs"));
pub fn answer() -> u32 { util::double(1) + generated() }
EOF
# A proc macro that reads CARGO_MANIFEST_DIR behind rustc's back (as
# rust-embed does) and embeds it: no dep-info line says so.
package pm "[lib]
proc-macro = true" >"$W1/pm/Cargo.toml"
cat >"$W1/pm/src/lib.rs" <<'EOF'
use proc_macro::TokenStream;
#[proc_macro]
pub fn manifest_dir(_: TokenStream) -> TokenStream {
    format!("{:?}", std::env::var("CARGO_MANIFEST_DIR").unwrap()).parse().unwrap()
}
EOF
package usepm "[dependencies]
pm = { path = \"../pm\" }" >"$W1/usepm/Cargo.toml"
cat >"$W1/usepm/src/lib.rs" <<'EOF'
pub fn dir() -> &'static str { pm::manifest_dir!() }
EOF
package here >"$W1/here/Cargo.toml"
cat >"$W1/here/src/lib.rs" <<'EOF'
pub const DIR: &str = env!("CARGO_MANIFEST_DIR");
EOF
package app "[dependencies]
util = { path = \"../util\" }
gen = { path = \"../gen\" }
usepm = { path = \"../usepm\" }
here = { path = \"../here\" }" >"$W1/app/Cargo.toml"
cat >"$W1/app/src/main.rs" <<'EOF'
fn main() {
    println!("{} {} {} {} {}", gen::answer(), util::where_am_i(), usepm::dir(), here::DIR,
             std::panic::Location::caller().file());
}
EOF
W2=$T/work/second-checkout/ws
mkdir -p "$(dirname "$W2")" && cp -a "$W1" "$W2"

# build DIR MODE [cargo args]: cargo in DIR with the map (MODE bare|cached),
# or without it (plain); stdout in $T/cargo.out.
build() {
	local dir=$1 mode=$2
	shift 2
	(
		cd "$dir" || exit 1
		[ "$mode" = plain ] || export RUSTFLAGS="--remap-path-prefix=$dir=/src"
		[ "$mode" = bare ] || export RUSTC_WRAPPER=zccache
		cargo "$@" >"$T/cargo.out" 2>"$T/cargo.err"
	)
}
clean() { (cd "$1" && cargo clean -q); }
RUST_BINS=app
json() { grep -v '"build-finished"' "$T/cargo.out" | sed 's/"elapsed":[0-9.]*//' | sort; }

# What each checkout's binary says, built bare: its own paths where the
# crate holds them, /src where rustc maps them.
ok "bare build of the second checkout" build "$W2" bare build --message-format=json
json >"$T/bare2.json"
rust_snapshot "$W2" bare2
expect2=$("$W2/target/debug/app")
is "the second checkout's binary names its own folder where a crate holds it" \
	"$expect2" "42 util/src/lib.rs $W2/usepm $W2/here app/src/main.rs"
clean "$W2"

ok "first checkout through zccache" build "$W1" cached build
is "the first binary names its folder" "$("$W1/target/debug/app")" \
	"42 util/src/lib.rs $W1/usepm $W1/here app/src/main.rs"
stored=$(cnt depend_miss)
embedded=$(cnt uncacheable.rust_path_embedded)
diag "first checkout: $stored stored, $embedded not stored as path-embedding"
# gen (env!("OUT_DIR")), here (env!("CARGO_MANIFEST_DIR")), usepm (the proc
# macro's string), and app, which links the last two.
is "the crates that hold their path are not stored" "$embedded" 4

h0=$(cnt direct_hit) m0=$(cnt depend_miss)
ok "second checkout through zccache" build "$W2" cached build --message-format=json
served=$(($(cnt direct_hit) - h0))
diag "second checkout: $served hits, $(($(cnt depend_miss) - m0)) stored anew"
# util (lib), pm (a proc-macro link), gen's build script (a bin link).
is "the second checkout is served every crate that does not hold its path" "$served" 3
ok "every artifact is the second checkout's bare one, byte for byte" rust_same_as "$W2" bare2
is "the binary names the second checkout" "$("$W2/target/debug/app")" "$expect2"
ok "the dep-info of a hit names the second checkout" \
	grep -q "^$W2/target/debug/deps/util-" "$W2"/target/debug/deps/util-*.d
ok "cargo's JSON messages are the bare build's" cmp "$T/bare2.json" <(json)

# Again in the second checkout: the same crates hit, the others are run
# again (never stored), the same bytes.
clean "$W2"
h0=$(cnt direct_hit) e0=$(cnt uncacheable.rust_path_embedded)
ok "second checkout again" build "$W2" cached build
is "again: the same crates hit" "$(($(cnt direct_hit) - h0))" "$served"
is "again: the path-holding crates are run, not stored" \
	"$(($(cnt uncacheable.rust_path_embedded) - e0))" 4
ok "again: the artifacts are the bare ones" rust_same_as "$W2" bare2

# Without the map every path is the checkout's: nothing of our workspace
# crosses (the registry-free workspace has no crate outside it).
clean "$W1" && clean "$W2"
ok "first checkout without the map" build "$W1" plain build
h0=$(cnt direct_hit)
ok "second checkout without the map" build "$W2" plain build
is "without the map nothing is served across checkouts" "$(($(cnt direct_hit) - h0))" 0
is "without the map the binary names its folder" "$("$W2/target/debug/app")" \
	"42 util/src/lib.rs $W2/usepm $W2/here app/src/main.rs"

# A source that names a file of its own checkout by its absolute path reads
# that same file from a copy at another path: what it read must not be
# taken as the copy's own file. The crate is not stored, and the copy's
# build reads the first checkout's file as a bare build there does.
L1=$T/work/lit
mkdir -p "$L1/src" && package lit >"$L1/Cargo.toml" && echo A >"$L1/data.txt"
printf 'fn main() { print!("{}", include_str!("%s/data.txt")); }\n' "$L1" >"$L1/src/main.rs"
L2=$T/work/second-checkout/lit
cp -a "$L1" "$L2"
e0=$(cnt uncacheable.rust_path_embedded)
ok "a checkout whose source names its own file absolutely" build "$L1" cached build
is "its binary is not stored" "$(($(cnt uncacheable.rust_path_embedded) - e0))" 1
echo B >"$L1/data.txt"
ok "the copy, after the first checkout's file changed" build "$L2" cached build
is "the copy reads the file its source names" "$("$L2/target/debug/lit")" B

# A map of the folder above two checkouts (FROM=the parent) keeps their
# names: /p/ws and /p/ws-other are in their debug info, so even util, which
# holds no path of its own, must not cross.
W3=$T/work/ws-other
cp -a "$W1" "$W3" && clean "$W1" && clean "$W3"
mapped_parent() { (cd "$1" && RUSTFLAGS="--remap-path-prefix=$(dirname "$1")=/p" \
	RUSTC_WRAPPER=zccache cargo build -q 2>/dev/null); }
ok "a checkout, the parent mapped" mapped_parent "$W1"
ok "util was stored" test "$(cnt depend_miss)" -gt 0
h0=$(cnt direct_hit)
ok "a sibling checkout, the parent mapped" mapped_parent "$W3"
is "a map of the parent shares nothing between differently named checkouts" \
	"$(($(cnt direct_hit) - h0))" 0

done_testing
