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
# clang warns "argument unused during compilation" for -MF/-MT/-MQ without -MD, and for the
# -MD that an -MMD overrides; with -Werror that is a failed compile. Through zccache the warning
# is gone (its injected -MD -MF <tmp> "uses" them): missing stderr, and exit 0 instead of 1.
echo 'int f(int x){return x+1;}' > a.c; touch -d '-1 min' a.c
OUTS="a.o a.d x.d" rc=0
for opt in "-MF x.d" "-MT foo" "-MMD -MD" "-Werror -MF x.d" "-Werror -MMD -MD"; do
  zc_vs_bare clang -c $opt a.c -o a.o >/dev/null; m=$?
  zc_vs_bare clang -c $opt a.c -o a.o; d=$?
  echo "clang -c $opt: bare rc=$(cat $T/bare.rc) stderr='$(head -c 100 $T/bare.err)'; zccache (hit=$HIT) rc=$(cat $T/zc.rc) stderr='$(head -c 100 $T/zc.err)'"
  if [ $d = 1 ] || [ $m = 1 ]; then echo "  WRONG: zccache result differs from bare clang (second run hit=$HIT)"; rc=1; fi
done
[ $rc = 0 ] && echo ok; exit $rc
