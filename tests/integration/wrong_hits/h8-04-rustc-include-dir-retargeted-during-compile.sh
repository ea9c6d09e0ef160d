#!/bin/bash
# h8-04-rustc-include-dir-retargeted-during-compile: CLASS "changed while it compiled" (Rust): src/lib.rs has include_bytes!("../gen/v.txt"), gen a symlink to gen.v1; while rustc codegens (expansion already read gen.v1/v.txt) the link is retargeted atomically to gen.v2, made an hour ago. The store digests the dep-info's gen/v.txt after the compile: gen.v2's file, whose mtime and ctime are an hour old, so changed_since() sees nothing (nothing in the path's chain is checked for identity). The crate compiled from gen.v1's text is keyed under gen.v2's digest and served to the next compile.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc python3
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir src gen.v1 gen.v2
printf 'MARKER_ONE_h8' > gen.v1/v.txt; printf 'MARKER_TWO_h8' > gen.v2/v.txt
python3 -c "
print('#[no_mangle] pub static S: [u8; 13] = *include_bytes!(\"../gen/v.txt\");')
for i in range(600):
    print(f'pub fn f{i}(x: u64) -> u64 {{ let mut s = 0u64; for k in 0..x {{ s = s.wrapping_add((k*{i}) ^ (s >> 3)); }} s + {i} }}')
" > src/lib.rs
touch -d '-1 hour' gen.v1/v.txt gen.v2/v.txt gen.v1 gen.v2 src/lib.rs src
ln -s gen.v1 gen
C="$R --edition 2021 --crate-type lib --crate-name big -C opt-level=2 -C metadata=8 --emit=dep-info,metadata,link --out-dir $PWD src/lib.rs"
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
for try in 1 2 3 4; do
	zc $C & pid=$!
	sleep 0.3; ln -s gen.v2 gen.tmp && mv -T gen.tmp gen
	wait $pid
	grep -aq MARKER_ONE_h8 libbig.rlib && break
	ln -s gen.v1 gen.tmp && mv -T gen.tmp gen; rm -f libbig.rlib libbig.rmeta big.d
done
final "libbig.rlib libbig.rmeta big.d" $C
verdict
