#!/bin/bash
# bench/bench.py keeps working: the quick mode's script on a tiny workload
# (6 C sources, one run, a 2-point scaling of a few dozen entries), without
# ccache and sccache. Checks what it writes, never a timing: figures on a
# shared machine are noise. Installs nothing: without gnuplot the chart must
# be skipped with a message saying so.
. "$(dirname "$0")/lib.sh"

out=$T/results
python3 "$SRCDIR/bench/bench.py" --quick --build "$ZCCACHE_BUILD" --workloads c --sources 6 --runs 1 \
	--no-ccache --no-sccache --scale-entries 20,40 --scale-jobs 1,2 --scale-runs 1 \
	--scale-dir "$T/work" --work "$T/work" --out "$out" >"$T/stdout" 2>"$T/stderr"
rc=$?
is "bench.py exits 0" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/stderr" | tail -n 30

ok "results.json written" test -s "$out/latest/results.json"
ok "results.md written" test -s "$out/latest/results.md"
ok "a timestamped folder holds the same results" \
	bash -c "ls -d '$out'/2*/results.json >/dev/null 2>&1"
ok "the Markdown table went to stdout too" grep -q '^| zccache |' "$T/stdout"

check_json() {
	python3 - "$out/latest/results.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("meta", "exec_floor_ms", "tools_missing", "workloads", "scaling", "targets", "chart", "chart_skipped"):
    assert k in r, k
assert r["exec_floor_ms"] > 0
assert set(r["tools_missing"]) == {"ccache", "sccache"}, r["tools_missing"]
w = r["workloads"]["c"]
assert w["compiles"] == 6 and w["runs"] == 1, w
for k in ("median", "min", "max", "runs"):
    assert k in w["floor"], k
for t in ("bare", "zccache"):
    e = w["tools"][t]
    for k in ("cold", "warm", "cold_over_bare", "warm_over_bare"):
        assert k in e, (t, k)
    assert len(e["cold"]["runs"]) == 1
z = w["tools"]["zccache"]
for k in ("hit_ms_per_compile", "hit_over_exec_floor", "cache_bytes", "entries", "bytes_per_entry",
          "server_rss_kib"):
    assert k in z, k
assert z["entries"] == 6, z["entries"]
assert z["server_rss_kib"] > 0
assert w["zccache_counters"].get("direct_hit") == 6, w["zccache_counters"]
s = r["scaling"]
assert [j["jobs"] for j in s["jobs_runs"]] == [1, 2]
assert [e["fill_entries"] for e in s["entries_runs"]] == [20, 40]
# The fill's fake compiles are cached: the fixed workload's 6 plus the fill.
assert [e["entries"] for e in s["entries_runs"]] == [26, 46], s["entries_runs"]
for e in s["entries_runs"]:
    for k in ("hit_ms_per_compile", "server_rss_kib", "bytes_per_entry", "fill_seconds", "warm", "floor"):
        assert k in e, k
assert len(r["targets"]) == 5, r["targets"]
EOF
}
ok "results.json holds every figure" check_json

if command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
	ok "chart.png drawn" test -s "$out/latest/chart.png"
	is "results.json names the chart" "$(jget chart <"$out/latest/results.json")" chart.png
else
	ok "no gnuplot: no chart.png" test ! -e "$out/latest/chart.png"
	ok "no gnuplot: the chart is skipped with a message" grep -q 'chart skipped: gnuplot is not installed' "$T/stderr"
	ok "no gnuplot: results.md says so" grep -q 'skipped: gnuplot is not installed' "$out/latest/results.md"
fi
# The emcc workload (--emcc): 2 C and 1 C++ units, one run, bare, zccache
# and (when installed) ccache; its hit check must have found both caching.
if command -v emcc >/dev/null && command -v em++ >/dev/null; then
	eout=$T/results-emcc
	python3 "$SRCDIR/bench/bench.py" --build "$ZCCACHE_BUILD" --emcc --emcc-units 2,1 --runs 1 \
		--no-sccache --work "$T/work" --out "$eout" >"$T/estdout" 2>"$T/estderr"
	rc=$?
	is "bench.py --emcc exits 0" "$rc" 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$T/estderr" | tail -n 30
	check_emcc_json() {
		python3 - "$eout/latest/results.json" "$(command -v ccache)" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert list(r["workloads"]) == ["emcc"], list(r["workloads"])
assert r["scaling"] == {} and "headers" not in r, "emcc alone runs nothing else"
w = r["workloads"]["emcc"]
assert w["compiles"] == 3, w["compiles"]
want = {"bare", "zccache"} | ({"ccache"} if sys.argv[2] else set())
assert set(w["tools"]) == want, (set(w["tools"]), r["tools_missing"])
assert w["zccache_counters"].get("direct_hit") == 3, w["zccache_counters"]
assert set(w["unit_hits"]) == {"floor"} | want - {"bare"}, w["unit_hits"]
for e in w["unit_hits"].values():
    assert e["ms"]["median"] > 0 and e["loops"] > 0, e
assert "cold_over_bare_paired" in w["tools"]["zccache"]
assert [t["target"].split(":")[0] for t in r["targets"]] == ["issue 13"] * 2, r["targets"]
assert r["meta"]["versions"].get("emcc"), r["meta"]["versions"]
EOF
	}
	ok "the emcc workload's results hold every tool that caches emcc" check_emcc_json
else
	skip_case "bench --emcc" "emcc not installed"
fi
# no_bench_server: no zccached of this test's sandbox runs any more.
no_bench_server() {
	local p
	for p in $(pgrep -x zccached); do
		tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -q "^ZCCACHE_SOCKET=$T/" && return 1
	done
	return 0
}
ok "no server left running" no_bench_server
ok "the scratch folder is removed" bash -c "! ls -d '$T'/work/zccache-bench.* >/dev/null 2>&1"
done_testing
