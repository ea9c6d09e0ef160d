#!/bin/bash
# Adversarial cases for Rust links, with a fake rustc and a fake cc: the
# output of a bin depends on an --extern file's content, on a transitive
# rlib that only the linker reads (no --extern names it), on a native
# library found through -L, on the linker program itself; a link argument
# is never cached. Each change must miss and give the fresh output. 16
# identical links at once run once; a launcher killed between its miss and
# its store leaves nothing wrong behind; a linker without --dependency-file
# links uncached.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

# A toolchain layout: <sysroot>/bin/rustc, its driver library, its std.
SYS=$T/sysroot
STD=$SYS/lib/rustlib/x86_64-unknown-linux-gnu/lib
mkdir -p "$SYS/bin" "$STD" "$T/fakecc"
echo driver >"$SYS/lib/librustc_driver-fake.so"
echo std >"$STD/libstd-fake.rlib"
echo core >"$STD/libcore-fake.rlib"

# The fake rustc. A lib's rlib holds "rlib: PATH" for every rlib of its
# graph (its --extern ones and theirs), then a hash of its source. A link
# (bin) reads them all as a linker would, and the native libraries -l finds
# through -L, and runs the linker (cc) for its identity; it writes the
# linker's depfile when -Clink-arg=-Wl,--dependency-file=F asks.
cat >"$SYS/bin/rustc" <<'EOF'
#!/bin/bash
case "$1" in
-vV) printf 'rustc 0.0.1-fake\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 0.0.1\n'; exit 0 ;;
--print=host-tuple) echo x86_64-unknown-linux-gnu; exit 0 ;;
esac
name= type=lib out=. extra= src= ldd= externs=() nlibs=() ndirs=() largs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--crate-name) name=$2; shift ;;
	--crate-type) type=$2; shift ;;
	--out-dir) out=$2; shift ;;
	--extern) externs+=("${2#*=}"); shift ;;
	-l) nlibs+=("$2"); shift ;;
	-L) case "$2" in native=*) ndirs+=("${2#native=}") ;; esac; shift ;;
	-C) case "$2" in extra-filename=*) extra=${2#*=} ;; link-arg=*) largs+=("${2#*=}") ;; esac; shift ;;
	-Clink-arg=-Wl,--dependency-file=*) ldd=${1#-Clink-arg=-Wl,--dependency-file=} ;;
	-*) ;;
	*) src=$1 ;;
	esac
	shift
done
[ -z "${FAKE_LOG:-}" ] || echo "$name" >>"$FAKE_LOG"
sleep "${FAKE_SLEEP:-0}"
graph=()
for e in "${externs[@]}"; do
	graph+=("$e")
	while read -r _ p; do graph+=("$p"); done < <(grep '^rlib: ' "$e")
done
printf '%s%s.d: %s\n\n%s:\n' "$out/$name" "$extra" "$src" "$src" >"$out/$name$extra.d"
if [ "$type" = lib ]; then
	{
		for g in "${graph[@]}"; do echo "rlib: $g"; done
		sha256sum <"$src"
	} >"$out/lib$name$extra.rlib.tmp"
	cp "$out/lib$name$extra.rlib.tmp" "$out/lib$name$extra.rmeta"
	mv "$out/lib$name$extra.rlib.tmp" "$out/lib$name$extra.rlib"
	exit 0
fi
read=("${graph[@]}")
for l in "${nlibs[@]}"; do
	for d in "${ndirs[@]}"; do
		if [ -e "$d/lib$l.a" ]; then read+=("$d/lib$l.a"); break; fi
	done
done
{
	echo "BIN ${largs[*]}"
	sha256sum <"$src"
	for f in "${read[@]}"; do grep -v '^rlib: ' "$f" | sha256sum; done
	cc --fake-identity
} >"$out/$name$extra.tmp"
chmod 755 "$out/$name$extra.tmp"
mv "$out/$name$extra.tmp" "$out/$name$extra"
[ -z "$ldd" ] || printf '%s: %s\n' "$out/$name$extra" "${read[*]}" >"$ldd"
EOF
chmod +x "$SYS/bin/rustc"
# The fake cc: it answers for its programs, and says who it is.
cat >"$T/fakecc/cc" <<EOF
#!/bin/bash
case "\$1" in
-print-prog-name=*) echo "$T/fakecc/\${1#*=}" ;;
-print-file-name=*) echo "\${1#*=}" ;;
-Wl,--help) echo "  --dependency-file=FILE  Write dependency file" ;;
--fake-identity) echo "linker one" ;;
esac
EOF
printf '#!/bin/sh\n' >"$T/fakecc/ld"
printf '#!/bin/sh\n' >"$T/fakecc/collect2"
chmod +x "$T/fakecc/cc" "$T/fakecc/ld" "$T/fakecc/collect2"
export PATH=$T/fakecc:$PATH
RUSTC=$SYS/bin/rustc

W=$T/work
mkdir -p "$W/out" "$W/nat1" "$W/nat2"
cd "$W" || exit 1
echo 'pub fn a() {}' >a.rs
echo 'pub fn b() {}' >b.rs
echo 'fn main() {}' >main.rs
echo 'native one' >nat2/libfoo.a

lib() { zccache "$RUSTC" --crate-name "$1" --crate-type lib --emit=dep-info,metadata,link \
	-C "extra-filename=-x" --out-dir "$W/out" -L "dependency=$W/out" "${@:3}" "$2"; }
