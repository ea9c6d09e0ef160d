#!/bin/bash
# h6-09e-clang-chained-pch-no-timestamp: CLASS clang PCH input mtimes, in a PCH compile: h2.pch made with -Xclang -fno-pch-timestamp (it records no mtimes itself) loads h1.pch, which does; h1.h set back to 2001: clang rejects h1.pch, a hit must not serve h2.pch
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need clang
printf '#define V 2\n' > h1.h; printf 'static int w = V;\n' > h2.h
clang -O2 -x c-header h1.h -o h1.pch
warm h2.pch clang -O2 -Xclang -fno-pch-timestamp -include-pch h1.pch -x c-header -c h2.h -o h2.pch
touch -d "2001-01-01" h1.h
final h2.pch clang -O2 -Xclang -fno-pch-timestamp -include-pch h1.pch -x c-header -c h2.h -o h2.pch
verdict
