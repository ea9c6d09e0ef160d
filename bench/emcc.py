"""The Emscripten workload (--emcc): a generated project of C and C++ units
(a C library and a C++ part, each with its own Makefile, under one top-level
make -jN that shares the jobserver) built with CC=emcc CXX=em++ bare, through
`zccache emcc`, `ccache emcc` (ccache treats emcc as clang) and `sccache
emcc`: cold, warm and floor builds as for the other make workloads (see
bench.compare), plus a check that each cache tool really served the warm
build from its cache, so that a tool which only ran emcc is reported as such
rather than as a slow cache."""

import contextlib
import os
import re
import shutil
import statistics
import subprocess
import time

# Debian's emscripten 3.1.6: emcc -c costs ~0.85 s per small unit, so 32
# units keep --runs 3 with four tools near ten minutes on two cores.
C_UNITS = 24
CXX_UNITS = 8


def gen_emcc(root, gen_c, gen_cxx, nc=C_UNITS, nx=CXX_UNITS):
    """root/lib (C units, system and project headers), root/app (C++ units
    with the standard library's heavy headers), root/Makefile over both."""
    gen_c(os.path.join(root, "lib"), nc)
    gen_cxx(os.path.join(root, "app"), nx)
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(".PHONY: all lib app clean\nall: lib app\n"
                "lib:\n\t$(MAKE) -C lib\napp:\n\t$(MAKE) -C app\n"
                "clean:\n\t$(MAKE) -C lib clean\n\t$(MAKE) -C app clean\n")


class EmccWorkload:
    """A make workload with two compilers (emcc for C, em++ for C++); the
    floor build replaces both by touchcc."""

    tools = ("bare", "zccache", "ccache", "sccache")

    def __init__(self, root, run, env, nc=C_UNITS, nx=CXX_UNITS):
        self.name, self.title, self.root, self.run, self.env = "emcc", "Emscripten project (make, emcc/em++)", \
            root, run, env
        self.compiles, self.compiler = nc + nx, "emcc"

    def setup(self, tools, floor_cc):
        self.floor_cc = floor_cc

    def build(self, tool, prefix, jobs, env=None):
        for sub in ("lib", "app"):
            shutil.rmtree(os.path.join(self.root, sub, "obj"), ignore_errors=True)
        if tool == "floor":
            cc, cxx = self.floor_cc, self.floor_cc
        else:
            cc, cxx = " ".join(prefix + ["emcc"]), " ".join(prefix + ["em++"])
        t = time.monotonic()
        self.run(["make", "-s", "-C", self.root, f"-j{jobs}", f"CC={cc}", f"CXX={cxx}"], env or self.env)
        return time.monotonic() - t


def hit_check(tools, env):
    """One C unit by emcc and one C++ unit by em++, each compiled twice by
    each cache tool in a folder of its own: a tool whose second compiles
    were not both counted as hits does not cache emcc, and is left out with
    that reason. Also times the first compile of each driver bare and
    through zccache: zccached's first emcc or em++ compile after it starts
    asks the driver its version, machine and include folders (Python each
    time), which no later cold build pays. Returns (tool -> why, timings)."""
    d = os.path.join(os.path.dirname(env["ZCCACHE_DIR"]), "emcc-check")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "t.c"), "w") as f:
        f.write("#include <string.h>\nint f(const char *s) { return (int)strlen(s); }\n")
    with open(os.path.join(d, "u.cpp"), "w") as f:
        f.write("#include <string>\nint g(const std::string &s) { return (int)s.size(); }\n")
    units = (("emcc", "t.c", "t.o"), ("em++", "u.cpp", "u.o"))
    why, first = {}, {}

    def compile_(prefix, drv, src, obj):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(d, obj))
        t0 = time.monotonic()
        subprocess.run(prefix + [drv, "-c", src, "-o", obj], env=env, cwd=d, check=True, capture_output=True,
                       timeout=300)
        return time.monotonic() - t0

    first["bare"] = {drv: compile_([], drv, src, obj) for drv, src, obj in units}
    for t in ("zccache", "ccache", "sccache"):
        if t not in tools.prefix:
            continue
        try:
            tools.empty(t)
            if t == "zccache":
                tools.zstats(zero=True)
            for k in range(2):
                times = {drv: compile_(tools.prefix[t], drv, src, obj) for drv, src, obj in units}
                if k == 0 and t == "zccache":
                    first[t] = times
            if t == "zccache":
                ok = (tools.zstats() or {}).get("direct_hit", 0) == 2
            elif t == "ccache":
                out = subprocess.run(["ccache", "-s", "-v"], env=env, capture_output=True, text=True).stdout
                ok = bool(re.search(r"Hits:\s+2\b", out))
            else:
                out = subprocess.run(["sccache", "--show-stats"], env=env, capture_output=True, text=True).stdout
                ok = bool(re.search(r"Cache hits\s+2\b", out))
            if not ok:
                why[t] = "does not cache emcc: units compiled twice by emcc and em++ were not both hits"
        except (subprocess.SubprocessError, OSError) as e:
            why[t] = f"fails on emcc: {str(e).strip().splitlines()[0][:200]}"
    shutil.rmtree(d, ignore_errors=True)
    return why, first


