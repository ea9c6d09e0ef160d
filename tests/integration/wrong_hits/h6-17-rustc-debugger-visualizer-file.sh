#!/bin/bash
# h6-17-rustc-debugger-visualizer-file: CLASS rustc files read outside include! (held): #![debugger_visualizer(gdb_script_file)] embeds x.py in the rlib; rustc's dep-info names it, so an edit misses
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
printf 'print("one")\n' > x.py
printf '#![debugger_visualizer(gdb_script_file = "x.py")]\npub fn f() -> u32 { 1 }\n' > a.rs
C="$R --crate-type lib --crate-name a --edition 2021 --emit=dep-info,metadata,link --out-dir $PWD a.rs"
warm "liba.rlib liba.rmeta a.d" $C
printf 'print("two")\n' > x.py
final "liba.rlib liba.rmeta a.d" $C
verdict
