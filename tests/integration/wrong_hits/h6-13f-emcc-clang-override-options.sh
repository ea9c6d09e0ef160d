#!/bin/bash
# h6-13f-emcc-clang-override-options: CLASS emcc environment not sent or keyed, through the clang it runs: CCC_OVERRIDE_OPTIONS edits clang's command line (here -DV=3, and a "### Adding argument" line on stderr); the clang family keys it, emcc's row did not, so a hit served the object made without it
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need emcc
printf '#ifndef V\n#define V 2\n#endif\nint a(void) { return V; }\n' > a.c
warm a.o emcc -c a.c -o a.o
export CCC_OVERRIDE_OPTIONS='+-DV=3'
final a.o emcc -c a.c -o a.o
verdict
