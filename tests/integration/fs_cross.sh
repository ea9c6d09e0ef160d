#!/bin/bash
# The cache on one filesystem, the build tree on another (a tmpfs): hits
# write whole objects and depfiles there, over bigger stale files too, with
# the mode a compiler gives them (not the server's umask 077). Then the
# build tree full, or read-only, or an output folder missing: a hit cannot
# be written, so the compile runs and fails exactly as it would without the
# cache (same exit status, no partial object left), the cached entry is kept
# (error.output_write, not a damaged entry), and once the tree is usable
# again every compile is a hit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"
. "$(dirname "$0")/fslib.sh"

require_gcc "build tree on another filesystem"
P=$T/work/tree
small=1
if ! mount_tmpfs "$P" 8m; then
	# No mount allowed: /dev/shm is a tmpfs of its own on most machines,
	# too big to fill though.
	small=0
	if [ "$(stat -c %d /dev/shm 2>/dev/null)" != "$(stat -c %d "$T")" ] &&
		P=$(mktemp -d /dev/shm/zcit.XXXXXX); then
		on_exit "rm -rf '$P'"
	else
		skip_case "build tree on another filesystem" \
			"mount refused ($(head -n1 "$T/mount.err")) and no /dev/shm"
		done_testing
		exit
	fi
fi
chmod 755 "$P"
ok "the cache and the build tree are on different filesystems" \
	test "$(stat -c %d "$T")" != "$(stat -c %d "$P")"
gen_project "$P" 16 16
# Depfiles too: the reference ones from gcc itself.
(cd "$P" && for i in $(seq 1 16); do gcc -O0 -MD -MT "obj/tu$i.o" -c "src/tu$i.c" -o "ref/tu$i.o"; done)
sed -i 's/-O0 -c/-O0 -MD -c/' "$P/Makefile"
cd "$P" || exit 1
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive

