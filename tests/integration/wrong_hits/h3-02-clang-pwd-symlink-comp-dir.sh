#!/bin/bash
# 02-clang-pwd-symlink-comp-dir: clang -g records $PWD (when it names the cwd, e.g. through a symlink) as DW_AT_comp_dir; entry stored with PWD=<real path> is hit with PWD=<symlink path>
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need clang
printf 'int v(int x){ return x+1; }\n' > a.c
ln -s "$T/w" "$T/link"
export PWD=$T/w
warm a.o clang -g -c a.c -o a.o
export PWD=$T/link       # same folder, reached through a symlink (as a shell does after cd link)
final a.o clang -g -c a.c -o a.o
verdict
