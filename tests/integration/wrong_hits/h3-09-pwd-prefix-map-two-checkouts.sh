#!/bin/bash
# 09-pwd-prefix-map-two-checkouts: two checkouts entered through symlinks (PWD=<link>), each built with -fdebug-prefix-map=<physical cwd>=. (as make's $(CURDIR) gives): gcc matches maps against $PWD, so the map does not apply and DW_AT_comp_dir is the link path; zccache takes the map as erasing the cwd, so checkout b hits checkout a's entry (process cwd model)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. $(dirname "$0")/caselib.bash

# ---- case ----
need gcc
for c in a b; do mkdir "$T/$c"; printf 'int v(int x){ return x+1; }\n' > "$T/$c/x.c"; ln -s "$T/$c" "$T/l$c"; done
cd "$T/a"; export PWD=$T/la
warm x.o gcc -g -fdebug-prefix-map=$T/a=. -c x.c -o x.o
cd "$T/b"; export PWD=$T/lb
final x.o gcc -g -fdebug-prefix-map=$T/b=. -c x.c -o x.o
verdict
