#!/bin/bash
# Depfiles through the cache, with gcc and clang (and a C++ source with g++
# and clang++): -MD, -MMD, -MF, -MT, -MQ, -MP, several targets, the kernel's
# -Wp,-MMD,file and -Wp,-MD,file, an -isystem header that -MMD leaves out.
# The depfile written on the miss and the one rendered on the hit are
# byte-identical to the bare compile's, and so are the objects. Then the
# same source with other depfile options than the stored result's.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
mkdir -p inc sysinc obj dep
cat >inc/local.h <<'EOF'
#define LOCAL 2
EOF
cat >sysinc/sysish.h <<'EOF'
#define SYSISH 3
EOF
cat >inc/other.h <<'EOF'
#include "local.h"
#define OTHER (LOCAL + 1)
EOF
"$CTL" status >/dev/null 2>&1
ok "a server runs" server_alive
mark
n=0

# dep_case COMPILER DEPFILE OUTPUT ARGS...: bare, miss and hit write the same
# depfile and object.
dep_case() {
	local comp=$1 depf=$2 out=$3 src ext=c desc
	shift 3
	case $comp in *++) ext=cc ;; esac
	n=$((n + 1))
	src=src$n.$ext
	desc="$comp $*"
	{
		echo "/* case $n */"
		echo '#include <stdio.h>'
		echo '#include "local.h"'
		echo '#include "other.h"'
		echo '#include <sysish.h>'
		[ "$ext" = cc ] && echo '#include <vector>'
		echo 'int f(void) { return LOCAL + OTHER + SYSISH; }'
	} >"$src"
	rm -f "$depf" "$out"
	"$comp" -Iinc -isystem sysinc "$@" -c "$src" -o "$out" || { ok "$desc: bare compile" false; return; }
	if [ ! -e "$depf" ]; then
		ok "$desc: the bare compile wrote $depf" false
		return
	fi
	mv "$depf" "$T/bare.d"
	mv "$out" "$T/bare.o"
	zccache "$comp" -Iinc -isystem sysinc "$@" -c "$src" -o "$out"
	is "$desc: miss exits 0" "$?" 0
	deltas "$desc: a stored miss" "depend_miss=1"
	ok "$desc: miss depfile identical" same "$T/bare.d" "$depf"
	ok "$desc: miss object identical" same "$T/bare.o" "$out"
	rm -f "$depf" "$out"
	zccache "$comp" -Iinc -isystem sysinc "$@" -c "$src" -o "$out"
	is "$desc: hit exits 0" "$?" 0
	deltas "$desc: a hit" "direct_hit=1"
	ok "$desc: hit depfile identical" same "$T/bare.d" "$depf"
	ok "$desc: hit object identical" same "$T/bare.o" "$out"
	if ! cmp -s "$T/bare.d" "$depf"; then
		diff "$T/bare.d" "$depf" | head -8 | sed 's/^/#   /'
	fi
}

for comp in gcc clang; do
	command -v "$comp" >/dev/null || { skip_case "$comp depfiles" "$comp not installed"; continue; }
	dep_case "$comp" out.d out.o -MD
	dep_case "$comp" obj/x.d obj/x.o -MMD
	dep_case "$comp" dep/custom.d out.o -MD -MF dep/custom.d
	dep_case "$comp" dep/custom.d out.o -MMD -MF dep/custom.d -MT custom_target
	# shellcheck disable=SC2016 # make syntax, kept literally
	dep_case "$comp" out.d out.o -MD -MQ '$(odd) target with spaces'
	# shellcheck disable=SC2016
	dep_case "$comp" out.d out.o -MD -MT 'plain $(odd) target'
	dep_case "$comp" out.d out.o -MMD -MP
	dep_case "$comp" dep/multi.d out.o -MD -MP -MF dep/multi.d -MT one -MT two -MQ 'th ree'
	dep_case "$comp" dep/.out.o.d out.o -Wp,-MMD,dep/.out.o.d
	dep_case "$comp" dep/.out.o.d out.o -Wp,-MD,dep/.out.o.d
	dep_case "$comp" dep/g.d out.o -g -O1 -MMD -MP -MF dep/g.d
