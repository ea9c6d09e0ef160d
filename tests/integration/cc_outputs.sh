#!/bin/bash
# Outputs beside the object, with gcc and clang: -gsplit-dwarf's .dwo,
# -fstack-usage's .su and --coverage's .gcno are written on the miss,
# restored on the hit (also when only one of them is missing) and identical
# to the bare compile's; coverage stamps differ from run to run, so there the
# hit must equal the miss and the restored pair must still work with gcov.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
mkdir -p obj
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

cat >s.c <<'EOF'
struct big { int v[64]; };
int work(int n)
{
	struct big b;
	for (int i = 0; i < 64; i++)
		b.v[i] = i * n;
	return b.v[n & 63];
}
EOF
cat >cov.c <<'EOF'
#include <stdio.h>
int branch(int a)
{
	if (a > 2)
		return a * 2;
	return a - 1;
}
int main(void)
{
	printf("%d\n", branch(1) + branch(5));
	return 0;
}
EOF

# outs_case TAG "EXT..." COMPILER ARGS...: object plus the named side files
# (obj/o.EXT), bare vs miss vs hit, byte for byte.
outs_case() {
	local tag=$1 exts=$2 e
	shift 2
	rm -f obj/o.*
	"$@" -c -o obj/o.o || { ok "$tag: bare compile" false; return; }
	mkdir -p "$T/bare" && rm -f "$T/bare"/*
	for e in o $exts; do
		ok "$tag: the bare compile writes .$e" test -f "obj/o.$e"
		mv "obj/o.$e" "$T/bare/" 2>/dev/null
	done
	zccache "$@" -c -o obj/o.o
	is "$tag: miss exits 0" "$?" 0
	deltas "$tag: a stored miss" "depend_miss=1"
	for e in o $exts; do
		ok "$tag: miss .$e identical" same "$T/bare/o.$e" "obj/o.$e"
	done
	rm -f obj/o.*
	zccache "$@" -c -o obj/o.o
	is "$tag: hit exits 0" "$?" 0
	deltas "$tag: a hit" "direct_hit=1"
	for e in o $exts; do
		ok "$tag: hit restores .$e identical" same "$T/bare/o.$e" "obj/o.$e"
	done
	for e in $exts; do
		rm -f "obj/o.$e"
		zccache "$@" -c -o obj/o.o
		deltas "$tag: only .$e missing: a hit" "direct_hit=1"
		ok "$tag: only .$e missing: restored identical" same "$T/bare/o.$e" "obj/o.$e"
	done
}

# cov_case COMPILER GCOV...: --coverage, hit equals miss, gcov reads the pair.
cov_case() {
	local cc=$1 e
	shift
	rm -rf obj/* "$T/miss" && mkdir -p "$T/miss"
	zccache "$cc" --coverage -O0 cov.c -c -o obj/cov.o
	deltas "$cc --coverage: a stored miss" "depend_miss=1"
	ok "$cc --coverage: miss wrote the .gcno" test -s obj/cov.gcno
	cp obj/cov.o obj/cov.gcno "$T/miss/"
	rm -f obj/*
	zccache "$cc" --coverage -O0 cov.c -c -o obj/cov.o
	deltas "$cc --coverage: a hit" "direct_hit=1"
	for e in o gcno; do
		ok "$cc --coverage: hit restores .$e identical to the miss's" same "$T/miss/cov.$e" "obj/cov.$e"
	done
	"$cc" --coverage obj/cov.o -o obj/prog
	is "$cc --coverage: the program runs" "$(cd obj && ./prog)" 10
	if [ $# -gt 0 ]; then
		rm -f cov.c.gcov
		"$@" -o obj cov.c >"$T/gcov.out" 2>&1
		is "$cc --coverage: gcov reads the restored .gcno with the run's .gcda" "$?" 0
		ok "$cc --coverage: gcov finds no stamp mismatch" bash -c "! grep -qi 'stamp\|mismatch\|version' '$T/gcov.out'"
		ok "$cc --coverage: gcov counted the branch" grep -Eq '^ +1:.*return a \* 2' cov.c.gcov
	fi
}

for cc in gcc clang; do
	command -v "$cc" >/dev/null || { skip_case "$cc outputs" "$cc not installed"; continue; }
	outs_case "$cc -gsplit-dwarf" dwo "$cc" -g -gsplit-dwarf -O1 s.c
	outs_case "$cc -fstack-usage" su "$cc" -fstack-usage -O1 s.c
	outs_case "$cc -g -gsplit-dwarf -fstack-usage -MD" "dwo su d" "$cc" -g -gsplit-dwarf -fstack-usage -MD -O2 s.c
done
cov_case gcc gcov
if command -v llvm-cov >/dev/null; then
	cov_case clang llvm-cov gcov
else
	cov_case clang
fi
# A hit over the very bytes it would write (make after a touched source)
# leaves the file and gives it the compile's time: make must see a new
# object. A hard-linked object is replaced as the assembler would, so the
# other link keeps its old time; a different object is rewritten.
same_bytes_case() {
	local cc=$1
	mkdir -p "$T/sb" && cd "$T/sb" || return
	printf 'int sb(void) { return 7; }\n' >sb.c
	zccache "$cc" -O1 -c sb.c -o sb.o
	cp sb.o "$T/sb.miss.o"
	touch -d '2001-01-01' sb.o
	mark
	zccache "$cc" -O1 -c sb.c -o sb.o
	deltas "$cc same bytes: a hit" "direct_hit=1"
	ok "$cc same bytes: the object is the miss's" same "$T/sb.miss.o" sb.o
	ok "$cc same bytes: the object has the compile's time, not 2001's" test sb.o -nt sb.c
	touch -d '2001-01-01' sb.o
	ln -f sb.o sb.link.o
	zccache "$cc" -O1 -c sb.c -o sb.o
	ok "$cc same bytes, hard-linked: the object is new" test sb.o -nt sb.c
	ok "$cc same bytes, hard-linked: the other link keeps its time" test ! sb.link.o -nt sb.c
	rm -f sb.link.o
	# The assembler makes a new file: its owner and group are ours, it has
	# no extended attributes. Same bytes must not keep the old file's.
	if [ "$(id -u)" = 0 ] && chown nobody:nogroup sb.o 2>/dev/null; then
		zccache "$cc" -O1 -c sb.c -o sb.o
		is "$cc same bytes, another owner: the object is ours, as the compiler's" \
			"$(stat -c %u:%g sb.o)" "$(id -u):$(id -g)"
	fi
	if python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.zc", b"1")' sb.o 2>/dev/null; then
		zccache "$cc" -O1 -c sb.c -o sb.o
		is "$cc same bytes, an extended attribute: the object has none, as the compiler's" \
			"$(python3 -c 'import os,sys; print(os.listxattr(sys.argv[1]))' sb.o)" "[]"
	fi
	printf 'garbage of the same size?' >sb.o
	truncate -s "$(stat -c %s "$T/sb.miss.o")" sb.o
	zccache "$cc" -O1 -c sb.c -o sb.o
	ok "$cc other bytes of the same size: rewritten" same "$T/sb.miss.o" sb.o
	mark
	cd "$T" || return
}
for cc in gcc clang; do
	command -v "$cc" >/dev/null && same_bytes_case "$cc"
done
# A -Wp,-MD depfile is the build's: the compiler writes it with the build's
# umask, and the server's questions to the compiler never write it (they
# once did, with the server's umask 077, so a miss left it mode 0600).
mkdir -p "$T/wpmd" && cd "$T/wpmd" && printf 'int wp;\n' >wp.c
(umask 022 && zccache gcc -Wp,-MMD,./.wp.o.d -c wp.c -o wp.o)
is "-Wp,-MMD depfile of a miss: the build's mode" "$(stat -c %a .wp.o.d)" 644
cd "$T" || exit 1
done_testing
