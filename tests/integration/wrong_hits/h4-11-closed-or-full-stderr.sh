#!/bin/bash
# h4-11: clang with stderr on a full device aborts (134) writing a diagnostic; a hit writes nothing and exits 0 (closed stderr is handled: the compiler runs directly; a stream that cannot take writes is described in the request: a hit that would print there is not served)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
need gcc clang
ZC=$BIN/zccache ZCR=$BIN/zccache
# wrong_hits.sh's settled mode puts a bash script there, and bash opens its
# script on the lowest free descriptor: with 2>&- the launcher would get fd 2
# open read-only on the script. Its priming call is made here, then the
# launcher itself is called (it is what the script execs).
if [ "$(head -c2 "$ZC")" = '#!' ]; then ZCR=$(sed -n 's/^exec "\([^"]*\)".*/\1/p' "$ZC"); [ -x "$ZCR" ] || ZCR=$ZC; fi
# The state of the standard streams changes what the bare compiler does, a hit ignores it:
#  - gcc with stderr CLOSED (2>&-): the compiler's next open() reuses fd 2, the warning text lands
#    in its temporary .s file, the assembler fails: exit 1 and no object. A hit: exit 0, object.
#  - clang with stderr on a FULL device (2>/dev/full): clang aborts on the failed write (exit 134).
#    A hit: exit 0.
printf 'int f(void){ int unused_var; return 0; }\n' > q.c; touch -d '-1 min' q.c
rc=0
printf 'int g(void){ return 0; }\n' > s.c; touch -d '-1 min' s.c
one() { # cc how [source]: how is closed, full (stderr on /dev/full) or outfull (stdout on /dev/full)
  local cc=$1 how=$2 src=${3:-q} h0 z b zo bo redir
  case $how in closed) redir='2>&-' ;; full) redir='2>/dev/full' ;; outfull) redir='>/dev/full' ;; esac
  "$ZC" $cc -Wall -c $src.c -o q.o 2>/dev/null; "$ZC" $cc -Wall -c $src.c -o q.o 2>/dev/null
  h0=$(hits); rm -f q.o
  [ "$ZCR" != "$ZC" ] && { "$ZC" $cc -Wall -c $src.c -o q.o >/dev/null 2>&1; rm -f q.o; h0=$(hits); }
  eval "\"\$ZCR\" $cc -Wall -c $src.c -o q.o $redir" 2>/dev/null; z=$?
  HIT=$(( $(hits) > h0 )); [ -e q.o ] && zo=yes || zo=no; rm -f q.o
  bash -c "$cc -Wall -c $src.c -o q.o $redir" 2>/dev/null; b=$?
  [ -e q.o ] && bo=yes || bo=no
  echo "$cc $src.c, $how: bare rc=$b object=$bo; zccache rc=$z object=$zo (hit=$HIT)"
  if [ $HIT = 1 ] && { [ $z != $b ] || [ $zo != $bo ]; }; then echo "  WRONG HIT: exit status/object differ"; rc=1; fi
  if [ $HIT = 0 ] && [ $z != $b ]; then echo "  exit status differs on a miss"; rc=1; fi
  if [ "${want_hit:-0}" = 1 ] && [ $HIT = 0 ]; then echo "  (not served from the cache: it prints nothing, a hit is exact)"; fi
}
one gcc closed
one clang full
one gcc full
one clang outfull
# printing nothing, a full stderr changes nothing: the hit is served
want_hit=1 one clang full s
want_hit=1 one gcc full s
[ $rc = 0 ] && echo ok; exit $rc
