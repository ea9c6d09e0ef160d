#!/bin/bash
# 11-paste-time-piece-uncacheable: a source that pastes x##_TIME (START_TIME, END_TIME) is never cached: uncacheable.time_macros, though no __TIME__ can come of it (false uncacheable: time-piece heuristic)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = a compile that should be cached is not, 0 = cached, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc
printf '#define STAMP(x) long x##_TIME;\nSTAMP(START)\nSTAMP(END)\n' > a.c
r=$(warm a.o gcc -c a.c -o a.o); echo "gcc -c a.c -o a.o: $r"
"$BIN/zccachectl" --json stats | grep uncacheable | grep -v ': 0'
case $r in *NOT*) echo "RESULT: FALSE UNCACHEABLE"; exit 1;; esac
echo "RESULT: ok (cached)"; exit 0
