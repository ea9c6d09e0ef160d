#!/bin/bash
# h4-12: a header rewritten through mmap keeps mtime, ctime, size and inode: a stat-checked cache cannot see it (ccache cannot either)
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
# A header rewritten in place through a shared mmap: the kernel updates mtime/ctime only on the
# first write fault; a later write to the same (still dirty) page changes the contents with the
# same size, inode, mtime and ctime. The hit check trusts the stat data, the old object is served.
# Closed by hashcache.c's open_for_writing: a digest read while the file is open for writing
# anywhere (a read lease is then refused, EAGAIN) is not trusted by stat and is read again.
command -v python3 >/dev/null || { echo "needs python3"; exit 2; }
printf '#include "h.h"\nint v = H;\n' > a.c; echo '#define H 1' > h.h; touch -d '-1 min' a.c h.h
OUTS=a.o
mkfifo go done_
python3 - <<'P' &
import mmap
f = open("h.h", "r+b"); m = mmap.mmap(f.fileno(), 0)
m[:] = b"#define H 2\n"           # first write through the mapping: mtime/ctime updated
open("done_", "w").write("1\n"); open("go").read()
m[:] = b"#define H 3\n"           # second write, same page, still dirty: no stat change
open("done_", "w").write("2\n"); open("go").read()
P
cat done_ >/dev/null; sleep 2.5
s1=$(stat -c '%s %i %Y.%y %Z.%z' h.h)
"$ZC" gcc -c a.c -o a.o; "$ZC" gcc -c a.c -o a.o
echo go > go; cat done_ >/dev/null
s2=$(stat -c '%s %i %Y.%y %Z.%z' h.h)
[ "$s1" = "$s2" ] && echo "stat of h.h unchanged by the second write (size ino mtime ctime): $s2" || echo "note: stat changed on this kernel/filesystem"
zc_vs_bare gcc -c a.c -o a.o; d=$?
echo go > go; wait
echo "h.h now: $(cat h.h); hit=$HIT; v via zccache: $(objdump -s -j .data $T/zc/a.o | tail -1 | cut -c1-16); bare: $(objdump -s -j .data $T/bare/a.o | tail -1 | cut -c1-16)"
if [ "$HIT" = 1 ] && [ $d = 1 ]; then echo "WRONG HIT: header contents changed without a stat change; stale object served"; exit 1; fi
echo ok; exit 0
