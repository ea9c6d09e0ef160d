#!/bin/bash
# 10-clang-member-inc-uncacheable: clang: ordinary C/C++ with a member access s.incoming / c.increment() (".inc" in code) is never cached: uncacheable.assembler_include (false uncacheable: assembler-include heuristic)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = a compile that should be cached is not, 0 = cached, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang clang++
printf 'struct stats { long incoming, outgoing; };\nlong total(struct stats s){ return s.incoming + s.outgoing; }\n' > a.c
printf 'struct counter { int n; void increment() { n++; } };\nint f(){ counter c{0}; c.increment(); return c.n; }\n' > b.cc
bad=0
for cmd in "clang -c a.c -o a.o" "clang++ -c b.cc -o b.o"; do
  r=$(warm "a.o b.o" $cmd); echo "$cmd: $r"
  case $r in *NOT*) bad=1;; esac
done
"$BIN/zccachectl" --json stats | grep uncacheable | grep -v ': 0'
if [ $bad = 1 ]; then echo "RESULT: FALSE UNCACHEABLE"; exit 1; fi
echo "RESULT: ok (cached)"; exit 0
