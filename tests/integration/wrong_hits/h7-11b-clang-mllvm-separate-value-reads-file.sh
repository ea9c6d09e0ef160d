#!/bin/bash
# h7-11b-clang-mllvm-separate-value-reads-file: CLASS a file read by an LLVM option passed through -mllvm, the value in the next -mllvm (-mllvm -dfsan-abilist -mllvm abi.txt): abi.txt changed after the store must change the key
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf 'int g(int);\nint f(int x) { return g(x) + 1; }\n' > a.c
: > abi.txt
C="clang -O1 -fsanitize=dataflow -mllvm -dfsan-abilist -mllvm abi.txt -c a.c -o a.o"
warm a.o $C
sleep 1.1; printf 'fun:g=uninstrumented\nfun:g=discard\n' > abi.txt
final a.o $C
verdict
