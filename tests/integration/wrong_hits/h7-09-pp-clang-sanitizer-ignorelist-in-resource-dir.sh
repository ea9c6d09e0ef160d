#!/bin/bash
# h7-09-pp-clang-sanitizer-ignorelist-in-resource-dir: CLASS preprocessor mode keys no file the compile read beyond the -E text: clang -fsanitize=address reads <resource-dir>/share/asan_ignorelist.txt (its depfile names it; the direct mode keys it), the -E text does not show it: a function added to it keeps the key, the hit's object is still instrumented
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need clang
RD=$(clang -print-resource-dir 2>/dev/null)
[ -f "$RD/share/asan_ignorelist.txt" ] || { echo "SKIP: no asan_ignorelist.txt"; exit 77; }
mkdir -p rd/share
for f in "$RD"/*; do [ "$(basename "$f")" = share ] || ln -s "$f" rd/; done
cp "$RD/share/asan_ignorelist.txt" rd/share/
printf '#define HDR "probed.h"\n#if __has_include(HDR)\n#endif\nint f(int *p) { return *p; }\n' > a.c
C="clang -resource-dir $T/w/rd -fsanitize=address -O1 -c a.c -o a.o"
warm a.o $C
sleep 1.1; printf 'fun:f\n' >> rd/share/asan_ignorelist.txt
final a.o $C
verdict
