#!/bin/bash
# h8-04b-rustc-include-file-symlink-retargeted-during-compile: CLASS "changed while it compiled" (Rust, h8-04's one level down): src/lib.rs has include_bytes!("../gen/v.txt"), gen a real folder and gen/v.txt a symlink to ../v1.txt; while rustc codegens (expansion already read v1.txt) the link is replaced atomically by one to ../v2.txt, made an hour ago. The store digests the dep-info's gen/v.txt after the compile: v2.txt, whose stamps are an hour old, so changed_since() sees nothing, and no include search (check_found) looks at a dep-info's files. The crate compiled from v1.txt is keyed under v2.txt's digest.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc python3
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir src gen
printf 'MARKER_ONE_h8' > v1.txt; printf 'MARKER_TWO_h8' > v2.txt
python3 -c "
print('#[no_mangle] pub static S: [u8; 13] = *include_bytes!(\"../gen/v.txt\");')
for i in range(600):
    print(f'pub fn f{i}(x: u64) -> u64 {{ let mut s = 0u64; for k in 0..x {{ s = s.wrapping_add((k*{i}) ^ (s >> 3)); }} s + {i} }}')
" > src/lib.rs
ln -s ../v1.txt gen/v.txt
touch -d '-1 hour' v1.txt v2.txt src/lib.rs src gen; touch -h -d '-1 hour' gen/v.txt
C="$R --edition 2021 --crate-type lib --crate-name big -C opt-level=2 -C metadata=8 --emit=dep-info,metadata,link --out-dir $PWD src/lib.rs"
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
zc $R --edition 2021 --crate-type lib --crate-name warm --emit=metadata --out-dir "$T" src/lib.rs >/dev/null 2>&1  # the compiler's identity known before the timed compile
for try in 1 2 3 4; do
	zc $C & pid=$!
	sleep 0.3; ln -s ../v2.txt gen/v.tmp && mv -T gen/v.tmp gen/v.txt
	wait $pid
	grep -aq MARKER_ONE_h8 libbig.rlib && break
	ln -s ../v1.txt gen/v.tmp && mv -T gen/v.tmp gen/v.txt; rm -f libbig.rlib libbig.rmeta big.d
done
final "libbig.rlib libbig.rmeta big.d" $C
verdict