done
for comp in g++ clang++; do
	command -v "$comp" >/dev/null || { skip_case "$comp depfiles" "$comp not installed"; continue; }
	dep_case "$comp" out.d out.o -MD
	dep_case "$comp" out.d out.o -MMD -MP
done

# One source, the depfile options changing between runs: whatever the cache
# answers, each depfile is the one the bare compile writes for those options.
cross() {
	local comp=$1 src=cross.c i=0
	shift
	printf '/* cross %s */\n#include <stdio.h>\n#include "other.h"\nint c(void) { return OTHER; }\n' "$comp" >$src
	for opts in "-MD" "-MMD" "-MMD -MP" "-MD -MT renamed" "-MMD -MF dep/alt.d" "-MD -MQ a\$b" \
		"-Wp,-MMD,dep/k.d" "-MD"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		set -- $opts
		local depf=out.d
		case $opts in *-MF\ *) depf=${opts##* } ;; *-Wp,*) depf=${opts##*,} ;; esac
		rm -f "$depf" out.o
		"$comp" -Iinc "$@" -c $src -o out.o && mv "$depf" "$T/bare.d" && mv out.o "$T/bare.o"
		zccache "$comp" -Iinc "$@" -c $src -o out.o
		ok "$comp cross $i ($opts): depfile identical to the bare compile's" same "$T/bare.d" "$depf"
		ok "$comp cross $i ($opts): object identical" same "$T/bare.o" out.o
	done
	mark
}
for comp in gcc clang; do
	command -v "$comp" >/dev/null && cross "$comp"
done

# A miss the server decides not to store (a header with __TIME__, found only
# in the include closure): the -MMD depfile is still the one asked for.
printf '#define STAMP __TIME__\n' >inc/stamp.h
printf '#include <stdio.h>\n#include "stamp.h"\nconst char *s(void) { return STAMP; }\n' >stamp.c
for comp in gcc clang; do
	command -v "$comp" >/dev/null || continue
	for opts in "-MMD" "-MMD -MP" "-Wp,-MMD,dep/st.d"; do
		# shellcheck disable=SC2086
		set -- $opts
		depf=out.d
		case $opts in *-Wp,*) depf=dep/st.d ;; esac
		rm -f "$depf"
		"$comp" -Iinc "$@" -c stamp.c -o out.o && mv "$depf" "$T/bare.d"
		zccache "$comp" -Iinc "$@" -c stamp.c -o out.o
		deltas "$comp $opts, __TIME__ in a header: not stored" "uncacheable.time_macros=1"
		ok "$comp $opts, __TIME__ in a header: depfile identical to the bare compile's" \
			same "$T/bare.d" "$depf"
	done
done

# A failing compile leaves its depfile behind (gcc and clang both do): the
# -MMD one must be the one asked for there too.
printf '#include <stdio.h>\n#include "local.h"\nint broken(void) { return nope; }\n' >broken.c
for comp in gcc clang; do
	command -v "$comp" >/dev/null || continue
	for opts in "-MMD" "-MMD -MP"; do
		# shellcheck disable=SC2086
		set -- $opts
		rm -f out.d
		"$comp" -Iinc "$@" -c broken.c -o out.o 2>/dev/null
		brc=$?
		if [ -e out.d ]; then mv out.d "$T/bare.d"; else echo "(none)" >"$T/bare.d"; fi
		zccache "$comp" -Iinc "$@" -c broken.c -o out.o 2>/dev/null
		is "$comp $opts, failing compile: exit status" "$?" "$brc"
		deltas "$comp $opts, failing compile: compile_failed" "compile_failed=1"
		[ -e out.d ] || echo "(none)" >out.d
		ok "$comp $opts, failing compile: depfile left as by the bare compile" same "$T/bare.d" out.d
	done
done
done_testing
