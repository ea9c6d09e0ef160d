#!/bin/bash
# usage: $0 FOLDER  (the folder holding zccache, zccached and zccachectl; a meson build folder works too)
# exit 1 = the wrong behaviour reproduced, 0 = zccache behaved like the bare compiler, 2 = setup problem
BD=${1:?usage: $0 folder-with-zccache-zccached-zccachectl}
if [ -x "$BD/zccache" ]; then ZC=$BD/zccache ZD=$BD/zccached ZCTL=$BD/zccachectl
else ZC=$BD/src/launcher/zccache ZD=$BD/src/server/zccached ZCTL=$BD/src/ctl/zccachectl; fi
for b in "$ZC" "$ZD" "$ZCTL"; do [ -x "$b" ] || { echo "missing $b" >&2; exit 2; }; done
ZC=$(readlink -f "$ZC") ZD=$(readlink -f "$ZD") ZCTL=$(readlink -f "$ZCTL")
T=$(mktemp -d /tmp/zcase.XXXXXX); mkdir -m 700 "$T/s"
export ZCCACHE_DIR=$T/cache ZCCACHE_SOCKET=$T/s/sock ZCCACHE_CONFIG=$T/zccache.conf ZCCACHE_SERVER=$ZD
: > "$ZCCACHE_CONFIG"; W=$T/w; mkdir -p "$W"; cd "$W" || exit 2
trap '"$ZCTL" --no-start stop >/dev/null 2>&1; cd /; rm -rf "$T"' EXIT
hits() { "$ZCTL" --json stats | jq -r '.direct_hit // 0'; }
# run TAG CMD... : stdout/stderr/rc into $T/TAG.*, copies of $OUTS into $T/TAG/
run() { local tag=$1 o; shift; rm -rf "$T/$tag"; mkdir -p "$T/$tag"; for o in $OUTS; do rm -f "$o"; done
  "$@" >"$T/$tag.out" 2>"$T/$tag.err"; echo $? >"$T/$tag.rc"
  for o in $OUTS; do if [ -e "$o" ]; then cp "$o" "$T/$tag/${o//\//_}"; else : >"$T/$tag/${o//\//_}.MISSING"; fi; done; }
# compare TAG1 TAG2: prints differences, returns 1 when they differ
compare() { local bad=0 f; for f in out err rc; do cmp -s "$T/$1.$f" "$T/$2.$f" || { echo "  $f differs: $1 vs $2"; diff "$T/$1.$f" "$T/$2.$f" | sed 's/^/    /' | head -8; bad=1; }; done
  diff -r "$T/$1" "$T/$2" >/dev/null || { echo "  output files differ:"; diff -r "$T/$1" "$T/$2" | sed 's/^/    /' | head -8; bad=1; }; return $bad; }
# zc_vs_bare CMD...: run through zccache (tag zc) then bare (tag bare); sets HIT=1 if direct_hit rose; returns 1 if differ
zc_vs_bare() { local h0; h0=$(hits); run zc "$ZC" "$@"; HIT=$(( $(hits) > h0 )); run bare "$@"; compare bare zc; }
# Arguments and environment values that are not valid UTF-8 (Latin-1 -D values or folder names...)
# are dropped or mangled between launcher and server: the argument is removed from the command
# that is keyed (and, on a miss, run); environment values differing only in such bytes collide.
printf '#ifdef X\nint built_with_x;\n#else\nint built_without_x;\n#endif\n' > a.c; touch -d '-1 min' a.c
OUTS=a.o rc=0
XARG=$(printf -- '-DX="caf\xe9"')          # Latin-1 "café"
# (a) an entry stored for the command WITHOUT the argument is served for the command WITH it
"$ZC" gcc -c a.c -o a.o; "$ZC" gcc -c a.c -o a.o
zc_vs_bare gcc "$XARG" -c a.c -o a.o; d=$?
echo "(a) gcc '-DX=\"caf\\xe9\"' -c a.c: hit=$HIT; zccache symbols: $(nm $T/zc/a.o | awk '{print $3}'); bare: $(nm $T/bare/a.o | awk '{print $3}')"
[ "$HIT" = 1 ] && [ $d = 1 ] && { echo "    WRONG HIT: the non-UTF-8 argument was ignored"; rc=1; }
echo "    command recorded by the server for the last non-hit: $("$ZCTL" --json explain 1 | jq -c '.compiles[0].argv')"
# (b) a miss: the argument is dropped from the compile that runs -> fails where bare succeeds
printf 'const char *s = S;\n' > b.c; touch -d '-1 min' b.c
SARG=$(printf -- '-DS="\xff"'); OUTS=b.o
zc_vs_bare gcc "$SARG" -c b.c -o b.o; d=$?
echo "(b) gcc '-DS=\"\\xff\"' -c b.c: bare rc=$(cat $T/bare.rc), zccache rc=$(cat $T/zc.rc) (hit=$HIT): $(head -1 $T/zc.err)"
[ $d = 1 ] && { echo "    MISS DIFFERS: the compile run by zccache lost the argument"; rc=1; }
# (c) environment: CPATH values that differ only in a non-UTF-8 byte share one entry
D1=$(printf 'inc\xe9'); D2=$(printf 'inc\xe8'); mkdir "$D1" "$D2"
echo '#define S "from inc-e9"' > "$D1/s.h"; echo '#define S "from inc-e8"' > "$D2/s.h"
printf '#include <s.h>\nconst char *s = S;\n' > c.c; touch -d '-1 min' c.c "$D1/s.h" "$D2/s.h" "$D1" "$D2"
OUTS=c.o
CPATH=$W/$D1 "$ZC" gcc -c c.c -o c.o; CPATH=$W/$D1 "$ZC" gcc -c c.c -o c.o
export CPATH=$W/$D2; zc_vs_bare gcc -c c.c -o c.o; d=$?; unset CPATH
echo "(c) CPATH=.../inc\\xe8 after CPATH=.../inc\\xe9: hit=$HIT; zccache string: $(strings $T/zc/c.o | grep from); bare: $(strings $T/bare/c.o | grep from)"
[ "$HIT" = 1 ] && [ $d = 1 ] && { echo "    WRONG HIT: environment values collided"; rc=1; }
[ $rc = 0 ] && echo ok; exit $rc
