#!/bin/bash
# A compiler that hangs while the server identifies it (30 s on -dumpversion)
# never blocks the server: identification runs on a thread, and a concurrent
# hit of another compiler, or a status request, is answered at once. The hung
# one is bounded by the identification timeout, compiles uncached, and its
# failure is remembered, so the next compile does not wait again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cclib.sh"

GCC=$(command -v gcc)
cd "$T/work" || exit 1
printf 'int m;\n' >m.c
printf 'int s;\n' >s.c
mkdir -p "$T/slow"
# Named gcc, so that the server takes it for one; it hangs only when asked who it is.
cat >"$T/slow/gcc" <<EOS
#!/bin/bash
[ "\$1" = -dumpversion ] && exec sleep 30
exec $GCC "\$@"
EOS
chmod +x "$T/slow/gcc"

# now_ms: a monotonic-enough clock in milliseconds.
now_ms() { date +%s%3N; }

zccache "$GCC" -c m.c -o m.o
zccache "$GCC" -c m.c -o m.o
is "a warm hit to compare with" "$(cnt direct_hit)" 1

t0=$(now_ms)
zccache "$T/slow/gcc" -c s.c -o s.o 2>"$T/slow.err" &
slow=$!
sleep 1
sleeping() { pgrep -f "^sleep 30$" >/dev/null; }
ok "the hung compiler is being identified" sleeping
t1=$(now_ms)
zccache "$GCC" -c m.c -o m.o
t2=$(now_ms)
is "meanwhile, a hit of gcc is served" "$(cnt direct_hit)" 2
hit_ms=$((t2 - t1))
diag "the concurrent hit took $hit_ms ms"
# Blocked, it would wait out the 10 s -dumpversion timeout; the margin is for
# a loaded machine.
ok "... without waiting for the hung one (under 5 s, took $hit_ms ms)" test "$hit_ms" -lt 5000
t1=$(now_ms)
"$CTL" --json --no-start status >/dev/null
t2=$(now_ms)
ok "... and status too (under 5 s, took $((t2 - t1)) ms)" test $((t2 - t1)) -lt 5000
ok "the slow compile is still waiting" pid_alive "$slow"

wait "$slow"
rc=$?
t3=$(now_ms)
is "the hung compiler's compile exits 0" "$rc" 0
ok "it produced its object" test -s s.o
diag "the hung compiler's compile took $((t3 - t0)) ms"
ok "bounded by the identification timeout (under 25 s)" test $((t3 - t0)) -lt 25000
is "nothing on its stderr" "$(cat "$T/slow.err")" ""
ok "the log says it could not be identified" grep -q "cannot identify compiler $T/slow/gcc" "$ZCCACHE_DIR/log"
is "it ran uncached as an unknown compiler" "$(cnt uncacheable.unknown_compiler)" 1

t4=$(now_ms)
zccache "$T/slow/gcc" -c s.c -o s.o
t5=$(now_ms)
diag "again: $((t5 - t4)) ms"
ok "again within the minute: the failure is remembered (under 3 s)" test $((t5 - t4)) -lt 3000
is "counted again" "$(cnt uncacheable.unknown_compiler)" 2
pkill -f "^sleep 30$" 2>/dev/null
"$CTL" stop >/dev/null
done_testing
