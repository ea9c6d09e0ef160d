#!/bin/bash
# Include search and the build folder, with gcc and clang. A header created
# earlier in the search path than the recorded one (an -I folder, the
# source's folder, in front of a system header, or the including header's
# own folder) shadows it: a miss and the right object, never the old one,
# also when it appears within a second of the store. CPATH takes part.
# Two checkouts in different folders share results without -g, do not with
# -g, and share again under -fdebug-prefix-map=$PWD=.; every object equals
# the bare compile's in that folder.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark

# zc_vs_bare DESC DELTAS COMPILER ARGS...: compile bare (object kept), then
# through zccache; the counters move by DELTAS and the objects are equal.
zc_vs_bare() {
	local desc=$1 want=$2
	shift 2
	rm -f out.o
	"$@" -c -o out.o || { ok "$desc: bare compile" false; return; }
	mv out.o "$T/bare.o"
	zccache "$@" -c -o out.o
	is "$desc: exit 0" "$?" 0
	deltas "$desc: counters" "$want"
	ok "$desc: object identical to the bare compile" same "$T/bare.o" out.o
}

for cc in gcc clang; do
	command -v "$cc" >/dev/null || { skip_case "$cc paths" "$cc not installed"; continue; }
	W=$T/work/$cc
	mkdir -p "$W/src" "$W/inc1" "$W/inc2" "$W/inc3"
	cd "$W" || exit 1
	printf '#define X 2\n' >inc2/x.h
	printf '#include "x.h"\n#include <stdio.h>\nint f(void) { return X + (int)sizeof(FILE); }\n' >src/a.c
	flags=(-O1 -Iinc1 -Iinc2 src/a.c)

	zc_vs_bare "$cc -I shadow: first compile" "depend_miss=1" "$cc" "${flags[@]}"
	zc_vs_bare "$cc -I shadow: second compile" "direct_hit=1" "$cc" "${flags[@]}"
	# At once, in the same second as the store: the folder time is racy.
	printf '#define X 3\n' >inc1/x.h
	zc_vs_bare "$cc -I shadow: x.h created in an earlier -I folder" "depend_miss=1" "$cc" "${flags[@]}"
	zc_vs_bare "$cc -I shadow: then a hit" "direct_hit=1" "$cc" "${flags[@]}"
	printf '#define X 4\n' >src/x.h
	zc_vs_bare "$cc -I shadow: x.h created next to the source" "depend_miss=1" "$cc" "${flags[@]}"
	rm src/x.h inc1/x.h
	zc_vs_bare "$cc -I shadow: both removed, the first result again" "direct_hit=1" "$cc" "${flags[@]}"
	sleep 1.1
	# Not racy any more: the folder time alone must notice the new file.
	printf '#define X 5\n' >inc1/x.h
	zc_vs_bare "$cc -I shadow: created after a second" "depend_miss=1" "$cc" "${flags[@]}"
	rm inc1/x.h

	# In front of a system header.
	printf '#include <stdio.h>\nint s(void) { return (int)sizeof(FILE); }\n' >src/s.c
	zc_vs_bare "$cc system shadow: first compile" "depend_miss=1" "$cc" -Iinc1 src/s.c
	printf 'typedef struct { char big[1000]; } FILE;\n' >inc1/stdio.h
	zc_vs_bare "$cc system shadow: stdio.h created in an -I folder" "depend_miss=1" "$cc" -Iinc1 src/s.c
	rm inc1/stdio.h

	# The including header's own folder comes first for its quote includes.
	printf '#include "y.h"\n' >inc2/wrap.h
	printf '#define Y 1\n' >inc3/y.h
	printf '#include "wrap.h"\nint y(void) { return Y; }\n' >src/y.c
	zc_vs_bare "$cc nested shadow: first compile" "depend_miss=1" "$cc" -Iinc2 -Iinc3 src/y.c
	zc_vs_bare "$cc nested shadow: second compile" "direct_hit=1" "$cc" -Iinc2 -Iinc3 src/y.c
	printf '#define Y 2\n' >inc2/y.h
	zc_vs_bare "$cc nested shadow: y.h created next to the including header" "depend_miss=1" \
		"$cc" -Iinc2 -Iinc3 src/y.c
	rm inc2/y.h
	# The same when the including header's folder is no search folder itself:
	# inc3/sub/wrap.h's "y.h" is found in inc2 until inc3/sub/y.h exists.
	mkdir -p inc3/sub
	printf '#include "y.h"\n' >inc3/sub/wrap.h
	printf '#define Y 10\n' >inc2/y.h
	printf '#include "sub/wrap.h"\nint y2(void) { return Y; }\n' >src/y2.c
	zc_vs_bare "$cc nested shadow 2: first compile" "depend_miss=1" "$cc" -Iinc2 -Iinc3 src/y2.c
	zc_vs_bare "$cc nested shadow 2: second compile" "direct_hit=1" "$cc" -Iinc2 -Iinc3 src/y2.c
	printf '#define Y 20\n' >inc3/sub/y.h
	zc_vs_bare "$cc nested shadow 2: y.h created next to the including header" "depend_miss=1" \
		"$cc" -Iinc2 -Iinc3 src/y2.c
	rm inc2/y.h inc3/sub/y.h

	# CPATH is a search folder too.
	printf '#include "c.h"\nint c(void) { return C; }\n' >src/c.c
	printf '#define C 1\n' >inc1/c.h
	printf '#define C 2\n' >inc2/c.h
	CPATH=inc2 zc_vs_bare "$cc CPATH=inc2: first compile" "depend_miss=1" "$cc" src/c.c
	CPATH=inc1 zc_vs_bare "$cc CPATH=inc1: another result" "depend_miss=1" "$cc" src/c.c
	CPATH=inc2 zc_vs_bare "$cc CPATH=inc2: a hit" "direct_hit=1" "$cc" src/c.c

	# Two checkouts of one tree.
	for co in co1 co2; do
		mkdir -p "$W/$co/src" "$W/$co/include"
		printf '#define H 9\n' >"$W/$co/include/h.h"
		printf '#include "h.h"\nint g(int a) { return a * H; }\nint main(void) { return g(1) - 9; }\n' \
			>"$W/$co/src/m.c"
	done
	cd "$W/co1" || exit 1
	zc_vs_bare "$cc checkout 1 without -g" "depend_miss=1" "$cc" -O1 -Iinclude src/m.c
	cd "$W/co2" || exit 1
	zc_vs_bare "$cc checkout 2 without -g: shares the result" "direct_hit=1" "$cc" -O1 -Iinclude src/m.c

	cd "$W/co1" || exit 1
	zc_vs_bare "$cc checkout 1 with -g" "depend_miss=1" "$cc" -g -O1 -Iinclude src/m.c
	cp "$T/bare.o" "$T/co1-g.o"
	cd "$W/co2" || exit 1
	zc_vs_bare "$cc checkout 2 with -g: its own result" "depend_miss=1" "$cc" -g -O1 -Iinclude src/m.c
	ok "$cc with -g the two checkouts' objects differ" bash -c "! cmp -s '$T/co1-g.o' out.o"
	cd "$W/co1" || exit 1
	zc_vs_bare "$cc checkout 1 with -g again: a hit" "direct_hit=1" "$cc" -g -O1 -Iinclude src/m.c

	cd "$W/co1" || exit 1
	zc_vs_bare "$cc checkout 1 with -g and a prefix map" "depend_miss=1" \
		"$cc" -g -O1 "-fdebug-prefix-map=$PWD=." -Iinclude src/m.c
	cp "$T/bare.o" "$T/co1-map.o"
	cd "$W/co2" || exit 1
	zc_vs_bare "$cc checkout 2 with -g and a prefix map: shares the result" "direct_hit=1" \
		"$cc" -g -O1 "-fdebug-prefix-map=$PWD=." -Iinclude src/m.c
	ok "$cc with the prefix map the bare objects of both checkouts are equal" \
		cmp "$T/co1-map.o" "$T/bare.o"
	zc_vs_bare "$cc checkout 2 with -g, a map of another folder: its own result" "depend_miss=1" \
		"$cc" -g -O1 "-fdebug-prefix-map=$W/co1=." -Iinclude src/m.c
