#!/bin/bash
# Clocks and files that move under the cache. Never a stale hit when: a
# source or header carries an mtime in the future and is edited keeping its
# size and that same mtime (over and over); an include folder gets a new,
# shadowing header and its mtime is put back (as tar, rsync -t or a restore
# of mtimes do); a header is replaced by a symlink to other content, or its
# symlink (or a symlinked folder) is pointed elsewhere. A source deleted
# during the compile: the build sees the compiler's own exit status and
# nothing is stored; a compiler that deletes its input; a real gcc racing a
# loop that deletes and rewrites the source. Real gcc compared with gcc run
# directly; a fake gcc where the timing matters.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"
. "$(dirname "$0")/fslib.sh"

require_gcc "clock and file races"
cd "$T/work" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# zcr ARGS...: gcc -c ARGS through zccache and directly; the objects equal.
zcr() {
	rm -f out.o ref.o
	gcc -c "$@" -o ref.o || { diag "gcc itself failed"; return 1; }
	zccache gcc -c "$@" -o out.o || { diag "the compile through zccache failed"; return 1; }
	same ref.o out.o
}
FUTURE=$(date -d '+1 day' '+%Y-%m-%d %H:%M:%S')
PAST='2020-01-01 00:00:00'

# ---- mtimes in the future ------------------------------------------------------------
mkdir -p fut && cd fut || exit 1
printf '#include "h.h"\nint v = V;\n' >s.c
printf '#define V 1000\n' >h.h
ok "future: first compile (normal mtimes), right" zcr s.c
ok "future: a hit, right" zcr s.c
deltas "future: a miss then a hit" "depend_miss=1 direct_hit=1"
# future_edits FILE FORMAT: 15 rounds of FILE rewritten from FORMAT (same
# size, three contents in turn) with the same future mtime, each compiled.
future_edits() {
	local round bad=0
	for round in $(seq 1 15); do
		# shellcheck disable=SC2059 # the format is the test's own
		printf "$2" $((round % 3)) >"$1"
		touch -d "$FUTURE" "$1"
		zcr s.c || { diag "$1, round $round"; bad=1; }
	done
	return $bad
}
ok "header edited 15 times, same size, the same future mtime: every object right" \
	future_edits h.h '#define V %04d\n'
ok "source edited 15 times, same size, the same future mtime: every object right" \
	future_edits s.c '#include "h.h"\nint v = V + %d;\n'
# A file from the future is not trusted, so its compiles are not stored.
n=$(cnt uncacheable.modified_during_compile)
diag "future mtimes: $n compiles not stored (modified_during_compile)"
touch -d "$PAST" s.c h.h
ok "back to a past mtime: right" zcr s.c
ok "... and then a hit, right" zcr s.c
cd .. || exit 1

# ---- a shadowing header, its folder's mtime put back -----------------------------------
mkdir -p sh/inc1 sh/inc2 && cd sh || exit 1
printf '#include "x.h"\nint v = X;\n' >s.c
printf '#define X 2\n' >inc2/x.h
touch -d "$PAST" inc1 inc2 inc2/x.h s.c
mark
ok "shadow: first compile, right" zcr -Iinc1 -Iinc2 s.c
ok "shadow: a hit, right" zcr -Iinc1 -Iinc2 s.c
deltas "shadow: a miss then a hit" "depend_miss=1 direct_hit=1"
printf '#define X 1\n' >inc1/x.h
touch -d "$PAST" inc1/x.h inc1
ok "x.h created in the earlier folder, the folder's mtime put back: right" \
	zcr -Iinc1 -Iinc2 s.c
ok "... and again" zcr -Iinc1 -Iinc2 s.c
rm inc1/x.h
touch -d "$PAST" inc1
ok "removed again, the mtime put back: the first result, right" zcr -Iinc1 -Iinc2 s.c
# The same with folders in the future.
touch -d "$FUTURE" inc1 inc2
ok "folders in the future: right" zcr -Iinc1 -Iinc2 s.c
printf '#define X 3\n' >inc1/x.h
touch -d "$FUTURE" inc1
ok "x.h created in a folder from the future, its mtime put back: right" \
	zcr -Iinc1 -Iinc2 s.c
cd .. || exit 1

# ---- a header replaced by a symlink; symlinks pointed elsewhere --------------------------
mkdir -p ln/inc ln/other ln/dirA ln/dirB && cd ln || exit 1
printf '#include "h.h"\n#include "d/k.h"\nint v = H + K;\n' >s.c
printf '#define H 1111\n' >inc/h.h
printf '#define H 2222\n' >other/h2.h
printf '#define H 3333\n' >other/h3.h
printf '#define K 10\n' >dirA/k.h
printf '#define K 20\n' >dirB/k.h
ln -s ../dirA inc/d
touch -d "$PAST" inc/h.h other/h2.h other/h3.h dirA/k.h dirB/k.h s.c
mark
ok "symlink: a regular header, right" zcr -Iinc s.c
ok "... a hit, right" zcr -Iinc s.c
deltas "symlink: a miss then a hit" "depend_miss=1 direct_hit=1"
rm inc/h.h
ln -s ../other/h2.h inc/h.h
ok "the header replaced by a symlink to other content (same size, old mtime): right" \
	zcr -Iinc s.c
