#!/bin/bash
# The include search, with real gcc and clang: whatever a compile could have
# found on its search path is watched. For each case a result is stored and
# hit, then the tree or environment changes in a way that changes what the
# compiler finds; the next compile through zccache must give the bare
# compiler's object, stderr and exit status (a miss), and the change must
# really change the bare object (else the case could not fail).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# compile_pair DIR ARGS...: bare then through zccache, in the current folder;
# results in DIR/{bare,zc}.{o,err,rc}.
compile_pair() {
	local d=$1
	shift
	rm -f out.o
	"$@" -c -o out.o 2>"$d/bare.err"
	echo $? >"$d/bare.rc"
	cp out.o "$d/bare.o" 2>/dev/null || : >"$d/bare.o"
	rm -f out.o
	zccache "$@" -c -o out.o 2>"$d/zc.err"
	echo $? >"$d/zc.rc"
	cp out.o "$d/zc.o" 2>/dev/null || : >"$d/zc.o"
}

# warm DESC ARGS...: store, then a hit equal to the bare compile; then, once
# every folder's listing is older than a clock tick's margin, a second hit
# that reuses the first hit's include walk (manifest.c walk_still_holds),
# so that the change made next must be seen by the reused walk's check.
# NO_REUSE=1: the case has a symlink on its search path, whose target is
# stat'ed on every walk, so no walk is reused.
warm() {
	local desc=$1 reused
	shift
	mkdir -p "$T/w"
	compile_pair "$T/w" "$@"
	mark
	sleep 0.1
	compile_pair "$T/w" "$@"
	reused=$(cnt search.walk_reused)
	compile_pair "$T/w" "$@"
	deltas "$desc: stored, then two hits" "direct_hit=2"
	if [ "${NO_REUSE:-0}" = 1 ]; then
		is "$desc: the second hit walked the search path again" "$(cnt search.walk_reused)" "$reused"
	else
		is "$desc: the second hit reused the first one's walk" "$(cnt search.walk_reused)" "$((reused + 1))"
	fi
	ok "$desc: the hit equals the bare compile" same "$T/w/bare.o" "$T/w/zc.o"
	cp "$T/w/bare.o" "$T/before.o"
}

# after DESC ARGS...: after a change, zccache gives what the bare compiler
# gives, which differs from before the change.
after() {
	local desc=$1
	shift
	mkdir -p "$T/a"
	local hits
	hits=$(cnt direct_hit)
	compile_pair "$T/a" "$@"
	ok "$desc: the change changes the bare object" not_same "$T/before.o" "$T/a/bare.o"
	ok "$desc: object equals the bare compile's" same "$T/a/bare.o" "$T/a/zc.o"
	is "$desc: stderr equals the bare compile's" "$(cat "$T/a/zc.err")" "$(cat "$T/a/bare.err")"
	is "$desc: exit status" "$(cat "$T/a/zc.rc")" "$(cat "$T/a/bare.rc")"
	is "$desc: not a hit" "$(cnt direct_hit)" "$hits"
	mark
}

not_same() { ! cmp -s "$1" "$2"; }

