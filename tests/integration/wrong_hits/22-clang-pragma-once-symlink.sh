#!/bin/bash
# 22-clang-pragma-once-symlink: clang #pragma once by identity: y/h.h, a copy of x/h.h, replaced by a symlink to it (file identity)
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
mkdir x y; printf '#pragma once\n#ifdef SEEN\n#define TWICE 1\n#endif\n#define SEEN 1\n' > x/h.h; cp x/h.h y/h.h; printf '#include "x/h.h"\n#include "y/h.h"\n#ifndef TWICE\n#define TWICE 0\n#endif\nint v = TWICE;\n' > a.c
warm a.o clang -c a.c -o a.o
ln -sf ../x/h.h y/h.h
final a.o clang -c a.c -o a.o
verdict