ok "... again, right" zcr -Iinc s.c
ln -sfn ../other/h3.h inc/h.h
ok "the symlink pointed at a third file: right" zcr -Iinc s.c
ln -sfn ../other/h2.h inc/h.h
ok "pointed back: right" zcr -Iinc s.c
ln -sfn ../dirB inc/d
ok "a symlinked folder pointed at another folder: right" zcr -Iinc s.c
ln -sfn ../dirA inc/d
ok "... and back: right" zcr -Iinc s.c
printf '#define H 4444\n' >other/h2.h
touch -d "$PAST" other/h2.h
ok "the symlink's target edited in place, same size, old mtime: right" zcr -Iinc s.c
bad=0
for round in $(seq 1 12); do
	case $((round % 3)) in
	0) ln -sfn ../other/h2.h inc/h.h ;;
	1) ln -sfn ../other/h3.h inc/h.h ;;
	2) rm -f inc/h.h && printf '#define H 5555\n' >inc/h.h && touch -d "$PAST" inc/h.h ;;
	esac
	zcr -Iinc s.c || { diag "symlink round $round"; bad=1; }
done
ok "12 rounds of symlink, other symlink, regular file: every object right" test $bad = 0
cd .. || exit 1

# ---- a source deleted during the compile ---------------------------------------------------
fake_gcc "$T/fakebin"
export FAKECC_LOG=$T/compiles.log
# zcf SRC OUT: SRC through zccache and the fake gcc; OUT is SRC's object now.
zcf() { PATH=$T/fakebin:$PATH zccache gcc -c "$1" -o "$2" && fake_ok "$2" "$1"; }
mkdir -p del && cd del || exit 1
printf 'int deleted = 1;\n' >s.c
fake_expected s.c >"$T/s1.obj"
: >"$FAKECC_LOG"
mark
rm -f out.o
PATH=$T/fakebin:$PATH FAKECC_SLEEP=1 zccache gcc -c s.c -o out.o &
pid=$!
wait_until 10 test -s "$FAKECC_LOG"
rm -f s.c
wait "$pid"
is "source deleted while compiling: the build sees the compiler's status (0)" "$?" 0
ok "... the object is what the compiler made" same out.o "$T/s1.obj"
deltas "... nothing stored" "uncacheable.missing_include=1"
PATH=$T/fakebin:$PATH zccache gcc -c s.c -o out.o 2>/dev/null
is "the next compile, the source gone: the compiler's failure (1)" "$?" 1
printf 'int deleted = 2;\n' >s.c
ok "the source back with other content: its object" zcf s.c out.o
# Deleted and written again with other content while the compiler runs.
printf 'int deleted = 3;\n' >s.c
fake_expected s.c >"$T/s3.obj"
: >"$FAKECC_LOG"
mark
PATH=$T/fakebin:$PATH FAKECC_SLEEP=1 zccache gcc -c s.c -o out.o &
pid=$!
wait_until 10 test -s "$FAKECC_LOG"
rm -f s.c
printf 'int deleted = 4;\n' >s.c
wait "$pid"
is "deleted and rewritten during the compile: exit 0" "$?" 0
ok "... the object is of what the compiler read" same out.o "$T/s3.obj"
deltas "... not stored" "uncacheable.modified_during_compile=1"
ok "the next compile: the new content's object" zcf s.c out.o

# A compiler that deletes its own input while compiling, then succeeds or fails.
mkdir -p "$T/eater"
cat >"$T/eater/gcc" <<EOF
#!/bin/bash
case "\$1" in -*version|-dump*|-print*|-E) exec "$T/fakebin/gcc" "\$@" ;; esac
for a in "\$@"; do case \$a in *.c) src=\$a ;; esac; done
"$T/fakebin/gcc" "\$@" || exit \$?
rm -f "\$src"
exit \${EATER_EXIT:-0}
EOF
chmod +x "$T/eater/gcc"
for want in 0 1 3; do
	printf 'int eaten = %d;\n' "$want" >e.c
	mark
	PATH=$T/eater:$PATH EATER_EXIT=$want zccache gcc -c e.c -o e.o
	is "a compiler that deletes its input and exits $want: the build sees $want" "$?" "$want"
	if [ "$want" = 0 ]; then
		deltas "... nothing stored" "uncacheable.missing_include=1"
	else
		deltas "... counted as a failed compile" "compile_failed=1"
	fi
done
printf 'int eaten = 9;\n' >e.c
ok "the input back: the plain fake compiles it right" zcf e.c e.o
cd .. || exit 1

# ---- real gcc racing a loop that deletes and rewrites the source -------------------------
mkdir -p race && cd race || exit 1
printf 'int race_a(void) { return 1; }\n' >A.c
printf 'int race_b(void) { return 22; }\n' >B.c
cp A.c s.c && gcc -c s.c -o refA.o
cp B.c s.c && gcc -c s.c -o refB.o
(
	while [ ! -e stop ]; do
		cp A.c s.tmp && mv -f s.tmp s.c
		sleep 0.01
		rm -f s.c
		sleep 0.01
		cp B.c s.tmp && mv -f s.tmp s.c
		sleep 0.01
	done
) &
loop=$!
on_exit "touch '$PWD/stop'; kill $loop"
bad=0 okc=0 failc=0
for i in $(seq 1 40); do
	rm -f out.o
	if zccache gcc -c s.c -o out.o 2>/dev/null; then
		okc=$((okc + 1))
		cmp -s out.o refA.o || cmp -s out.o refB.o || { diag "race $i: neither A nor B"; bad=1; }
	else
		failc=$((failc + 1))
	fi
done
touch stop
wait "$loop"
diag "race: $okc compiles succeeded, $failc met the source deleted"
ok "40 compiles racing deletes and rewrites: every object one of the two versions" test $bad = 0
for v in A B A B; do
	cp "$v.c" s.tmp && mv -f s.tmp s.c
	ok "after the race, version $v: its own object" zcr s.c
done
cd .. || exit 1
ok "the server is alive" server_alive
done_testing