# objs_right: every object and depfile in obj/ equals ref/ (none missing).
objs_right() { same_files ref obj '*.o' && same_files ref obj '*.d'; }
# no_partial: every object left in obj/ is whole (equal to its ref).
no_partial() {
	local f bad=0
	for f in obj/*.o; do
		[ -e "$f" ] || continue
		cmp -s "$f" "ref/${f#obj/}" || { diag "partial or wrong: $f"; bad=1; }
	done
	return $bad
}
# build: make -j2 through zccache; its exit status.
build() { make -s -j2 CC="zccache gcc" >"$T/make.out" 2>"$T/make.err"; }

mark
ok "cold build into the tmpfs tree: builds" build
ok "... objects and depfiles identical to gcc's" objs_right
make -s clean
ok "warm build: builds" build
ok "... hits written across filesystems: identical" objs_right
deltas "16 misses, then 16 hits" "depend_miss=16 direct_hit=16"
# Stale, bigger files in place: a hit leaves nothing of them.
for f in obj/*.o obj/*.d; do head -c 300000 /dev/urandom >"$f"; done
touch src/*.c
ok "over bigger stale files: builds" build
ok "... every file whole and identical" objs_right
rm -f obj/tu1.o
(umask 027 && zccache gcc -O0 -MD -c src/tu1.c -o obj/tu1.o)
is "a new object from a hit has the compiler's mode (umask 027)" "$(stat -c %a obj/tu1.o)" 640
rm -f obj/tu1.o
(umask 022 && zccache gcc -O0 -MD -c src/tu1.c -o obj/tu1.o)
is "... and with umask 022" "$(stat -c %a obj/tu1.o)" 644
deltas "18 hits" "direct_hit=18"
# An output hard-linked elsewhere (cp -al of a build tree): the assembler
# writes a new file, and the other name keeps its bytes; so does a hit.
echo "another build's object" >linked.o
ln -f linked.o obj/tu3.o
ln -f linked.o obj/tu4.o
is "an output hard-linked twice" "$(stat -c %h obj/tu3.o)" 3
gcc -O0 -MD -c src/tu4.c -o obj/tu4.o
ok "gcc over a hard-linked output: the other name keeps its bytes" \
	grep -q "another build's object" linked.o
zccache gcc -O0 -MD -c src/tu3.c -o obj/tu3.o
ok "a hit over a hard-linked output: the same" grep -q "another build's object" linked.o
ok "... and the output is the object" same ref/tu3.o obj/tu3.o
deltas "... a hit" "direct_hit=1"

# ---- the build tree full ---------------------------------------------------------------
if [ $small = 1 ]; then
	make -s clean
	fill_to "$P" 0
	make -s -j2 CC=gcc >/dev/null 2>&1
	bare=$?
	make -s clean
	fill_to "$P" 0
	build
	is "the build tree full: the build fails as without the cache" "$?" "$bare"
	ok "... no partial object left" no_partial
	n=$(cnt error.output_write)
	ok "... error.output_write counts the hits that could not be written ($n)" test "$n" -gt 0
	ok "... the server is alive" server_alive
	rm -f .filler
	make -s clean
	mark
	ok "space again: builds" build
	ok "... identical" objs_right
	deltas "... every compile a hit: the entries were kept" "direct_hit=16"
else
	skip_case "the build tree full" "no small filesystem: mount refused"
fi

# ---- the build tree read-only --------------------------------------------------------------
make -s clean
mkdir -p "$T/ro" && mount --bind "$P" "$T/ro" 2>/dev/null &&
	on_exit "umount -l '$T/ro'" && mount -o remount,bind,ro "$T/ro" 2>/dev/null
if [ -d "$T/ro/obj" ] && ! touch "$T/ro/obj/probe" 2>/dev/null; then
	(cd "$T/ro" && make -s CC=gcc >/dev/null 2>&1)
	bare=$?
	mark
	(cd "$T/ro" && make -s CC="zccache gcc" >/dev/null 2>&1)
	is "the build tree read-only: the build fails as without the cache" "$?" "$bare"
	# Its miss cannot make the object's own folder either: it compiles
	# directly, and fails as gcc does (no store, so no compile_failed).
	deltas "... the first compile could not write its hit" "error.output_write=1"
	umount -l "$T/ro"
	make -s clean
	mark
	ok "writable again: builds" build
	ok "... identical" objs_right
	deltas "... every compile a hit" "direct_hit=16"
else
	skip_case "the build tree read-only" "a read-only bind mount was refused"
fi

# ---- an output folder missing -----------------------------------------------------------------
# o2 SRC OUT: SRC through zccache without a depfile, OUT equal to its ref.
o2() { rm -f "$2" && zccache gcc -O0 -c "src/$1.c" -o "$2" && same "ref/$1.o" "$2"; }
mark
ok "a source stored without a depfile" o2 tu2 obj/x2.o
deltas "... a miss" "depend_miss=1"
zccache gcc -O0 -c src/tu2.c -o gone/x2.o 2>/dev/null
rc=$?
gcc -O0 -c src/tu2.c -o gone/x2.o 2>/dev/null
is "a hit for a missing output folder: the compiler's own exit status" "$rc" "$?"
deltas "... counted as an output it could not write" "error.output_write=1 compile_failed=1"
ok "the same source into obj/ again: right" o2 tu2 obj/x2.o
deltas "... a hit: the entry was kept" "direct_hit=1"

# ---- an output that is a FIFO ---------------------------------------------------------------
# The compiler does what it does with it (fails, or blocks without a
# reader); the server must not block: the next compile is still served.
mkfifo obj/fifo.o
timeout 20 gcc -O0 -c src/tu2.c -o obj/fifo.o 2>/dev/null
bare=$?
mark
timeout 20 "$LAUNCHER" gcc -O0 -c src/tu2.c -o obj/fifo.o 2>/dev/null &
fifo=$!
on_exit "kill $fifo"
fifo_refused() { [ "$(log_count "cannot write $P/obj/fifo.o")" = 1 ]; }
ok "a hit for a FIFO output is not written (the server did not block on it)" \
	wait_until 10 fifo_refused
ZCCACHE_TIMEOUT_MS=5000 ok "meanwhile another compile is served, right" o2 tu2 obj/x2.o
wait "$fifo"
is "the FIFO compile ends as gcc alone does" "$?" "$bare"
failed=
[ "$bare" = 0 ] || [ "$bare" = 124 ] || failed=compile_failed=1
deltas "... a hit, the FIFO an output not written" "direct_hit=1 error.output_write=1 $failed"
done_testing