bin() { zccache "$RUSTC" --crate-name app --crate-type bin --emit=dep-info,link \
	-C extra-filename=-x --out-dir "$W/out" -L "dependency=$W/out" \
	--extern "b=$W/out/libb-x.rlib" -l foo -L "native=$W/nat1" -L "native=$W/nat2" "$@" main.rs; }
# bare: the same link without the cache, to compare with.
bare_bin() { "$RUSTC" --crate-name app --crate-type bin --emit=dep-info,link \
	-C extra-filename=-x --out-dir "$W/ref" -L "dependency=$W/out" \
	--extern "b=$W/out/libb-x.rlib" -l foo -L "native=$W/nat1" -L "native=$W/nat2" main.rs; }
# check DESC: the cached link's output is the fresh one's.
check() {
	rm -rf "$W/ref" && mkdir -p "$W/ref"
	bare_bin
	ok "$1: the output is a fresh link's" same "$W/ref/app-x" "$W/out/app-x"
}

# The graph: app -> b -> a (app names only b).
lib a a.rs
lib b b.rs --extern "a=$W/out/liba-x.rlib"
mark
ok "cold link" bin
deltas "cold link: a miss" "depend_miss=1"
check "cold"
rm -f out/app-x
ok "warm link" bin
deltas "warm link: a hit" "direct_hit=1"
check "warm"
is "the hit keeps the executable's mode" "$(stat -c %a out/app-x)" 755

# The transitive rlib: a's rlib changes, b's does not; only the linker's
# depfile names a's.
sleep 0.05
echo 'pub fn a() { let _x = 1; }' >a.rs
cp out/libb-x.rlib "$T/b.before"
lib a a.rs
ok "b's rlib is unchanged" cmp "$T/b.before" out/libb-x.rlib
mark
ok "link after a transitive rlib changed" bin
deltas "a transitive rlib's change misses" "depend_miss=1"
check "transitive"

# The direct --extern's content.
sleep 0.05
echo 'pub fn b() { let _y = 2; }' >b.rs
lib b b.rs --extern "a=$W/out/liba-x.rlib"
mark
ok "link after an --extern rlib changed" bin
deltas "an --extern's change misses" "depend_miss=1"
check "extern"

# The native library's content, and one appearing earlier in the search.
sleep 0.05
echo 'native two' >nat2/libfoo.a
mark
ok "link after a native library changed" bin
deltas "a native library's change misses" "depend_miss=1"
check "native"
echo 'native shadow' >nat1/libfoo.a
mark
ok "link after a native library appeared earlier in -L" bin
deltas "a shadowing native library misses" "depend_miss=1"
check "shadow"

# The linker program.
sleep 0.05
sed -i 's/linker one/linker two/' "$T/fakecc/cc"
mark
ok "link after the linker changed" bin
deltas "a new linker misses" "depend_miss=1"
check "linker"

# A link argument: run, never stored.
mark
ok "link with -C link-arg" bin -C link-arg=-Wl,--foo
deltas "a link argument is not cached" "uncacheable.rust_link=1"
ok "again" bin -C link-arg=-Wl,--foo
deltas "nor the second time" "uncacheable.rust_link=1"

# 16 identical links at once: each exits 0 with the right binary, and the
# cache runs the link once (the others join it).
echo 'fn main() { /* sixteen */ }' >main.rs
mark
export FAKE_LOG=$T/links.log
: >"$FAKE_LOG"
for i in $(seq 1 16); do
	(FAKE_SLEEP=2 bin; echo $? >"$T/rc$i") &
done
wait
bad=0
for i in $(seq 1 16); do [ "$(cat "$T/rc$i")" = 0 ] || bad=1; done
ok "16 concurrent identical links exit 0" test $bad = 0
is "16 concurrent identical links: the link ran once" "$(wc -l <"$FAKE_LOG")" 1
deltas "16 concurrent identical links: one miss, 15 joined hits" "depend_miss=1 direct_hit=15 joined=15"
check "16 concurrent"

# The launcher killed between its miss and its store: nothing is stored
# for it, and the next link is right.
echo 'fn main() { /* crash */ }' >main.rs
: >"$FAKE_LOG"
(FAKE_SLEEP=2 bin) &
sub=$!
wait_until 10 test -s "$FAKE_LOG"
for p in $(pgrep -P "$sub"); do kill -KILL "$p"; done
wait "$sub"
sleep 2.5
rm -f out/app-x
ok "the link after a killed one" bin
check "after a crash"
ok "and again" bin
check "again after a crash"
unset FAKE_LOG

# A static native library: rustc bundles it (into an rlib, or a link's
# objects) itself, and no depfile names it: never cached.
mark
ok "a library with -l static=foo" lib s a.rs -l static=foo -L "native=$W/nat2"
deltas "a library bundling a static native library is not cached" "uncacheable.unsupported_option=1"
ok "a link with -l static=foo" bin -l static=foo
deltas "nor a link with one" "uncacheable.unsupported_option=1"

# A linker that cannot write a depfile (gold, an old ld): the option the
# cache would add must not fail the link, so links run uncached.
sleep 0.05
sed -i '/-Wl,--help/d' "$T/fakecc/cc"
mark
ok "link with a linker without --dependency-file" bin
deltas "such a link runs uncached" "uncacheable.driver_program_unknown=1"
check "no depfile"

done_testing
