#!/bin/bash
# 01-clang-cc-print-headers: reproduction. Usage: 01-clang-cc-print-headers.sh BIN_DIR ; exit 1 = wrong hit, 0 = cache matches bare compiler, 77 = cannot run
B=${1:?bin folder}; B=$(cd "$B" && pwd) || exit 77
for x in zccache zccached zccachectl; do [ -x "$B/$x" ] || exit 77; done
for c in jq clang; do command -v $c >/dev/null || exit 77; done
WRONGS=0
# harness: source after setting B (bin folder)
zc_setup() {
  T=$(mktemp -d /tmp/zch.XXXXXX); chmod 755 "$T"; mkdir -m700 "$T/sock"
  export ZCCACHE_DIR=$T/cache ZCCACHE_SOCKET=$T/sock/s ZCCACHE_CONFIG=$T/conf ZCCACHE_SERVER=$B/zccached
  W=$T/w; mkdir -p "$W"; cd "$W"
}
zc_done() { cd /; "$B/zccachectl" --no-start stop >/dev/null 2>&1; rm -rf "$T"; }
hits() { "$B/zccachectl" --json stats | jq -r '.direct_hit // 0'; }
# zcc ARGS...: compile through zccache only (warm-up), quiet
zcc() { "$B/zccache" "$@" >/dev/null 2>&1; }
# check LABEL ARGS...: zccache compile vs bare; outputs ${O:-out.o} ${D:-out.d}
# sets HIT=1/0, SAME=1/0, prints line
check() {
  local label=$1; shift; local o=${O:-out.o} d=${D:-out.d}
  local h0 h1; h0=$(hits)
  rm -f "$o" "$d"; "$B/zccache" "$@" >"$T/zout" 2>"$T/zerr"; local zrc=$?; h1=$(hits)
  rm -f "$T/z.o" "$T/z.d"; [ -e "$o" ] && cp "$o" "$T/z.o"; [ -e "$d" ] && cp "$d" "$T/z.d"
  rm -f "$o" "$d"; "$@" >"$T/bout" 2>"$T/berr"; local brc=$?
  rm -f "$T/b.o" "$T/b.d"; [ -e "$o" ] && cp "$o" "$T/b.o"; [ -e "$d" ] && cp "$d" "$T/b.d"
  HIT=0; [ "$h1" -gt "$h0" ] && HIT=1
  SAME=1; local why=""
  [ "$zrc" = "$brc" ] || { SAME=0; why="$why rc($zrc/$brc)"; }
  if [ -e "$T/z.o" ] || [ -e "$T/b.o" ]; then cmp -s "$T/z.o" "$T/b.o" || { SAME=0; why="$why obj"; }; fi
  if [ -e "$T/z.d" ] || [ -e "$T/b.d" ]; then cmp -s "$T/z.d" "$T/b.d" || { SAME=0; why="$why dep"; }; fi
  cmp -s "$T/zerr" "$T/berr" || { SAME=0; why="$why stderr"; }
  cmp -s "$T/zout" "$T/bout" || { SAME=0; why="$why stdout"; }
  local v=ok; [ $HIT = 1 ] && [ $SAME = 0 ] && { v=WRONG; WRONGS=$((WRONGS+1)); }
  echo "CASE[$label] hit=$HIT same=$SAME$why => $v"
  [ "$v" = WRONG ] && [ -n "$VERBOSE" ] && { diff "$T/zerr" "$T/berr" | head; diff "$T/z.d" "$T/b.d" | head; }
  return 0
}
trap zc_done EXIT
zc_setup; printf '#include "h.h"\nint f(void){return X;}\n' > a.c; echo '#define X 1' > h.h
zcc clang -c a.c -o out.o; zcc clang -c a.c -o out.o
# the hit must print the header list on stderr, as clang does with CC_PRINT_HEADERS=1
export CC_PRINT_HEADERS=1; VERBOSE=1 check cc-print-headers-at-hit clang -c a.c -o out.o
[ "$WRONGS" -gt 0 ] && exit 1; exit 0
