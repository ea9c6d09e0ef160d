#!/bin/bash
# h6-07-rustc-link-attribute-lib-search: CLASS rustc link: libraries named by #[link(name)] (not -l) are not searched for in the key: libfoo.a appears in -L a before the -L b one the store linked, the hit serves the old binary
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc gcc ar
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir a b
printf 'int foo(void){return 1;}\n' > f1.c; gcc -c f1.c -o f1.o; ar rcs b/libfoo.a f1.o
printf '#[link(name = "foo")]\nextern "C" { fn foo() -> i32; }\nfn main() { println!("{}", unsafe { foo() }); }\n' > m.rs
C="$R --crate-type bin --crate-name m --edition 2021 -L a -L b --emit=dep-info,link --out-dir $PWD m.rs"
warm "m m.d" $C
printf 'int foo(void){return 2;}\n' > f2.c; gcc -c f2.c -o f2.o; ar rcs a/libfoo.a f2.o
final "m m.d" $C
verdict
