#!/bin/bash
# 08-known-concurrent-same-o: two concurrent compiles of different sources to the same -o path store each other's object (known class 4); racy: up to 15 tries
# Usage: $0 BINDIR   (folder holding zccache, zccached, zccachectl)
# Exit: 1 = wrong behaviour reproduced, 0 = cache behaved like the bare compiler, 77 = cannot run here.
. "$(dirname "$0")/caselib.bash"

# ---- case ----
need gcc python3
python3 - <<'PY'
for n, val in (('a', 1), ('b', 2)):
    with open(n + '.c', 'w') as f:
        f.write('int v_%s = %d;\n' % (n, val))
        for i in range(40):
            f.write('int %s_fn%d(int x){ int s=0; for(int j=0;j<x;j++) s+=j*%d^(s>>3); return s; }\n' % (n, i, i))
PY
gcc -O2 -c a.c -o ref_a.o; gcc -O2 -c b.c -o ref_b.o
echo 'int w;' > w.c; zc gcc -c w.c -o w.o >/dev/null 2>&1   # start the server
for i in $(seq 1 15); do
  zc gcc -O2 -c a.c -o out.o & zc gcc -O2 -c b.c -o out.o; wait
  for s in a b; do
    h0=$(hits); zc gcc -O2 -c $s.c -o chk.o; h1=$(hits)
    if [ "$h0" != "$h1" ] && ! cmp -s chk.o ref_$s.o; then
      echo "try $i: compile of $s.c was a HIT but its object differs from gcc's (the entry holds the other source's object)"
      HIT=1; DIFF=1; verdict
    fi
  done
  "$BIN/zccachectl" flush >/dev/null
done
echo "no cross-stored object seen in 15 tries"
verdict