done

# A header that appears in an earlier -I folder while the compile runs would
# be found first by the next compile: the result must not be stored
# (uncacheable.ambiguous_include), and the next compile uses the new header.
mkdir -p "$T/shadow/first" "$T/shadow/second" "$T/shadowbin"
cd "$T/shadow" || exit 1
printf '#include "v.h"\nint v(void) { return V; }\n' >s.c
printf '#define V 2\n' >second/v.h
sleep 1.1 # the folders are old: only what the compile creates is new
{
	echo '#!/bin/bash'
	echo '# gcc, then (on a compile) a v.h in the earlier folder: it appeared "during" it.'
	echo "$(command -v gcc) \"\$@\"; rc=\$?"
	echo 'case " $* " in *" -c "*) [ -n "${SHADOW:-}" ] && echo "#define V 1" >"$SHADOW" ;; esac'
	echo 'exit $rc'
} >"$T/shadowbin/gcc"
chmod +x "$T/shadowbin/gcc"
mark
SHADOW=$T/shadow/first/v.h zccache "$T/shadowbin/gcc" -Ifirst -Isecond -c s.c -o s.o
deltas "a header created in an earlier folder during the compile: not stored" \
	"uncacheable.ambiguous_include=1"
gcc -Ifirst -Isecond -c s.c -o "$T/shadow-bare.o"
zccache "$T/shadowbin/gcc" -Ifirst -Isecond -c s.c -o s.o
deltas "the next compile, with that header in place: a stored miss" "depend_miss=1"
ok "its object uses the new header" same "$T/shadow-bare.o" s.o
rm -f s.o
zccache "$T/shadowbin/gcc" -Ifirst -Isecond -c s.c -o s.o
deltas "then a hit" "direct_hit=1"
ok "the hit's object uses the new header" same "$T/shadow-bare.o" s.o
done_testing
