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
# gcc accepts two -o options (the last wins). Through zccache the MISS fails: the cache's added
# -MD makes the gcc driver pass one depfile name per -o to cc1 ("too many filenames given"),
# so a command that works with the bare compiler exits 1 and leaves no object.
echo 'int f(int x){return x+1;}' > a.c; touch -d '-1 min' a.c
OUTS="a.o b.o a.d b.d" rc=0
for cc in gcc g++; do
  zc_vs_bare $cc -c a.c -o a.o -o b.o; d=$?
  echo "$cc -c a.c -o a.o -o b.o: bare rc=$(cat $T/bare.rc), zccache rc=$(cat $T/zc.rc) (hit=$HIT) stderr: $(head -1 $T/zc.err)"
  [ $d = 1 ] && { echo "  MISS DIFFERS from the bare compiler"; rc=1; }
done
[ $rc = 0 ] && echo ok; exit $rc
