#!/bin/bash
# p1-07-clang-pch-compile-header-touched: the clang PCH compile cached; h.h touched, its bytes the same: the PCH records the new mtime, so the cached one (old mtime) must not be served
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h.h
warm h.pch clang -O2 -x c-header -c h.h -o h.pch
sleep 1.1; touch h.h
final h.pch clang -O2 -x c-header -c h.h -o h.pch
verdict
