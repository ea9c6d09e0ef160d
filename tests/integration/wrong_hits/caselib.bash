# caselib.bash: the set-up every first-hunt case script sources: BINDIR from $1,
# an isolated cache and server, and warm / final / verdict to compare a
# compile through zccache with the bare one. Not a case itself (the runner
# takes *.sh only).
BIN=${1:?usage: $0 BINDIR}
CASES=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # before the cd below
BIN=$(cd "$BIN" 2>/dev/null && pwd) || { echo "no such folder: $1"; exit 77; }
for b in zccache zccached zccachectl; do [ -x "$BIN/$b" ] || { echo "missing $BIN/$b"; exit 77; }; done
need() { for c; do command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c not found"; exit 77; }; done; }
T=$(mktemp -d /tmp/zcc-case.XXXXXX) || exit 77
mkdir -m 700 "$T/s" && mkdir "$T/w" || exit 77
export ZCCACHE_DIR=$T/cache ZCCACHE_SOCKET=$T/s/sock ZCCACHE_CONFIG=$T/zccache.conf ZCCACHE_SERVER=$BIN/zccached
unset ZCCACHE_DISABLE ZCCACHE_NOSPAWN ZCCACHE_DEBUG CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH OBJC_INCLUDE_PATH COMPILER_PATH GCC_EXEC_PREFIX SOURCE_DATE_EPOCH
CLEANUP_EXTRA=:
cleanup() { "$BIN/zccachectl" --no-start stop >/dev/null 2>&1; eval "$CLEANUP_EXTRA"; cd /; rm -rf "$T"; }
trap cleanup EXIT
cd "$T/w"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"direct_hit": \([0-9]*\).*/\1/p'; }
zc() { "$BIN/zccache" "$@"; }
# warm OUTS CMD...: two compiles through zccache (the second should be a hit)
warm() { local outs=$1; shift; rm -f $outs; zc "$@" >/dev/null 2>&1; rm -f $outs; local h0=$(hits); zc "$@" >/dev/null 2>&1; local h1=$(hits)
  if [ "$h0" != "$h1" ]; then echo "warm-up: second compile was a hit"; else echo "warm-up: second compile was NOT a hit"; fi; }
# final OUTS CMD...: compile through zccache, then with the bare compiler; compare outputs, stdout, stderr, exit code
HIT=0; DIFF=0
final() { local outs=$1; shift; local h0 h1 zrc brc f
  rm -f $outs; h0=$(hits); zc "$@" >"$T/zc.out" 2>"$T/zc.err"; zrc=$?; h1=$(hits)
  for f in $outs; do if [ -e "$f" ]; then cp "$f" "$T/zc.$(basename "$f")"; else echo "<missing>" > "$T/zc.$(basename "$f")"; fi; done
  rm -f $outs; "$@" >"$T/bare.out" 2>"$T/bare.err"; brc=$?
  [ "$h0" != "$h1" ] && HIT=1
  echo "command: $*"; echo "zccache: $([ $HIT = 1 ] && echo HIT || echo miss), exit $zrc; bare: exit $brc"
  for f in $outs; do [ -e "$f" ] || echo "<missing>" > "$f"
    if cmp -s "$f" "$T/zc.$(basename "$f")"; then echo "  $f: same"; else echo "  $f: DIFFERS"; DIFF=1; fi; done
  if cmp -s "$T/zc.err" "$T/bare.err"; then echo "  stderr: same"; else echo "  stderr: DIFFERS"; diff "$T/zc.err" "$T/bare.err" | sed 's/^/    /' | head -8; DIFF=1; fi
  if cmp -s "$T/zc.out" "$T/bare.out"; then echo "  stdout: same"; else echo "  stdout: DIFFERS"; DIFF=1; fi
  if [ $zrc = $brc ]; then echo "  exit code: same"; else echo "  exit code: DIFFERS ($zrc vs $brc)"; DIFF=1; fi; }
verdict() { if [ $HIT = 1 ] && [ $DIFF = 1 ]; then echo "RESULT: WRONG HIT"; exit 1; fi
  if [ $DIFF = 1 ]; then echo "RESULT: outputs differ on a miss (${1:-the cache changed what the compiler writes})"; exit ${2:-1}; fi
  echo "RESULT: ok (cache matched the bare compiler)"; exit 0; }

# fat2s_mount: FAT's time rules on $T/mnt (backed by $T/back), through the
# FUSE passthrough fat2s.c beside this file; unmounted at exit (the server
# may still hold folders of the mount open for a moment after its stop).
# Skips (77) where FUSE cannot be used.
fat2s_mount() {
	[ -e /dev/fuse ] || { echo "SKIP: no /dev/fuse"; exit 77; }
	pkg-config --exists fuse3 || { echo "SKIP: no libfuse3-dev"; exit 77; }
	gcc -O2 "$CASES/fat2s.c" $(pkg-config --cflags --libs fuse3) -o "$T/fat2s" ||
		{ echo "SKIP: cannot build fat2s"; exit 77; }
	mkdir "$T/back" "$T/mnt"
	"$T/fat2s" "$T/back" "$T/mnt" || { echo "SKIP: cannot mount fat2s"; exit 77; }
	CLEANUP_EXTRA='n=0; until fusermount3 -u "$T/mnt" 2>/dev/null; do n=$((n+1)); [ $n -ge 25 ] && { fusermount3 -uz "$T/mnt"; break; }; sleep 0.2; done'
}
# slow_source FILE: a C unit of 300 loop functions including <h.h> for V:
# gcc -O2 takes long enough on it for a case to change things meanwhile.
slow_source() {
	python3 -c "
print('#include <h.h>')
print('int v = V;')
for i in range(300):
    print(f'int f{i}(int x){{ int s=0; for(int k=0;k<x;k++) s += (k*{i})^(s>>3); return s+{i}; }}')
" >"$1"
}
