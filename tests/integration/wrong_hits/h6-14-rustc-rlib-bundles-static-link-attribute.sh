#!/bin/bash
# h6-14-rustc-rlib-bundles-static-link-attribute: CLASS rustc: native libraries named in the source (#[link]) not keyed: an rlib with #[link(name = "foo", kind = "static")] bundles b/libfoo.a; the archive rebuilt, the hit serves the rlib with the old copy inside
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need rustc gcc ar
R=$(rustc --print sysroot 2>/dev/null)/bin/rustc
[ -x "$R" ] || { echo "SKIP: no toolchain rustc"; exit 77; }
mkdir b
printf 'int foo(void){return 1;}\n' > f1.c; gcc -c f1.c -o f1.o; ar rcs b/libfoo.a f1.o
printf '#[link(name = "foo", kind = "static")]\nextern "C" { pub fn foo() -> i32; }\n' > l.rs
C="$R --crate-type lib --crate-name l --edition 2021 -L b --emit=dep-info,metadata,link --out-dir $PWD l.rs"
warm "libl.rlib libl.rmeta l.d" $C
printf 'int foo(void){return 2;}\n' > f2.c; gcc -c f2.c -o f1.o; ar rcs b/libfoo.a f1.o
final "libl.rlib libl.rmeta l.d" $C
verdict
