#!/bin/bash
# A miss writes its object in a folder of its own and the launcher moves it
# into place (src/cache/private_output.h), so that no other writer's bytes can
# be stored as this compile's. Checked with real gcc and clang against the
# bare compiler: concurrent compiles of different sources to one -o store
# only their own objects; every depfile form names the real object and lands
# where the driver puts it; a failed compile leaves the old output as the
# compiler does (gcc keeps it when cc1 fails, deletes it when as fails; clang
# deletes it); no private folder is left behind; and where the move could
# change what is written (coverage, split DWARF) the compile writes in place.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

cd "$T/work" || exit 1
leftovers() { find "$T/work" -name '.zccache-*' | head -3; }

# ---- 1. concurrent compiles of different sources to one -o ----------------
for s in a b; do
	{
		printf 'int v_%s = %d;\n' $s ${#s}
		for i in $(seq 1 40); do
			printf 'int %s_f%d(int x) { int s = 0; for (int j = 0; j < x; j++) s += j * %d ^ (s >> 3); return s; }\n' $s "$i" "$i"
		done
	} >$s.c
	command gcc -O2 -c $s.c -o ref_$s.o
done
bad=0
for i in $(seq 1 12); do
	command zccache gcc -O2 -c a.c -o same.o &
	command zccache gcc -O2 -c b.c -o same.o
	wait
	for s in a b; do
		command zccache gcc -O2 -c $s.c -o chk.o
		cmp -s chk.o ref_$s.o || bad=$((bad + 1))
	done
	"$CTL" flush >/dev/null
done
is "12 rounds of a.c and b.c compiled at once to one -o: every later object is its own" "$bad" 0
is "... and no private folder is left" "$(leftovers)" ""

# ---- 2. depfiles: every form, miss and hit, against the bare driver --------
mkdir -p sub
printf '#include "h.h"\nint f(void) { return H; }\n' >d.c
printf '#define H 3\n' >h.h
n_forms=0
bad_forms=""
hits0=$(cnt direct_hit)
for cc in gcc clang; do
	while IFS='|' read -r name args; do
		[ -n "$name" ] || continue
		n_forms=$((n_forms + 1))
		# All three in one folder (d.c's path is in the key), moved aside after.
		for v in bare miss hit; do
			rm -rf o && mkdir -p o/sub && cp d.c h.h o/
			# a tick of the clock between the copy (its ctime) and the
			# compile, or the miss is modified_during_compile (cclib.sh)
			sleep 0.02
			[ $v = miss ] && "$CTL" flush >/dev/null
			# shellcheck disable=SC2086
			if [ $v = bare ]; then
				(cd o && command $cc $args >/dev/null 2>&1)
			else
				(cd o && command zccache $cc $args >/dev/null 2>&1)
			fi
			(cd o && find . -type f ! -name d.c ! -name h.h -printf '%p\n' | sort |
				while read -r f; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done) >"tree.$v"
		done
		for v in miss hit; do
			cmp -s tree.bare tree.$v || bad_forms="$bad_forms [$cc $name: $v]"
		done
	done <<'EOF'
-MD, -o sub/x.o|-MD -c d.c -o sub/x.o
-MMD, -o sub/x.o|-MMD -c d.c -o sub/x.o
-MD, no -o|-MD -c d.c
-MD, -o ./sub/x.o|-MD -c d.c -o ./sub/x.o
-MD, -osub/x.o|-MD -c d.c -osub/x.o
-MD -MF, -o|-MD -MF sub/deps.d -c d.c -o sub/x.o
-MD -MT|-MD -MT custom -c d.c -o sub/x.o
-MD -MQ|-MD -MQ 'a$b' -c d.c -o sub/x.o
-MD -MP|-MD -MP -c d.c -o sub/x.o
-Wp,-MD|-Wp,-MD,sub/wp.d -c d.c -o sub/x.o
-Wp,-MMD|-Wp,-MMD,sub/wp.d -c d.c -o sub/x.o
$ in -o|-MD -c d.c -o sub/x$y.o
EOF
done
is "depfile forms ($n_forms, gcc and clang): miss and hit write gcc's and clang's files" "$bad_forms" ""
is "... each hit a hit" "$(($(cnt direct_hit) - hits0))" "$n_forms"
is "... and no private folder is left" "$(leftovers)" ""

# ---- 3. a failed compile leaves the old output as the compiler does -------
printf 'int f(void) { return }\n' >cc1_fails.c
printf 'void f(void) { __asm__("no_such_insn"); }\n' >as_fails.c
for cc in gcc clang; do
	for src in cc1_fails as_fails; do
		for v in bare zc; do
			echo old >"old.$v.o"
			ln -f "old.$v.o" "other.$v.o" # a second name, to tell the file apart
			if [ $v = bare ]; then
				command $cc -c $src.c -o "old.$v.o" 2>/dev/null
			else
				command zccache $cc -c $src.c -o "old.$v.o" 2>/dev/null
			fi
			echo "rc=$? $(cat "old.$v.o" 2>/dev/null || echo gone) links=$(stat -c %h "other.$v.o")" >"fail.$v"
		done
		is "$cc, $src: the output and exit status as the bare compiler leaves them" \
			"$(cat fail.zc)" "$(cat fail.bare)"
	done
done
is "... and no private folder is left" "$(leftovers)" ""

# ---- 4. where the move would change the output, the compile writes in place -
printf 'int f(int x) { return x ? 1 : 2; }\n' >cov.c
sleep 0.02 # the clock's tick, as above
mark
command zccache gcc --coverage -c cov.c -o cov.o 2>/dev/null
command gcc --coverage -c cov.c -o cov_ref.o
deltas "--coverage: a miss" 'depend_miss=1'
ok "--coverage: the .gcno is written next to the real object" test -s cov.gcno
ok "--coverage: the object holds the .gcda path of the real object" \
	grep -q "$T/work/cov.gcda" cov.o

# ---- 5. a missing output folder: the compiler's own error ------------------
command zccache gcc -c cov.c -o nowhere/x.o 2>zc.err
zrc=$?
command gcc -c cov.c -o nowhere/x.o 2>bare.err
is "-o into a missing folder: gcc's exit status" "$zrc" 1
is "-o into a missing folder: gcc's own message" "$(cat zc.err)" "$(cat bare.err)"
done_testing
