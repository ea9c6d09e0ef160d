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
# "#pragma GCC dependency" written in the source makes a compile uncacheable, but the same pragma
# arriving through a -D macro (_Pragma) is cached: after dep.txt becomes newer than the source,
# bare gcc warns "current file is older than dep.txt", the hit replays the old, silent stderr.
echo x > dep.txt; touch -d '-2 min' dep.txt
echo 'DEP int y;' > d.c; touch -d '-1 min' d.c
OUTS=d.o
D='-DDEP=_Pragma("GCC dependency \"dep.txt\"")'
"$ZC" gcc "$D" -c d.c -o d.o; "$ZC" gcc "$D" -c d.c -o d.o
touch dep.txt; sleep 1.1
zc_vs_bare gcc "$D" -c d.c -o d.o; d=$?
echo "hit=$HIT; bare stderr: '$(head -1 $T/bare.err)'; zccache stderr: '$(head -1 $T/zc.err)'"
if [ "$HIT" = 1 ] && [ $d = 1 ]; then echo "WRONG HIT: warning of #pragma GCC dependency lost"; exit 1; fi
echo ok; exit 0
