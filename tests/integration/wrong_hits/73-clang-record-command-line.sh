#!/bin/bash
# 73-clang-record-command-line: clang -frecord-command-line records the arguments zccache injects (-MD -MF <tmp>.d) in .GCC.command.line; wrong on the miss and served on hits (new class: injected arguments visible in output)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang readelf
echo 'int v = 1;' > a.c
warm a.o clang -frecord-command-line -c a.c -o a.o
final a.o clang -frecord-command-line -c a.c -o a.o
echo "zccache's object: $(readelf -p .GCC.command.line "$T/zc.a.o" | grep '\[' | cut -c1-200)"
echo "clang's object:   $(readelf -p .GCC.command.line a.o | grep '\[' | cut -c1-200)"
verdict "outputs differ even on a miss" 1
