#!/bin/bash
# A source or header edited between two compiles never gets the old object
# back: another size, the same size in the same second, the same size with
# the old mtime put back, a new inode with the old mtime, versions cycling
# back and forth at full speed. Edited while the compiler runs (also A->B->A
# with the compiler reading B): that result is not stored
# (uncacheable.modified_during_compile) and the next compile is right.
# A fake gcc whose object is the digest and bytes of its inputs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

fake_gcc "$T/fakebin"
export PATH=$T/fakebin:$PATH
export FAKECC_LOG=$T/compiles.log
cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# expect_of FILE: the object the fake makes of s.c holding FILE's bytes.
expect_of() {
	cp -p s.c "$T/keep.c"
	cp "$1" s.c
	fake_expected s.c >"$1.obj"
	cp -p "$T/keep.c" s.c
}
# zc SRC: compile SRC to out.o through zccache; out.o must be SRC's object now.
zc() {
	rm -f out.o
	zccache gcc -c "$1" -o out.o && fake_ok out.o "$1"
}

printf '#include "h.h"\nint v = 1;\n' >s.c
printf '#define H 1\n' >h.h
ok "v1: right object" zc s.c
printf '#include "h.h"\nint v = 1000;\n' >s.c
ok "source grows: right object" zc s.c
deltas "two misses" "depend_miss=2"

# Same size, same second, back and forth: every compile right.
bad=0
for round in $(seq 1 12); do
	printf '#include "h.h"\nint v = %04d;\n' $((round % 3)) >s.c
	zc s.c || { diag "round $round"; bad=1; }
done
ok "12 same-size versions cycling within seconds: every object right" test $bad = 0
deltas "3 versions cycling: 3 misses then hits" "depend_miss=3 direct_hit=9"

bad=0
for round in $(seq 1 12); do
	printf '#define H %04d\n' $((round % 3)) >h.h
	zc s.c || { diag "header round $round"; bad=1; }
done
ok "12 same-size header versions cycling: every object right" test $bad = 0
deltas "3 header versions cycling: 3 misses then hits" "depend_miss=3 direct_hit=9"

# Same size, old mtime put back (same inode): ctime still moves.
printf '#define H 0000\n' >h.h
printf '#include "h.h"\nint v = 5555;\n' >s.c
touch -d '2020-01-01 00:00:00' s.c
ok "A with an old mtime: right" zc s.c
ok "A again: right" zc s.c
printf '#include "h.h"\nint v = 6666;\n' >s.c
touch -d '2020-01-01 00:00:00' s.c
ok "B, same size, same inode, the same old mtime: right" zc s.c
deltas "A miss, A hit, B miss" "depend_miss=2 direct_hit=1"
# A new inode in place, same size, same mtime.
printf '#include "h.h"\nint v = 7777;\n' >s.new
touch -d '2020-01-01 00:00:00' s.new
mv -f s.new s.c
ok "C renamed in place, same size and mtime: right" zc s.c
sleep 1.1
printf '#include "h.h"\nint v = 8888;\n' >s.new
touch -d '2020-01-01 00:00:00' s.new
mv -f s.new s.c
ok "D renamed in place a second later, same size and mtime: right" zc s.c
deltas "C and D: misses" "depend_miss=2"

# Edited while the compiler runs, after it read the inputs.
printf '#include "h.h"\nint v = 1111;\n' >s.c
: >"$FAKECC_LOG"
rm -f out.o
FAKECC_SLEEP=1.5 zccache gcc -c s.c -o out.o &
pid=$!
wait_until 10 test -s "$FAKECC_LOG"
fake_expected s.c >"$T/s.old.obj"
printf '#include "h.h"\nint v = 2222;\n' >s.c
wait "$pid"
is "edited during the compile: the compile exits 0" "$?" 0
ok "edited during the compile: the object is of what the compiler read" same out.o "$T/s.old.obj"
deltas "edited during the compile: not stored" "uncacheable.modified_during_compile=1"
ok "the next compile: the new source's object" zc s.c
deltas "the next compile: a miss" "depend_miss=1"

# The header, the same way.
printf '#include "h.h"\nint v = 1212;\n' >s.c
: >"$FAKECC_LOG"
FAKECC_SLEEP=1.5 zccache gcc -c s.c -o out.o &
pid=$!
wait_until 10 test -s "$FAKECC_LOG"
printf '#define H 9999\n' >h.h
wait "$pid"
deltas "header edited during a compile: not stored" "uncacheable.modified_during_compile=1"
ok "the next compile: the new header's object" zc s.c
deltas "after the header edit: a miss" "depend_miss=1"

# A -> B -> A: the compiler reads B; the source is A again at the store.
printf '#include "h.h"\nint v = 3333;\n' >s.c
cp s.c "$T/A.c"
printf '#include "h.h"\nint v = 4444;\n' >"$T/B.c"
expect_of "$T/B.c"
: >"$FAKECC_LOG"
rm -f out.o
FAKECC_PRE=1 FAKECC_SLEEP=1 zccache gcc -c s.c -o out.o &
pid=$!
sleep 0.3
cp "$T/B.c" s.c
wait_until 10 test -s "$FAKECC_LOG"
cp "$T/A.c" s.c
wait "$pid"
ok "A->B->A: this compile's object is B's, what the compiler read" same out.o "$T/B.c.obj"
deltas "A->B->A: not stored" "uncacheable.modified_during_compile=1"
ok "A->B->A: the next compile of A gives A's object" zc s.c
ok "A->B->A: and again" zc s.c
deltas "A->B->A: then a miss and a hit" "depend_miss=1 direct_hit=1"

# The same with the mtime put back as well: ctime still tells.
: >"$FAKECC_LOG"
printf '#include "h.h"\nint v = 5353;\n' >s.c
touch -d '2020-01-01 00:00:00' s.c
cp -p s.c "$T/A2.c"
rm -f out.o
FAKECC_PRE=1 FAKECC_SLEEP=1 zccache gcc -c s.c -o out.o &
pid=$!
sleep 0.3
printf '#include "h.h"\nint v = 5454;\n' >s.c
cp s.c "$T/B2.c"
fake_expected s.c >"$T/B2.c.obj"
touch -d '2020-01-01 00:00:00' s.c
wait_until 10 test -s "$FAKECC_LOG"
cat "$T/A2.c" >s.c
touch -d '2020-01-01 00:00:00' s.c
wait "$pid"
ok "A->B->A with old mtimes: this compile's object is B's" same out.o "$T/B2.c.obj"
ok "A->B->A with old mtimes: the next compile of A gives A's object" zc s.c
done_testing
