#!/bin/bash
# h8-05-pp-header-swapped-between-E-and-compile: CLASS preprocessor mode, "changed while it compiled": the key is the -E's text, run before the compile. gen is a symlink to gen.v1 when the -E reads gen/h.h; the compile (slowed, like the -E, by a macro expanded to 2^21 tokens in an #if before the #include; the compile starts after the -E ended) reads it after gen was retargeted to gen.v2, made an hour ago. The store's changed_since() looks at gen/h.h's stamps, which are old, and nothing compares what the compile read with what the -E read, so the object compiled from gen.v2 is kept under the key of gen.v1's text. When gen points to gen.v1 again (a configuration switched back), the hit serves gen.v2's object.
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc objdump python3
python3 -c "
print('#define A0 1')
for i in range(1, 22): print(f'#define A{i} (A{i-1}+A{i-1})')
print('#if A21 > 0')
print('#endif')
" > heavy.h
printf '#include "probe.h"\n#include "heavy.h"\n#include "gen/h.h"\nint v = V;\n' > t.c
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\n' > probe.h
mkdir gen.v0 gen.v1 gen.v2
for i in 0 1 2; do printf '#define V %d\n' $i > gen.v$i/h.h; done
touch -d '-1 hour' gen.v*/h.h gen.v* t.c probe.h heavy.h
ln -s gen.v0 gen
F="-O2"
# when the -E has read gen/h.h and the compile not yet: its time to reach the #include, about 1.5 times
gcc -E t.c -o /dev/null; t0=$(date +%s%N); gcc -E t.c -o /dev/null; t1=$(date +%s%N)
SWAP=$(( (t1 - t0) * 3 / 2 / 1000000 ))
zc gcc $F -c t.c -o t.o  # learns the route (the probe is in a header), with gen.v0
rm -f t.o
retarget() { ln -s "$1" gen.tmp && mv -T gen.tmp gen; }
v_of() { objdump -s -j .data t.o 2>/dev/null | sed -n 's/^ 0000 \(........\).*/\1/p'; }
for try in 1 2 3; do
	retarget gen.v1
	zc gcc $F -c t.c -o t.o & pid=$!
	sleep $(printf '%d.%03d' $((SWAP / 1000)) $((SWAP % 1000))); retarget gen.v2
	wait $pid
	echo "try $try: v=$(v_of)"
	[ "$(v_of)" = 02000000 ] && break   # compiled gen.v2 after an -E of gen.v1
	rm -f t.o
	# a fresh key for the next try: the -E text must differ from the last store
	F="$F -DTRY$try"
done
retarget gen.v1
final t.o gcc $F -c t.c -o t.o
verdict
