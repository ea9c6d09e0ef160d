#!/bin/bash
# h8-07c-two-second-fs-rust-input-changed-during-compile: CLASS "changed while it compiled" on a filesystem with 2-second timestamps (h8-07's, for a dep-info input of rustc; FAT emulated by the FUSE passthrough fat2s). src/lib.rs has include_bytes!("../gen/v.txt"), gen on the 2-second filesystem; v.txt is rewritten while rustc compiles, in the odd second S.x the compile also started in, and is stamped S-1: below the one-second margin changed_since() gave a whole-second stamp, so the crate compiled from the old text was keyed under the new text's digest.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc rustc python3 pkg-config fusermount3
fat2s_mount
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir src "$T/mnt/gen"
python3 -c "
print('#[no_mangle] pub static S: [u8; 13] = *include_bytes!(\"../gen/v.txt\");')
for i in range(600):
    print(f'pub fn f{i}(x: u64) -> u64 {{ let mut s = 0u64; for k in 0..x {{ s = s.wrapping_add((k*{i}) ^ (s >> 3)); }} s + {i} }}')
" > src/lib.rs
printf 'MARKER_ONE_h8' > "$T/mnt/gen/v.txt"; touch -d '-1 hour' "$T/mnt/gen/v.txt" "$T/mnt/gen" src/lib.rs src
ln -s "$T/mnt/gen" gen
C="$R --edition 2021 --crate-type lib --crate-name big -C opt-level=2 -C metadata=8 --emit=dep-info,metadata,link --out-dir $PWD src/lib.rs"
"$BIN/zccachectl" status >/dev/null 2>&1   # the server up before the timed compile
zc $R --edition 2021 --crate-type lib --crate-name warm --emit=metadata --out-dir "$T" src/lib.rs >/dev/null 2>&1  # the compiler's identity known before the timed compile
for try in 1 2 3 4; do
	# start just after an odd second begins; rewrite v.txt 0.3 s later,
	# while rustc still compiles (expansion read it): stamped the even second before
	python3 -c 'import time; t=time.time(); s=int(t)+1; s += (s % 2 == 0); time.sleep(s + 0.02 - t)'
	zc $C & pid=$!
	sleep 0.3; printf 'MARKER_TWO_h8' > gen/v.txt
	wait $pid
	grep -aq MARKER_ONE_h8 libbig.rlib && break
	printf 'MARKER_ONE_h8' > gen/v.txt; touch -d '-1 hour' gen/v.txt; rm -f libbig.rlib libbig.rmeta big.d
done
final "libbig.rlib libbig.rmeta big.d" $C
verdict
