#!/bin/bash
# Wrong-hit traps found in review, each checked against a fresh compile:
# an entry shared by two checkouts where the second has an older file that
# shadows; a header that is itself a symlink, shadowed later; files read by
# the assembler (.incbin); the locale's encoding in diagnostics.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
fresh() { # fresh OUT ARGS...: the object a compile without zccache writes
	local out=$1
	shift
	command gcc "$@" -o "$out"
}

# 1. Two checkouts, one entry: checkout B has a stale inc/config.h that gcc
#    finds before gen/config.h. B must not get A's object.
for co in A B; do
	mkdir -p "$co/inc" "$co/gen"
	printf '#include "config.h"\nint v(void) { return V; }\n' >"$co/a.c"
	printf '#define V 1\n' >"$co/gen/config.h"
done
printf '#define V 2\n' >B/inc/config.h
touch -d '2 days ago' B/inc/config.h
(cd A && zccache gcc -Iinc -Igen -c a.c -o a.o)
(cd B && zccache gcc -Iinc -Igen -c a.c -o a.o && fresh ref.o -Iinc -Igen -c a.c)
ok "checkout B with an older shadowing header gets its own object" cmp -s B/a.o B/ref.o

# 2. A header that is a symlink, shadowed later by a new file earlier in -I.
mkdir -p S/inc S/gen S/real
printf '#include "config.h"\nint v(void) { return V; }\n' >S/a.c
printf '#define V 1\n' >S/real/config.h
ln -s ../real/config.h S/gen/config.h
(cd S && zccache gcc -Iinc -Igen -c a.c -o a.o)
sleep 1.1
printf '#define V 3\n' >S/inc/config.h
(cd S && zccache gcc -Iinc -Igen -c a.c -o a.o && fresh ref.o -Iinc -Igen -c a.c)
ok "a symlinked header shadowed later: the new object" cmp -s S/a.o S/ref.o

# 3. .incbin: the assembler reads a file no preprocessor depfile names. gcc's
# assembler names it in its own depfile (-Wa,--MD), so the blob is keyed.
printf 'AAAA' >blob.bin
printf '__asm__(".section .rodata\\n.incbin \\"blob.bin\\"\\n.text");\nint f(void){return 1;}\n' >inc.c
mark
zccache gcc -c inc.c -o inc.o
zccache gcc -c inc.c -o inc.o
deltas "a source with .incbin: a miss, then a hit" 'depend_miss=1 direct_hit=1'
printf 'BBBB' >blob.bin
mark
zccache gcc -c inc.c -o inc.o && fresh ref.o -c inc.c
deltas "the blob changed: a miss" 'depend_miss=1'
ok ".incbin: the object follows the blob" cmp -s inc.o ref.o

# 4. LC_CTYPE changes the quotes gcc prints: it is part of the key.
printf 'int f(int x) { int unused; return x; }\n' >w.c
unset LC_ALL
LC_CTYPE=C zccache gcc -Wall -c w.c -o w.o 2>c.err
LC_CTYPE=C.UTF-8 zccache gcc -Wall -c w.c -o w.o 2>utf.err
LC_CTYPE=C.UTF-8 command gcc -Wall -c w.c -o ref.o 2>ref.err
is "diagnostics under LC_CTYPE=C.UTF-8 are gcc's own" "$(cat utf.err)" "$(cat ref.err)"
ok "... and differ from the C locale's (the test can tell)" bash -c '! cmp -s c.err utf.err'
done_testing