for cc in gcc clang; do
	command -v "$cc" >/dev/null || { skip_case "$cc search" "$cc not installed"; continue; }

	# __has_include probes a name the depfile never lists.
	W=$T/work/$cc/hasinc && mkdir -p "$W/inc" && cd "$W" || exit 1
	printf '#if __has_include("opt.h")\n#include "opt.h"\n#else\n#define OPT 1\n#endif\nint f(void) { return OPT; }\n' >a.c
	warm "$cc __has_include" "$cc" -Iinc a.c
	printf '#define OPT 2\n' >inc/opt.h
	after "$cc __has_include: opt.h created in -Iinc" "$cc" -Iinc a.c
	printf '#if __has_include(<opt2.h>)\n#include <opt2.h>\n#else\n#define OPT 1\n#endif\nint f(void) { return OPT; }\n' >b.c
	warm "$cc __has_include <>" "$cc" -Iinc b.c
	printf '#define OPT 3\n' >inc/opt2.h
	after "$cc __has_include <>: opt2.h created" "$cc" -Iinc b.c

	# A search folder that does not exist yet (generated headers).
	W=$T/work/$cc/gen && mkdir -p "$W/inc" && cd "$W" || exit 1
	printf '#define H 1\n' >inc/h.h
	printf '#include "h.h"\nint f(void) { return H; }\n' >a.c
	warm "$cc missing -I folder" "$cc" -Igen -Iinc a.c
	mkdir gen && printf '#define H 2\n' >gen/h.h
	after "$cc missing -I folder: gen/h.h created" "$cc" -Igen -Iinc a.c

	# -include looks in the cwd first.
	W=$T/work/$cc/forced && mkdir -p "$W/inc" "$W/src" && cd "$W" || exit 1
	printf '#define C 1\n' >inc/cfg.h
	printf 'int f(void) { return C; }\n' >src/a.c
	warm "$cc -include" "$cc" -include cfg.h -Iinc src/a.c
	printf '#define C 2\n' >cfg.h
	after "$cc -include: cfg.h created in the cwd" "$cc" -include cfg.h -Iinc src/a.c

	# The environment's search folders.
	W=$T/work/$cc/env && mkdir -p "$W/d1" "$W/d2" && cd "$W" || exit 1
	printf '#define E 1\n' >d2/e.h
	printf '#include <e.h>\nint f(void) { return E; }\n' >a.c
	export CPATH=$W/d1:$W/d2
	warm "$cc CPATH" "$cc" a.c
	printf '#define E 2\n' >d1/e.h
	after "$cc CPATH: e.h created in its first folder" "$cc" a.c
	unset CPATH
	rm d1/e.h
	export C_INCLUDE_PATH=$W/d1:$W/d2
	warm "$cc C_INCLUDE_PATH" "$cc" a.c
	printf '#define E 3\n' >d1/e.h
	after "$cc C_INCLUDE_PATH: e.h created in its first folder" "$cc" a.c
	unset C_INCLUDE_PATH

	# #include_next: a header created between two links of the chain.
	W=$T/work/$cc/next && mkdir -p "$W/i1" "$W/i2" "$W/i3" && cd "$W" || exit 1
	printf '#include_next <n.h>\n#define A 1\n' >i1/n.h
	printf '#define B 1\n' >i3/n.h
	printf '#include <n.h>\nint f(void) { return A + B; }\n' >a.c
	warm "$cc include_next" "$cc" -Ii1 -Ii2 -Ii3 a.c
	printf '#define B 2\n' >i2/n.h
	after "$cc include_next: n.h created in the middle" "$cc" -Ii1 -Ii2 -Ii3 a.c

	# An include of a macro: cscan cannot read the name.
	W=$T/work/$cc/computed && mkdir -p "$W/i1" "$W/i2" && cd "$W" || exit 1
	printf '#define M 1\n' >i2/m.h
	printf '#define HDR "m.h"\n#include HDR\nint f(void) { return M; }\n' >a.c
	warm "$cc computed include" "$cc" -Ii1 -Ii2 a.c
	printf '#define M 2\n' >i1/m.h
	after "$cc computed include: m.h created earlier" "$cc" -Ii1 -Ii2 a.c

	# A file created and removed between two hits: the first result again.
	W=$T/work/$cc/transient && mkdir -p "$W/i1" "$W/i2" && cd "$W" || exit 1
	printf '#define X 1\n' >i2/x.h
	printf '#include "x.h"\nint f(void) { return X; }\n' >a.c
	warm "$cc transient" "$cc" -Ii1 -Ii2 a.c
	printf '#define X 2\n' >i1/x.h
	rm i1/x.h
	compile_pair "$T/w" "$cc" -Ii1 -Ii2 a.c
	deltas "$cc transient: created and removed: a hit" "direct_hit=1"
	ok "$cc transient: the hit equals the bare compile" same "$T/w/bare.o" "$T/w/zc.o"

	# A rename into an earlier folder, and a folder swapped for a symlink.
	printf '#define X 3\n' >tmp.h
	mv tmp.h i1/x.h
	after "$cc rename into an earlier folder" "$cc" -Ii1 -Ii2 a.c
	rm i1/x.h
	warm "$cc symlinked folder" "$cc" -Ii1 -Ii2 a.c
	mkdir other && printf '#define X 4\n' >other/x.h
	mv i2 i2.old && ln -s other i2
	after "$cc symlinked folder: i2 now a link to another folder" "$cc" -Ii1 -Ii2 a.c

	# A header that is a symlink, retargeted.
	W=$T/work/$cc/link && mkdir -p "$W/inc" && cd "$W" || exit 1
	printf '#define L 1\n' >inc/one.h
	printf '#define L 2\n' >inc/two.h
	ln -s one.h inc/l.h
	printf '#include "l.h"\nint f(void) { return L; }\n' >a.c
	NO_REUSE=1 warm "$cc symlinked header" "$cc" -Iinc a.c
	ln -sfn two.h inc/l.h
	after "$cc symlinked header: retargeted" "$cc" -Iinc a.c
done

# gcc uses x.h.gch in place of x.h when it is valid for the command.
if command -v gcc >/dev/null; then
	W=$T/work/gch && mkdir -p "$W" && cd "$W" || exit 1
	printf '#define P 1\n' >pre.h
	printf 'int f(void) { return P; }\n' >a.c
	warm "gcc -include with a .gch" gcc -include pre.h a.c
	printf '#define P 2\n' >other.h
	gcc -x c-header other.h -o pre.h.gch
	after "gcc -include: pre.h.gch created" gcc -include pre.h a.c
fi

# A closure with a #pragma once header is checked for copies of its files
# (which the compiler might skip as the once-file); one header read under two
# spellings of its folder (systemd's headers are #pragma once; meson's -I
# lists reach one folder twice) is one file, not a copy: cached.
mkdir -p once/inc
printf '#pragma once\nint once;\n' >once/inc/once.h
printf '#ifndef H\n#define H\nint h;\n#endif\n' >once/inc/h.h
printf '#include "once.h"\n#include "h.h"\n#include "../once/inc/h.h"\nint main(void) { return 0; }\n' >once/a.c
for cc in gcc clang; do
	mark
	(cd once && zccache "$cc" -MD -Iinc -c a.c -o a.o && zccache "$cc" -MD -Iinc -c a.c -o a.o)
	deltas "$cc: a header under two spellings beside a #pragma once one: a miss, then a hit" \
		"depend_miss=1 direct_hit=1"
done
done_testing
