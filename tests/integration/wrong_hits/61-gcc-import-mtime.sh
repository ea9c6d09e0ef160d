#!/bin/bash
# 61-gcc-import-mtime: gcc #import of two identical copies: equal mtimes make gcc skip the second one; only the mtime changes (file identity class)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir x y; printf "#ifdef SEEN\n#define TWICE 1\n#endif\n#define SEEN 1\n" > x/h.h; cp x/h.h y/h.h; touch -d "2020-01-01 00:00:00" y/h.h
printf "#import \"x/h.h\"\n#import \"y/h.h\"\n#ifndef TWICE\n#define TWICE 0\n#endif\nint v = TWICE;\n" > a.c
warm a.o gcc -Wno-deprecated -c a.c -o a.o
touch -r x/h.h y/h.h
final a.o gcc -Wno-deprecated -c a.c -o a.o
verdict
