#!/bin/bash
# h7-08-pp-directives-only-pragma-dependency: CLASS preprocessor mode, an option that makes the -E skip what the compile does: with -fdirectives-only the -E leaves _Pragma("GCC dependency ...") unrun (silent), the compile runs it; dep.txt made newer after the store keeps the key, the hit misses the compile's warning
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"
hits() { "$BIN/zccachectl" --json stats 2>/dev/null | sed -n 's/.*"preprocessor_hit": \([0-9]*\).*/\1/p'; }

# ---- case ----
need gcc
echo data > dep.txt; touch -d '-1 hour' dep.txt
printf '_Pragma("GCC dependency \\"dep.txt\\"")\nint v = 1;\n' > p.c
zc gcc -fdirectives-only -c p.c -o p.o  # learns the route (a dependency pragma)
warm p.o gcc -fdirectives-only -c p.c -o p.o
touch -d '+1 hour' dep.txt
final p.o gcc -fdirectives-only -c p.c -o p.o
verdict
