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
# Outputs that the compiler itself writes in place (fopen "w": follows a symlink, keeps a hard
# link and the file's mode) are, on a hit, replaced by a new file instead:
#   gcc -S  (the .s written by cc1)   and   clang -g -gsplit-dwarf  (the .dwo)
echo 'int f(int x){return x+1;}' > a.c; touch -d '-1 min' a.c
umask 022
state() { if [ -L "$1" ]; then echo "symlink->$(readlink "$1"), target $(md5sum < real.x | cut -c1-8)"; else echo "file mode $(stat -c %a "$1") links $(stat -c %h "$1") $(md5sum < "$1" | cut -c1-8)"; fi; }
rc=0
try() { # kind out cmd...
  local kind=$1 out=$2 tag s_zc s_bare h0; shift 2
  for tag in zc bare; do
    rm -f "$out" real.x
    case $kind in symlink) echo old > real.x; ln -s real.x "$out";; hardlink) echo old > real.x; ln real.x "$out";; mode600) echo old > "$out"; chmod 600 "$out";; esac
    if [ $tag = zc ]; then h0=$(hits); "$ZC" "$@" 2>/dev/null; HIT=$(( $(hits) > h0 )); s_zc=$(state "$out"); else "$@" 2>/dev/null; s_bare=$(state "$out"); fi
  done
  if [ "$s_zc" != "$s_bare" ]; then echo "DIFF (hit=$HIT) $* with $out pre-existing as $kind:  bare: $s_bare | zccache: $s_zc"; [ $HIT = 1 ] && rc=1
  else echo "same (hit=$HIT) $* with $out as $kind: $s_bare"; fi
}
"$ZC" gcc -S a.c -o a.s; "$ZC" gcc -S a.c -o a.s
for k in symlink hardlink mode600; do try $k a.s gcc -S a.c -o a.s; done
"$ZC" clang -g -gsplit-dwarf -c a.c -o a.o; "$ZC" clang -g -gsplit-dwarf -c a.c -o a.o
for k in symlink hardlink mode600; do try $k a.dwo clang -g -gsplit-dwarf -c a.c -o a.o; done
[ $rc = 0 ] && echo ok; exit $rc
