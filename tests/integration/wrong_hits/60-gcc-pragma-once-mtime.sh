#!/bin/bash
# 60-gcc-pragma-once-mtime: gcc #pragma once treats two files as one when size, mtime (seconds) and bytes match: two identical copies with different mtimes, then touch -r makes the mtimes equal; no byte changes (file identity class)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc
mkdir x y; printf "#pragma once\n#ifdef SEEN\n#define TWICE 1\n#endif\n#define SEEN 1\n" > x/h.h; cp x/h.h y/h.h; touch -d "2020-01-01 00:00:00" y/h.h; printf "#include \"x/h.h\"\n#include \"y/h.h\"\n#ifndef TWICE\n#define TWICE 0\n#endif\nint v = TWICE;\n" > a.c
warm a.o gcc -c a.c -o a.o
touch -r x/h.h y/h.h
final a.o gcc -c a.c -o a.o
verdict