def versions(env):
    try:
        r = subprocess.run(["emcc", "--version"], env=env, capture_output=True, text=True, timeout=60)
        return r.stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return None


def targets(w):
    """Issue 13's targets from the emcc workload: the hit above the exec
    floor from unit_hits (the build's figure, above the floor build, says
    the same with make's noise), cold / bare paired run by run (the load of
    a shared machine moves between runs more than within one)."""
    z = w["tools"]["zccache"]
    u = (w.get("unit_hits") or {}).get("zccache")
    hit = u["over_floor_ms"] if u else z["hit_ms_per_compile"]
    cold = z.get("cold_over_bare_paired") or z["cold_over_bare"]
    return [{"target": "issue 13: emcc hit <= 2 ms per compile above the exec floor", "workload": "emcc",
             "value": hit, "limit": 2.0, "unit": "ms per compile", "met": hit <= 2.0},
            {"target": "issue 13: emcc cold <= 1.05 x bare emcc (paired per run)", "workload": "emcc",
             "value": cold, "limit": 1.05, "unit": "cold / bare", "met": cold <= 1.05}]


# Hits per round in unit_hits: enough for a stable mean of a ~1 ms process;
# sccache preprocesses every hit (~0.7 s with emcc), so a few suffice.
UNIT_HIT_LOOPS = {"floor": 300, "zccache": 300, "ccache": 100, "sccache": 3}


def unit_hits(w, tools, spawnloop, touchcc, names, rounds=5):
    """One unit's hit as a whole process, the exact command make ran for
    lib/src/unit0.c, its object and depfile removed before each run as in
    a build from clean, timed in C by spawnloop (mean of UNIT_HIT_LOOPS
    runs) against touchcc given the same arguments, rounds alternated: the build
    figure divides ~10 ms of make's noise by 32 compiles, this one does not.
    Returns tool -> {"ms": stats of the mean per round, "over_floor_ms"}."""
    d = os.path.join(w.root, "lib")
    os.makedirs(os.path.join(d, "obj"), exist_ok=True)
    args = ["-O2", "-g", "-Wall", "-Iinclude", "-MD", "-MF", "obj/unit0.o.d", "-c", "src/unit0.c",
            "-o", "obj/unit0.o"]
    argv = {"floor": [touchcc] + args}
    for t in names:
        if t != "bare":
            exe = shutil.which(tools.prefix[t][0], path=tools.env.get("PATH"))
            argv[t] = [exe] + tools.prefix[t][1:] + ["emcc"] + args
            subprocess.run(argv[t], env=tools.env, cwd=d, check=True, capture_output=True)  # prime
    per = {t: [] for t in argv}
    for r in range(rounds):
        for t in (list(argv) if r % 2 == 0 else list(argv)[::-1]):
            out = subprocess.run([spawnloop, "-u", "obj/unit0.o", "-u", "obj/unit0.o.d",
                                  str(UNIT_HIT_LOOPS.get(t, 10))] + argv[t], env=tools.env, cwd=d,
                                 check=True, capture_output=True, text=True).stdout
            per[t].append(float(out) / 1e6)
    fl = statistics.median(per["floor"])
    return {t: {"ms": {"runs": [round(x, 4) for x in xs], "median": statistics.median(xs), "min": min(xs),
                       "max": max(xs)},
                "over_floor_ms": statistics.median(xs) - fl, "loops": UNIT_HIT_LOOPS.get(t, 10)}
            for t, xs in per.items()}


def report_unit_hits(u):
    """Lines for results.md."""
    L = ["One unit's hit as a whole process (`lib/src/unit0.c`, make's exact command, its object and "
         "depfile removed before each run, mean of N runs by spawnloop, median of 5 rounds; floor: touchcc "
         "with the same arguments):", "",
         "| tool | runs per round | per compile | above the floor |", "| --- | --- | --- | --- |"]
    for t, e in u.items():
        L.append(f"| {t} | {e['loops']} | {e['ms']['median']:.3f} ms ({e['ms']['min']:.3f}-{e['ms']['max']:.3f}) "
                 f"| {'-' if t == 'floor' else format(e['over_floor_ms'], '.3f') + ' ms'} |")
    return L + [""]


def report_first(first):
    """A line for results.md: the server's first emcc/em++ compile."""
    if "zccache" not in first:
        return []
    parts = [f"{drv} {first['zccache'][drv]:.2f} s against {first['bare'][drv]:.2f} s bare" for drv in first["bare"]]
    return ["The server's first compile by each driver after it started (it asks the driver its version, machine "
            "and include folders once per server lifetime; later cold builds do not pay this until it exits): " + ", ".join(parts) + ".", ""]
