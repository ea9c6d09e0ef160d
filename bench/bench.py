#!/usr/bin/env python3
"""Side-by-side build benchmark of zccache against the bare compiler, ccache
(direct mode, its default) and sccache, in ONE run, on the same workloads,
each built through its real build tool, the order of the tools alternated
from run to run so that machine drift hits all of them alike.

Workloads: a generated C project (make -j), a generated C++ project with
heavy standard headers (make -j), zccache's own source tree (meson + ninja).
Figures: cold build (empty cache) and warm build (cache full, objects
deleted), median/min/max of --runs; the floor build (the compiler replaced by
a program that only creates its outputs) and the warm-hit cost per compile
derived from it; the exec floor; cold / bare; cache size per entry; server
resident memory; scaling with the number of cache entries (filled by a fast
fake compiler) and with the number of parallel jobs.

Writes results.json, results.md and chart.png (gnuplot, if installed) under
--out/<timestamp>/ and a copy under --out/latest/. Not a test: figures on a
shared machine are noisy; read the ratios. See bench/README.md.

  bench/run                        # installs what it needs, then full mode
  python3 bench/bench.py --quick   # one small workload, 3 runs, < 5 minutes
  python3 bench/bench.py           # full mode
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emcc  # noqa: E402
import headers  # noqa: E402
import realcmake  # noqa: E402
import rust  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = ("bare", "zccache", "ccache", "sccache")
C_HEADERS = 12
CXX_HEADERS = 10
T0 = time.monotonic()


def log(msg):
    print(f"[bench {time.monotonic() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


def run(argv, env, cwd=None, quiet=True, check=True, timeout=None):
    r = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:6])}... failed ({r.returncode}):\n"
                           f"{(r.stdout or '')[-2000:]}{r.stderr[-2000:]}")
    return r


def stats(xs):
    if not xs:
        return None
    return {"runs": [round(x, 4) for x in xs], "median": statistics.median(xs), "min": min(xs), "max": max(xs)}


# ---- generated workloads --------------------------------------------------

def gen_c(root, n):
    """n C translation units, each including a realistic mix of system and
    project headers, so that a hit has a closure to re-validate."""
    inc, src = os.path.join(root, "include"), os.path.join(root, "src")
    os.makedirs(inc)
    os.makedirs(src)
    for h in range(C_HEADERS):
        with open(os.path.join(inc, f"mod{h}.h"), "w") as f:
            f.write(f"#ifndef MOD{h}_H\n#define MOD{h}_H\n#include <stddef.h>\n#include <stdint.h>\n")
            f.write(f"struct mod{h} {{ int a[{h + 4}]; double d; uint64_t u; }};\n")
            for k in range(20):
                f.write(f"static inline int mod{h}_f{k}(int x) {{ return x * {k + 1} + {h}; }}\n")
            f.write("#endif\n")
    sysh = ["stdio.h", "stdlib.h", "string.h", "math.h", "errno.h", "stdbool.h", "assert.h",
            "time.h", "unistd.h", "sys/types.h", "sys/stat.h", "fcntl.h"]
    for i in range(n):
        with open(os.path.join(src, f"unit{i}.c"), "w") as f:
            for k in range(8):
                f.write(f"#include <{sysh[(i + k) % len(sysh)]}>\n")
            f.write("#include <stdio.h>\n#include <string.h>\n")
            for h in range(i % C_HEADERS, i % C_HEADERS + 6):
                f.write(f'#include "mod{h % C_HEADERS}.h"\n')
            for k in range(30):
                f.write(f"int unit{i}_fn{k}(int x) {{ int s = 0; for (int j = 0; j < x; j++) "
                        f"s += mod{i % C_HEADERS}_f{k % 20}(j) ^ {k}; return s + (int)strlen(\"{i}\"); }}\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write("CC ?= gcc\nSRCS := $(wildcard src/*.c)\nOBJS := $(SRCS:src/%.c=obj/%.o)\n"
                "all: $(OBJS)\nobj/%.o: src/%.c | obj\n"
                "\t$(CC) -O2 -g -Wall -Iinclude -MD -MF $@.d -c $< -o $@\n"
                "obj:\n\tmkdir -p obj\nclean:\n\trm -rf obj\n")


def gen_cxx(root, n):
    """n C++ translation units, each with the heavy standard headers and a few
    project headers holding templates."""
    inc, src = os.path.join(root, "include"), os.path.join(root, "src")
    os.makedirs(inc)
    os.makedirs(src)
    for h in range(CXX_HEADERS):
        with open(os.path.join(inc, f"mod{h}.hpp"), "w") as f:
            f.write(f"#pragma once\n#include <vector>\n#include <string>\n#include <map>\n"
                    f"#include <memory>\n#include <algorithm>\nnamespace mod{h} {{\n"
                    f"template <typename T> struct Box {{\n  std::vector<T> items;\n"
                    f"  std::map<std::string, T> named;\n"
                    f"  void add(const std::string &k, T v) {{ items.push_back(v); named[k] = v; }}\n"
                    f"  T sum() const {{ T s{{}}; for (auto &x : items) s += x; return s + T({h}); }}\n"
                    f"  void sort() {{ std::sort(items.begin(), items.end()); }}\n}};\n"
                    f"inline std::unique_ptr<Box<int>> make() {{ return std::make_unique<Box<int>>(); }}\n}}\n")
    extra = ["unordered_map", "sstream", "functional", "set", "optional", "numeric", "deque", "tuple"]
    for i in range(n):
        with open(os.path.join(src, f"unit{i}.cpp"), "w") as f:
            f.write("#include <vector>\n#include <string>\n#include <map>\n#include <algorithm>\n"
                    "#include <memory>\n#include <iostream>\n")
            f.write(f"#include <{extra[i % len(extra)]}>\n#include <{extra[(i + 3) % len(extra)]}>\n")
            for h in range(i % CXX_HEADERS, i % CXX_HEADERS + 3):
                f.write(f'#include "mod{h % CXX_HEADERS}.hpp"\n')
            m = i % CXX_HEADERS
            f.write(f"int unit{i}_run(int n) {{\n  auto b = mod{m}::make();\n"
                    f"  for (int k = 0; k < n; k++) b->add(std::to_string(k * {i + 1}), k);\n"
                    f"  b->sort();\n  std::vector<std::string> names;\n"
                    f"  for (auto &kv : b->named) names.push_back(kv.first);\n"
                    f"  std::sort(names.begin(), names.end());\n"
                    f"  if (n < 0) std::cout << names.size() << '\\n';\n"
                    f"  return b->sum() + (int)names.size();\n}}\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write("CXX ?= g++\nSRCS := $(wildcard src/*.cpp)\nOBJS := $(SRCS:src/%.cpp=obj/%.o)\n"
                "all: $(OBJS)\nobj/%.o: src/%.cpp | obj\n"
                "\t$(CXX) -O2 -g -std=c++17 -Wall -Iinclude -MD -MF $@.d -c $< -o $@\n"
                "obj:\n\tmkdir -p obj\nclean:\n\trm -rf obj\n")


class MakeWorkload:
    def __init__(self, name, title, root, var, compiler, n, env):
        self.name, self.title, self.root, self.var, self.compiler = name, title, root, var, compiler
        self.compiles, self.env = n, env

    def setup(self, tools, floor_cc):
        self.floor_cc = floor_cc

    def cc(self, tool_prefix):
        return " ".join(tool_prefix + [self.compiler])

    def build(self, tool, prefix, jobs, env=None):
        shutil.rmtree(os.path.join(self.root, "obj"), ignore_errors=True)
        cc = self.floor_cc if tool == "floor" else self.cc(prefix)
        t = time.monotonic()
        run(["make", "-s", "-C", self.root, f"-j{jobs}", f"{self.var}={cc}"], env or self.env)
        return time.monotonic() - t


class NinjaWorkload:
    """zccache's own tree, configured by meson once per tool (CC="TOOL gcc");
    a timed build is ninja building every object (links are left out: no
    tool caches them, and the floor cannot link empty objects)."""

    def __init__(self, name, title, src, work, env):
        self.name, self.title, self.src, self.work, self.env = name, title, src, work, env
        self.dirs, self.objs, self.compiler = {}, [], "gcc"

    def _setup_dir(self, key, cc):
        d = os.path.join(self.work, key)
        env = dict(self.env, CC=cc)
        env.pop("CXX", None)
        r = run(["meson", "setup", d, self.src], env, check=False)
        if r.returncode != 0:
            shutil.rmtree(d, ignore_errors=True)
            run(["meson", "setup", "-Dtests=false", d, self.src], env)
        return d

    def setup(self, tools, floor_cc):
        for t, prefix in tools.items():
            self.dirs[t] = self._setup_dir(t, " ".join(prefix + ["gcc"]))
        d = self.dirs["floor"] = self._setup_dir("floor", "gcc")
        path = os.path.join(d, "build.ninja")
        with open(path) as f:
            text = f.read()
        text, n = re.subn(r"(rule c_COMPILER\n command = )\S+( \$ARGS)", rf"\g<1>{floor_cc}\g<2>", text)
        if n != 1:
            raise RuntimeError("cannot find the c_COMPILER rule in meson's build.ninja")
        with open(path, "w") as f:
            f.write(text)
        out = run(["ninja", "-C", d, "-t", "targets", "all"], self.env).stdout
        self.objs = sorted(line.split(":")[0] for line in out.splitlines()
                           if line.endswith(": c_COMPILER"))
        self.compiles = len(self.objs)

    def build(self, tool, prefix, jobs, env=None):
        d = self.dirs[tool]
        for o in self.objs:
            try:
                os.unlink(os.path.join(d, o))
            except FileNotFoundError:
                pass
        t = time.monotonic()
        run(["ninja", "-C", d, f"-j{jobs}"] + self.objs, env or self.env)
        return time.monotonic() - t


# ---- tools ------------------------------------------------------------------

def du(path):
    """Bytes on disk (blocks) and entries below path."""
    total = 0
    for dp, _, files in os.walk(path):
        for fn in files:
            try:
                total += os.lstat(os.path.join(dp, fn)).st_blocks * 512
            except OSError:
                pass
    return total


def vmrss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_detail_kib(pid):
    """VmRSS split: RssAnon (heap), RssFile and RssShmem (mapped files, such
    as the index's LMDB map; on tmpfs those count as shmem), and VmHWM."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k = line.split(":")[0]
                if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                    out[k] = int(line.split()[1])
    except (OSError, TypeError):
        pass
    return out or None


def first_line(argv, env):
    try:
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=20)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return None


class Tools:
    def __init__(self, a, work, build):
        self.work = work
        self.zccache = os.path.join(build, "src/launcher/zccache")
        self.zctl = os.path.join(build, "src/ctl/zccachectl")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CCACHE_", "SCCACHE_", "ZCCACHE_")) and k not in ("CC", "CXX")}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env.update({
            "ZCCACHE_DIR": os.path.join(work, "zccache"),
            "ZCCACHE_SOCKET": os.path.join(work, "run", "zc.sock"),
            "ZCCACHE_CONFIG": os.path.join(work, "zccache.conf"),
            "ZCCACHE_SERVER": os.path.join(build, "src/server/zccached"),
            "CCACHE_DIR": os.path.join(work, "ccache"),
            "SCCACHE_DIR": os.path.join(work, "sccache"),
            "SCCACHE_SERVER_PORT": str(port),
            "SCCACHE_IDLE_TIMEOUT": "0",
            "SCCACHE_CACHE_SIZE": "20G",
            "LC_ALL": "C",
        })
        # The server must outlive the pauses while other tools build.
        with open(env["ZCCACHE_CONFIG"], "w") as f:
            f.write("idle_timeout = 0\n")
        self.env = env
        self.prefix = {"bare": [], "zccache": [self.zccache]}
        self.missing = {}
        self.versions = {"gcc": first_line(["gcc", "--version"], env),
                         "g++": first_line(["g++", "--version"], env),
                         "zccache": first_line([self.zccache, "--version"], env),
                         "make": first_line(["make", "--version"], env),
                         "ninja": first_line(["ninja", "--version"], env),
                         "meson": first_line(["meson", "--version"], env)}
        for t in ("ccache", "sccache"):
            if getattr(a, f"no_{t}"):
                self.missing[t] = f"left out (--no-{t})"
            elif not shutil.which(t):
                self.missing[t] = f"not installed ({t} not in PATH; bench/run installs it)"
            else:
                self.versions[t] = first_line([t, "--version"], env)
                self.prefix[t] = [t]
        if "sccache" in self.prefix:
            err = self._sccache_check()
            if err:
                self.missing["sccache"] = f"unusable: {err}"
                del self.prefix["sccache"]
                log(f"sccache left out: {err}")
        if "ccache" in self.prefix:
            run(["ccache", "-C"], env)

    def _sccache_check(self):
        d = os.path.join(self.work, "sccache-check")
        os.makedirs(d)
        with open(os.path.join(d, "t.c"), "w") as f:
            f.write("int f(void) { return 1; }\n")
        try:
            self._sccache_restart()
            for _ in range(2):
                run(["sccache", "gcc", "-c", "t.c", "-o", "t.o"], self.env, cwd=d, timeout=60)
            out = run(["sccache", "--show-stats"], self.env, timeout=30).stdout
            if not re.search(r"Cache hits\s+1\b", out):
                return "second compile of a test file was not a hit"
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            return str(e).strip().splitlines()[0][:200]
        return None

    def _sccache_restart(self):
        subprocess.run(["sccache", "--stop-server"], env=self.env, capture_output=True, timeout=30)
        shutil.rmtree(self.env["SCCACHE_DIR"], ignore_errors=True)
        run(["sccache", "--start-server"], self.env, timeout=60)

    def start(self):
        run([self.zctl, "status"], self.env)

    def empty(self, t):
        """Empty tool t's cache before a cold build."""
        if t == "zccache":
            run([self.zctl, "flush"], self.env)
        elif t == "ccache":
            run(["ccache", "-C"], self.env)
            run(["ccache", "-z"], self.env)
        elif t == "sccache":
            self._sccache_restart()

    def zstats(self, zero=False, env=None):
        r = run([self.zctl, "--json", "zero-stats" if zero else "stats"], env or self.env, check=False)
        try:
            return {k: v for k, v in json.loads(r.stdout).items() if v} if not zero else None
        except ValueError:
            return {}

    def zstatus(self, env=None):
        r = run([self.zctl, "--json", "--no-start", "status"], env or self.env, check=False)
        try:
            return json.loads(r.stdout)
        except ValueError:
            return {}

    def sccache_pid(self):
        want = f"SCCACHE_SERVER_PORT={self.env['SCCACHE_SERVER_PORT']}".encode()
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                with open(f"/proc/{p}/comm") as f:
                    if f.read().strip() != "sccache":
                        continue
                with open(f"/proc/{p}/environ", "rb") as f:
                    if want in f.read().split(b"\0"):
                        return int(p)
            except OSError:
                continue
        return None

    def footprint(self, t, compiles):
        """Cache size on disk, entries, server RSS, right after a warm build."""
        if t == "zccache":
            st = self.zstatus()
            size = du(self.env["ZCCACHE_DIR"])
            entries = st.get("entries")
            return {"cache_bytes": size, "entries": entries,
                    "bytes_per_entry": size / entries if entries else None,
                    "server_rss_kib": vmrss_kib(st.get("pid")) if st.get("pid") else None,
                    "server_rss_detail_kib": rss_detail_kib(st.get("pid")),
                    "status_size": st.get("size")}
        if t in ("ccache", "sccache"):
            size = du(self.env["CCACHE_DIR" if t == "ccache" else "SCCACHE_DIR"])
            pid = self.sccache_pid() if t == "sccache" else None
            return {"cache_bytes": size, "entries": compiles, "bytes_per_entry": size / compiles,
                    "server_rss_kib": vmrss_kib(pid) if pid else None}
        return {}

    def stop(self):
        subprocess.run([self.zctl, "stop"], env=self.env, capture_output=True, timeout=60)
        if "sccache" in self.prefix or shutil.which("sccache"):
            subprocess.run(["sccache", "--stop-server"], env=self.env, capture_output=True, timeout=30)


# ---- measurements -----------------------------------------------------------

def exec_floor_ms(spawnloop, touchcc, work, n=2000):
    d = os.path.join(work, "execfloor")
    os.makedirs(d, exist_ok=True)
    xs = []
    for _ in range(5):
        out = subprocess.run([spawnloop, str(n), touchcc, "-c", "x.c", "-o", "x.o"], cwd=d,
                             capture_output=True, text=True, check=True).stdout
        xs.append(float(out) / 1e6)
    return statistics.median(xs)


def compare(w, tools, runs, jobs, exec_ms):
    """Cold and warm builds of workload w for every tool, floor builds too."""
    names = [t for t in tools.prefix if t in getattr(w, "tools", tools.prefix)]
    res = {"compiles": w.compiles, "jobs": jobs, "runs": runs, "title": w.title}
    floor, cold, warm = [], {t: [] for t in names}, {t: [] for t in names}
    tools.zstats(zero=True)
    for r in range(runs):
        # Alternate: forward on even runs, backwards on odd ones, the floor
        # at either end.
        order = names if r % 2 == 0 else names[::-1]
        if r % 2 == 0:
            floor.append(w.build("floor", None, jobs))
        for t in order:
            if t != "bare":
                tools.empty(t)
            cold[t].append(w.build(t, tools.prefix[t], jobs))
            if t != "bare":
                warm[t].append(w.build(t, tools.prefix[t], jobs))
            log(f"{w.name} run {r + 1}/{runs} {t}: cold {cold[t][-1]:.2f} s"
                + (f", warm {warm[t][-1]:.2f} s" if t != "bare" else ""))
        if r % 2 == 1:
            floor.append(w.build("floor", None, jobs))
    fp = {t: tools.footprint(t, w.compiles) for t in names}
    res["zccache_counters"] = tools.zstats()
    res["floor"] = stats(floor)
    fl = res["floor"]["median"]
    par = min(jobs, os.cpu_count() or 1)
    bare = statistics.median(cold["bare"])
    res["tools"] = {}
    for t in names:
        e = {"cold": stats(cold[t])}
        # The bare compiler has no cache: its warm build is its build.
        e["warm"] = stats(warm[t]) if t != "bare" else stats(cold[t])
        e["cold_over_bare"] = e["cold"]["median"] / bare
        # The same run by run: a shared machine's load moves between runs.
        e["cold_over_bare_paired"] = statistics.median(c / b for c, b in zip(cold[t], cold["bare"]))
        e["warm_over_bare"] = e["warm"]["median"] / bare
        if t != "bare":
            hit = (e["warm"]["median"] - fl) * par / w.compiles * 1000
            e["hit_ms_per_compile"] = hit
            e["hit_over_exec_floor"] = hit / exec_ms
        e.update(fp.get(t, {}))
        res["tools"][t] = e
    zc = res["tools"].get("zccache", {}).get("hit_ms_per_compile")
    for t in names:
        h = res["tools"][t].get("hit_ms_per_compile")
        if zc and h and t != "zccache":
            res["tools"][t]["hit_over_zccache"] = h / zc
    return res


def fill_cache(zccache, env, fakegcc, work, start, count, jobs):
    """count more distinct tiny sources compiled through zccache by the fake gcc."""
    root = os.path.join(work, "fill")
    shutil.rmtree(root, ignore_errors=True)
    objs = []
    for i in range(start, start + count):
        d = f"d{i // 1000:04d}"
        if i % 1000 == 0 or i == start:
            os.makedirs(os.path.join(root, "src", d), exist_ok=True)
            os.makedirs(os.path.join(root, "obj", d), exist_ok=True)
        path = os.path.join(root, "src", d, f"u{i}.c")
        with open(path, "w") as f:
            f.write(f"int fill_{i}(void) {{ return {i}; }}\n")
        objs.append(f"obj/{d}/u{i}.o")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write("OBJS := " + " ".join(objs) + "\nall: $(OBJS)\n"
                "obj/%.o: src/%.c\n\t$(CC) -O2 -c $< -o $@ -MD -MF $@.d\n")
    # A source changed (mtime or ctime) in the clock tick its compile starts
    # in may have changed while it was read, so zccache runs it without
    # storing it ("modified_during_compile"). Let the coarse clock move on
    # (one tick is 1 to 10 ms) so that every fill entry counts.
    time.sleep(0.05)
    t = time.monotonic()
    run(["make", "-s", "-C", root, f"-j{jobs}", f"CC={zccache} {fakegcc}"], env)
    took = time.monotonic() - t
    shutil.rmtree(root, ignore_errors=True)
    return took


def scale_base(a, work):
    """Where the entry-scaling cache lives: beside the workloads unless
    --scale-dir says otherwise. A miss no longer fsyncs (the server syncs its
    index once a second), so a 100 000-entry fill takes minutes on disk too."""
    return a.scale_dir or work


def scaling(w, tools, a, exec_ms, fakegcc, work):
    out = {"workload": w.name, "compiles": w.compiles, "jobs_runs": [], "entries_runs": []}
    runs = a.scale_runs
    par = lambda j: min(j, os.cpu_count() or 1)
    zc = tools.prefix["zccache"]
    if a.scale_jobs:
        tools.empty("zccache")
        w.build("zccache", zc, a.jobs)  # prime
    for j in a.scale_jobs:
        fl, wa = [], []
        for r in range(runs):
            for t in (("floor", "zccache") if r % 2 == 0 else ("zccache", "floor")):
                (fl if t == "floor" else wa).append(w.build(t, zc, j))
        hit = (statistics.median(wa) - statistics.median(fl)) * par(j) / w.compiles * 1000
        out["jobs_runs"].append({"jobs": j, "floor": stats(fl), "warm": stats(wa), "hit_ms_per_compile": hit,
                                 "hit_over_exec_floor": hit / exec_ms})
        log(f"scaling -j{j}: warm {statistics.median(wa):.2f} s, floor {statistics.median(fl):.2f} s, "
            f"hit {hit:.2f} ms")
    if not a.scale_entries:
        return out
    # A server of its own, with a cache of its own (scale_base).
    sdir = tempfile.mkdtemp(prefix="zccache-bench-scale.", dir=scale_base(a, work))
    os.chmod(sdir, 0o700)
    env = dict(tools.env, ZCCACHE_DIR=os.path.join(sdir, "cache"),
               ZCCACHE_SOCKET=os.path.join(sdir, "run", "zc.sock"))
    out["entries_cache_dir"] = sdir
    out["entries_cache_fs"] = "tmpfs" if sdir.startswith(("/dev/shm", "/run")) else "disk"
    try:
        run([tools.zctl, "status"], env)
        w.build("zccache", zc, a.jobs, env)  # prime: the fixed workload's own entries
        filled = 0
        fill_jobs = 2 * (os.cpu_count() or 1)
        for level in a.scale_entries:
            added = max(0, level - filled)
            took = fill_cache(tools.zccache, env, fakegcc, work, filled, added, fill_jobs) if added else 0.0
            log(f"filled the cache up to {level} fake entries (+{added} in {took:.1f} s)")
            filled = max(filled, level)
            fl, wa = [], []
            for r in range(runs):
                for t in (("floor", "zccache") if r % 2 == 0 else ("zccache", "floor")):
                    (fl if t == "floor" else wa).append(w.build(t, zc, a.jobs, env))
            hit = (statistics.median(wa) - statistics.median(fl)) * par(a.jobs) / w.compiles * 1000
            st = tools.zstatus(env)
            size = du(env["ZCCACHE_DIR"])
            e = {"fill_entries": level, "fill_added": added, "fill_seconds": took,
                 "fill_rate_per_s": added / took if took else None,
                 "entries": st.get("entries"), "cache_bytes": size,
                 "bytes_per_entry": size / st["entries"] if st.get("entries") else None,
                 "server_rss_kib": vmrss_kib(st["pid"]) if st.get("pid") else None,
                 "server_rss_detail_kib": rss_detail_kib(st.get("pid")),
                 "floor": stats(fl), "warm": stats(wa), "hit_ms_per_compile": hit,
                 "hit_over_exec_floor": hit / exec_ms, "counters": tools.zstats(env=env)}
            out["entries_runs"].append(e)
            log(f"scaling {level} entries ({e['entries']} in cache): hit {hit:.2f} ms, "
                f"server RSS {e['server_rss_kib']} KiB")
    finally:
        subprocess.run([tools.zctl, "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(sdir, ignore_errors=True)
    base = out["entries_runs"][0]["hit_ms_per_compile"]
    for e in out["entries_runs"]:
        e["hit_over_smallest"] = e["hit_ms_per_compile"] / base if base > 0 else None
    return out


# ---- targets, report, chart -------------------------------------------------

def targets(res):
    rows = []
    for wn, w in res["workloads"].items():
        z = w["tools"].get("zccache")
        if not z:
            continue
        if wn == "emcc":
            rows += emcc.targets(w)
            continue
        rows.append({"target": "warm hit <= 1.5 x exec floor per compile", "workload": wn,
                     "value": z["hit_over_exec_floor"], "limit": 1.5, "unit": "x exec floor",
                     "met": z["hit_over_exec_floor"] <= 1.5})
        c = w["tools"].get("ccache")
        rows.append({"target": "warm hit >= 3 x faster than ccache direct-mode hits", "workload": wn,
                     "value": c.get("hit_over_zccache") if c else None, "limit": 3.0,
                     "unit": "ccache hit / zccache hit",
                     "met": (c["hit_over_zccache"] >= 3.0) if c and c.get("hit_over_zccache") else None})
        rows.append({"target": "cold miss <= 5 % slower than the bare compiler", "workload": wn,
                     "value": z["cold_over_bare"], "limit": 1.05, "unit": "cold / bare",
                     "met": z["cold_over_bare"] <= 1.05})
    for c in (res.get("headers") or {}).get("units", []):
        z, cc = c["tools"].get("zccache"), c["tools"].get("ccache")
        if not z:
            continue
        lim = 2e-3 * c["n"]
        rows.append({"target": "issue 10: hit <= floor + 2 us per header", "workload": f"N={c['n']} {c['layout']}",
                     "value": z["over_floor_ms"], "limit": round(lim, 3), "unit": "ms above the floor",
                     "met": z["over_floor_ms"] <= lim})
        if cc:
            rows.append({"target": "issue 10: hit >= 3 x cheaper than ccache", "workload": f"N={c['n']} {c['layout']}",
                         "value": cc.get("over_zccache"), "limit": 3.0, "unit": "ccache / zccache",
                         "met": cc.get("over_zccache") is not None and cc["over_zccache"] >= 3.0})
    for wl in ("real", "curl"):
        rl = res.get(wl) or {}
        name = "linux" if wl == "real" else wl
        if not rl.get("tools", {}).get("zccache"):
            continue
        z = rl["tools"]["zccache"]
        if rl.get("warm_zccache_over_ccache"):
            rows.append({"target": "issue 10: real project warm <= 0.6 x ccache's", "workload": name,
                         "value": rl["warm_zccache_over_ccache"], "limit": 0.6, "unit": "zccache / ccache",
                         "met": rl["warm_zccache_over_ccache"] <= 0.6})
        rows.append({"target": "issue 10: real project cold <= 1.03 x bare", "workload": name,
                     "value": z["cold_over_bare"], "limit": 1.03, "unit": "cold / bare",
                     "met": z["cold_over_bare"] <= 1.03})
    rows += rust.targets(res.get("rust"))
    er = res.get("scaling", {}).get("entries_runs") or []
    if len(er) >= 2:
        v = max(e["hit_ms_per_compile"] for e in er) / min(e["hit_ms_per_compile"] for e in er) \
            if min(e["hit_ms_per_compile"] for e in er) > 0 else None
        rows.append({"target": f"warm-hit cost flat (within 20 %) from {er[0]['fill_entries']} to "
                               f"{er[-1]['fill_entries']} entries", "workload": res["scaling"]["workload"],
                     "value": v, "limit": 1.2, "unit": "max / min hit cost",
                     "met": v is not None and v <= 1.2})
    if er:
        rss = er[-1]["server_rss_kib"]
        rows.append({"target": f"server RSS < 64 MiB at {er[-1]['fill_entries']} entries", "workload": "-",
                     "value": rss / 1024 if rss else None, "limit": 64.0, "unit": "MiB",
                     "met": rss is not None and rss < 64 * 1024})
    return rows


def fmt_s(s):
    return f"{s['median']:.2f} s ({s['min']:.2f}-{s['max']:.2f})" if s else "-"


def fmt(v, spec, suffix=""):
    return "-" if v is None else f"{v:{spec}}{suffix}"


def mib(b):
    return None if b is None else b / 1048576


def report_md(res):
    m = res["meta"]
    L = [f"# zccache benchmark, {m['timestamp']}", ""]
    L.append(f"{m['mode']} mode; {m['cpus']} CPUs ({m['cpu_model']}), load average {m['loadavg_start']} at the "
             f"start and {m['loadavg_end']} at the end"
             + (f"; medians of {m['runs']} runs (min-max); tool order alternated between runs." if res["workloads"]
                else "."))
    if m.get("note"):
        L.append(f"Note: {m['note']}")
    L.append("")
    L.append(f"zccache: {m['build']}, source {m.get('source')}.")
    L.append("Versions: " + "; ".join(f"{k}: {v}" for k, v in m["versions"].items() if v))
    for t, why in res["tools_missing"].items():
        L.append(f"- **{t} missing**: {why}")
    L += ["", f"Exec floor (posix_spawn + wait of a program that only creates its output): "
              f"**{res['exec_floor_ms']:.3f} ms**.",
          "Warm hit per compile = (warm build - floor build) x min(jobs, CPUs) / compiles, where the floor "
          "build is the same build with the compiler replaced by that program.", ""]
    if res.get("headers"):
        L += headers.report_headers(res["headers"], res["exec_floor_ms"])
    if res.get("real", {}).get("error"):
        L += ["## Real project: failed", "", "```", res["real"]["error"], "```", ""]
    elif res.get("real"):
        L += headers.report_real(res["real"])
    if res.get("curl", {}).get("error"):
        L += ["## Real project (curl): failed", "", "```", res["curl"]["error"], "```", ""]
    elif res.get("curl"):
        L += realcmake.report_curl(res["curl"])
    if res.get("rust"):
        L += rust.report(res["rust"])
    for wn, w in res["workloads"].items():
        L.append(f"## {w['title']}: {w['compiles']} compiles, -j{w['jobs']}")
        L.append("")
        L.append(f"Floor build: {fmt_s(w['floor'])}.")
        zcnt = w.get("zccache_counters")
        if zcnt:
            L.append("zccache's counters over the workload's runs: " + ", ".join(
                f"{k} {v}" for k, v in sorted(zcnt.items())
                if k.startswith(("direct_hit", "depend_miss", "uncacheable", "compile_failed", "error"))) + ".")
        L.append("")
        L.append("| tool | cold build | warm build | cold / bare (paired per run) | warm / bare "
                 "| warm hit per compile | hit / exec floor | hit / zccache's | cache on disk | per entry | server RSS |")
        L.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for t, e in w["tools"].items():
            L.append(f"| {t} | {fmt_s(e['cold'])} | {fmt_s(e['warm']) if t != 'bare' else '(= cold)'} "
                     f"| {e['cold_over_bare']:.3f} ({fmt(e.get('cold_over_bare_paired'), '.3f')}) "
                     f"| {e['warm_over_bare']:.3f} "
                     f"| {fmt(e.get('hit_ms_per_compile'), '.2f', ' ms')} "
                     f"| {fmt(e.get('hit_over_exec_floor'), '.1f', 'x')} "
                     f"| {fmt(e.get('hit_over_zccache'), '.1f', 'x')} "
                     f"| {fmt(mib(e.get('cache_bytes')), '.1f', ' MiB')} "
                     f"| {fmt(e['bytes_per_entry'] / 1024 if e.get('bytes_per_entry') else None, '.1f', ' KiB')} "
                     f"| {fmt(e['server_rss_kib'] / 1024 if e.get('server_rss_kib') else None, '.1f', ' MiB')} |")
        L.append("")
        if w.get("unit_hits"):
            L += emcc.report_unit_hits(w["unit_hits"])
            L += emcc.report_first(res.get("emcc_first_compile") or {})
    sc = res.get("scaling") or {}
    if sc.get("jobs_runs"):
        L += [f"## Scaling with parallel jobs (zccache, warm, {sc['workload']}, {sc['compiles']} compiles)", "",
              "| jobs | floor build | warm build | warm hit per compile | hit / exec floor |",
              "| --- | --- | --- | --- | --- |"]
        for e in sc["jobs_runs"]:
            L.append(f"| {e['jobs']} | {fmt_s(e['floor'])} | {fmt_s(e['warm'])} "
                     f"| {e['hit_ms_per_compile']:.2f} ms | {e['hit_over_exec_floor']:.1f}x |")
        L.append("")
    if sc.get("entries_runs"):
        L += [f"## Scaling with cache entries (zccache, warm, {sc['workload']}, -j{res['meta']['jobs']})", "",
              "The cache is filled with distinct tiny sources compiled through zccache by a fast fake gcc "
              "(bench/fakecc.c: answers the identification queries, writes a small object and the depfile), "
              f"then the fixed warm workload is measured on top. That cache is on {sc.get('entries_cache_fs')}.", "",
              "| fill entries | entries in cache | fill time | warm build | warm hit per compile | vs smallest "
              "| server RSS (of it heap) | cache per entry |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for e in sc["entries_runs"]:
            L.append(f"| {e['fill_entries']} | {e['entries']} | {e['fill_seconds']:.1f} s "
                     f"({fmt(e.get('fill_rate_per_s'), '.0f', '/s')}) | {fmt_s(e['warm'])} "
                     f"| {e['hit_ms_per_compile']:.2f} ms | {fmt(e.get('hit_over_smallest'), '.2f', 'x')} "
                     f"| {fmt(e['server_rss_kib'] / 1024 if e['server_rss_kib'] else None, '.1f', ' MiB')} "
                     f"({fmt((e.get('server_rss_detail_kib') or {}).get('RssAnon', 0) / 1024, '.1f', ' MiB')}) "
                     f"| {fmt(e['bytes_per_entry'] / 1024 if e['bytes_per_entry'] else None, '.2f', ' KiB')} |")
        L.append("")
    if res.get("zccache_rss_kib_end"):
        st = res.get("zccache_status_end") or {}
        L += [f"zccached at the end of the run: {res['zccache_rss_kib_end'] / 1024:.1f} MiB resident, "
              f"{st.get('entries')} entries.", ""]
    L += ["## Targets (issues 4, 10 and 13)", "", "| target | workload | value | limit | met |", "| --- | --- | --- | --- | --- |"]
    for t in res["targets"]:
        met = "n/a" if t["met"] is None else ("met" if t["met"] else "**missed**")
        L.append(f"| {t['target']} | {t['workload']} | {fmt(t['value'], '.2f')} {t['unit']} "
                 f"| {t['limit']} | {met} |")
    L.append("")
    L.append(f"Chart: {res['chart'] if res['chart'] else 'skipped: ' + res['chart_skipped']}")
    L.append("")
    return "\n".join(L)


def chart(res, outdir):
    gp = shutil.which(os.environ.get("GNUPLOT", "gnuplot"))
    if not gp:
        return None, "gnuplot is not installed (bench/run installs gnuplot-nox)"
    ws = [(wn, w) for wn, w in res["workloads"].items()]
    if not ws:
        return None, "no workload measured"
    dat = os.path.join(outdir, "chart.dat")
    vals = []
    with open(dat, "w") as f:
        for wn, w in ws:
            f.write(f"# {wn}\n")
            for t, e in w["tools"].items():
                f.write(f"{t} {e['cold']['median']:.4f} {e['warm']['median']:.4f}\n")
                vals += [e["cold"]["median"], e["warm"]["median"]]
            f.write("\n\n")
    logy = min(vals) > 0 and max(vals) / min(vals) > 20
    plots = []
    for i, (wn, w) in enumerate(ws):
        title = w["title"].replace('"', "'")
        tc, tw = ('title "cold"', 'title "warm"') if i == 0 else ("notitle", "notitle")
        title = f"{title}, {w['compiles']} compiles"
        plots.append(f'newhistogram "{title}" offset 0,-1, "chart.dat" index {i} using 2:xtic(1) {tc} lc rgb "#d95f02", '
                     f'"" index {i} using 3 {tw} lc rgb "#1b9e77"')
    lo = 10 ** (int(f"{min(vals):e}".split("e")[1]))
    script = "\n".join([
        "set terminal pngcairo size 1280,640 font ',10'",
        "set output 'chart.png'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set grid ytics",
        "set key top right",
        f"set title 'Build wall time per tool and workload (median of {res['meta']['runs']} runs; "
        f"warm = cache full, objects deleted)'",
        f"set ylabel 'seconds{', log scale' if logy else ''}'",
        f"set logscale y\nset yrange [{lo}:*]" if logy else "set yrange [0:*]",
        "set xtics nomirror",
        "set bmargin 5",
        "plot " + ", \\\n  ".join(plots),
        ""])
    with open(os.path.join(outdir, "chart.gp"), "w") as f:
        f.write(script)
    r = subprocess.run([gp, "chart.gp"], cwd=outdir, capture_output=True, text=True)
    if r.returncode != 0 or not os.path.exists(os.path.join(outdir, "chart.png")):
        script = script.replace("set terminal pngcairo size 1280,640 font ',10'", "set terminal png size 1280,640")
        with open(os.path.join(outdir, "chart.gp"), "w") as f:
            f.write(script)
        r = subprocess.run([gp, "chart.gp"], cwd=outdir, capture_output=True, text=True)
        if r.returncode != 0:
            return None, f"gnuplot failed: {r.stderr.strip()[:300]}"
    return "chart.png", None


# ---- main -------------------------------------------------------------------

def ints(s):
    return [int(x.replace("_", "")) for x in s.split(",") if x.strip()] if s else []


def build_helpers(work):
    """The floor compiler, the exec-floor timer and the fill's fake gcc."""
    src = os.path.join(HERE, "fakecc.c")
    os.makedirs(os.path.join(work, "bin", "fake"))
    out = {"touchcc": os.path.join(work, "bin", "touchcc"), "spawnloop": os.path.join(work, "bin", "spawnloop"),
           "fakegcc": os.path.join(work, "bin", "fake", "gcc"), "replaycc": os.path.join(work, "bin", "replaycc")}
    for key, flags in (("touchcc", []), ("spawnloop", ["-DSPAWNLOOP"]), ("fakegcc", ["-DFILL"]),
                       ("replaycc", ["-DREPLAY"])):
        subprocess.run(["gcc", "-O2", "-Wall", *flags, "-o", out[key], src], check=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="zccache's meson build folder (default: build)")
    ap.add_argument("--quick", action="store_true",
                    help="one small workload (C, 100 sources), 3 runs, no scaling: under 5 minutes")
    ap.add_argument("--workloads", default=None, help="comma list of c, cxx, self (default: all; quick: c)")
    ap.add_argument("--sources", type=int, default=None, help="C translation units (default 200; quick 100)")
    ap.add_argument("--cxx-sources", type=int, default=200, help="C++ translation units (default 200)")
    ap.add_argument("--runs", type=int, default=None, help="runs per tool (default 5; quick 3)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="make/ninja -j (default: CPUs)")
    ap.add_argument("--scale-entries", default=None,
                    help="cache entries to measure at (default 1000,10000,100000; quick: none)")
    ap.add_argument("--scale-jobs", default=None, help="parallel jobs to measure at (default 1,2,8,32; quick: none)")
    ap.add_argument("--scale-runs", type=int, default=5, help="runs per scaling point (default 5)")
    ap.add_argument("--scale-dir", default=None,
                    help="where the entry-scaling cache lives (default: the work folder)")
    ap.add_argument("--no-ccache", action="store_true")
    ap.add_argument("--no-sccache", action="store_true")
    ap.add_argument("--out", default=os.path.join(HERE, "results"), help="results folder (default bench/results)")
    ap.add_argument("--json", default=None, help="also write results.json here")
    ap.add_argument("--work", default=None, help="scratch folder (default: a new one in $TMPDIR)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    ap.add_argument("--note", default="", help="a line to put in the report (e.g. what else ran)")
    g = ap.add_argument_group("header scaling and the real project (bench/headers.py)")
    g.add_argument("--headers", action="store_true",
                   help="run the header-scaling workloads (and no other workload unless --workloads names it)")
    g.add_argument("--real", action="store_true",
                   help="build Linux 6.1 (Debian's linux-source-6.1) cold and warm per tool")
    g.add_argument("--header-ns", default="10,100,400,1000", help="project headers per unit (default 10,100,400,1000)")
    g.add_argument("--header-layouts", default=",".join(l[0] for l in headers.LAYOUTS),
                   help="comma list of layouts (default: all)")
    g.add_argument("--count-hits", type=int, default=3, help="hits counted under perf per cell (default 3)")
    g.add_argument("--project-units", type=int, default=12,
                   help="units of the small project variant (default 12; 0: no project variant)")
    g.add_argument("--project-ns", default="100,400",
                   help="N of the small project variant (default 100,400: at 1000 a regenerated build "
                        "takes minutes today)")
    g.add_argument("--project-runs", type=int, default=3, help="warm builds per tool in the project variant")
    g.add_argument("--real-dir", default=os.path.join(os.environ.get("XDG_CACHE_HOME") or "~/.cache", "zccache-bench"),
                   help="where the kernel tree is unpacked once and reused (default ~/.cache/zccache-bench)")
    g.add_argument("--real-config", default="tinyconfig", help="the kernel's config target (default tinyconfig)")
    g.add_argument("--real-targets", default="kernel/ mm/ fs/",
                   help="what Kbuild builds (default \"kernel/ mm/ fs/\": a few minutes on 2 busy cores; "
                        "\"vmlinux\" for the whole kernel)")
    g.add_argument("--curl", action="store_true",
                   help="build curl 7.88.1 (Debian's source archive) by its CMake build with Ninja, cold and "
                        "warm per tool (--real-runs, --real-tools, --real-dir apply)")
    g.add_argument("--real-runs", type=int, default=1, help="cold+warm rounds of the real project (default 1)")
    g.add_argument("--real-tools", default="zccache,ccache", help="cache tools on the real project (default zccache,ccache)")
    g = ap.add_argument_group("the Rust workload (bench/rust.py)")
    g.add_argument("--rust", action="store_true",
                   help="a cargo workspace on Debian's vendored crates: bare, zccache, sccache (only this, "
                        "unless --workloads names others)")
    g.add_argument("--rust-runs", type=int, default=1, help="cold+warm rounds of the Rust workload (default 1)")
    g = ap.add_argument_group("the Emscripten workload (bench/emcc.py)")
    g.add_argument("--emcc", action="store_true",
                   help="a make project of C and C++ units built with emcc/em++: bare, zccache, ccache, sccache "
                        "(only this, unless --workloads names others); --runs 3 in about ten minutes")
    g.add_argument("--emcc-units", default=f"{emcc.C_UNITS},{emcc.CXX_UNITS}",
                   help=f"C and C++ units of the emcc workload (default {emcc.C_UNITS},{emcc.CXX_UNITS})")
    a = ap.parse_args()
    only_new = (a.headers or a.real or a.curl or a.rust or a.emcc) and not a.workloads
    a.workloads = ("" if only_new else (a.workloads or ("c" if a.quick else "c,cxx,self"))).split(",")
    a.workloads = [w for w in a.workloads if w] + (["emcc"] if a.emcc else [])
    if only_new:
        a.scale_entries = a.scale_entries or ""
        a.scale_jobs = a.scale_jobs or ""
    a.sources = a.sources or (100 if a.quick else 200)
    a.runs = a.runs or (3 if a.quick else 5)
    a.scale_entries = sorted(ints(a.scale_entries if a.scale_entries is not None
                                  else ("" if a.quick else "1000,10000,100000")))
    a.scale_jobs = ints(a.scale_jobs if a.scale_jobs is not None else ("" if a.quick else "1,2,8,32"))
    for wl in a.workloads:
        if wl not in ("c", "cxx", "self", "emcc"):
            ap.error(f"unknown workload {wl}")

    build = os.path.abspath(a.build)
    if not os.access(os.path.join(build, "src/launcher/zccache"), os.X_OK):
        ap.error(f"no zccache built in {build} (meson setup {a.build} && ninja -C {a.build})")
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    if a.work:
        os.makedirs(a.work, exist_ok=True)
        work = tempfile.mkdtemp(prefix="zccache-bench.", dir=a.work)
    else:
        work = tempfile.mkdtemp(prefix="zccache-bench.")
    os.chmod(work, 0o700)
    log(f"scratch folder {work}")
    helpers = build_helpers(work)
    tools = Tools(a, work, build)
    if "emcc" in a.workloads:
        tools.versions["emcc"] = emcc.versions(tools.env)
    res = {"meta": {"timestamp": stamp, "mode": "quick" if a.quick else ("+".join(
                        x for x in ("headers" if a.headers else "", "real" if a.real else "",
                                    "curl" if a.curl else "",
                                    "rust" if a.rust else "", "emcc" if a.emcc else "") if x)
                        if only_new else "full"),
                    "argv": sys.argv[1:], "cpus": os.cpu_count(), "cpu_model": cpu_model(),
                    "kernel": platform.release(), "loadavg_start": loadavg(), "jobs": a.jobs,
                    "runs": a.runs, "scale_runs": a.scale_runs, "versions": tools.versions, "note": a.note,
                    "build": build, "source": git_describe(os.path.dirname(HERE))},
           "tools_missing": tools.missing, "workloads": {}, "scaling": {}}
    try:
        tools.start()
        # --headers/--real time their own floor per cell: a shorter loop here.
        exec_ms = exec_floor_ms(helpers["spawnloop"], helpers["touchcc"], work,
                                n=200 if not a.workloads else 2000)
        res["exec_floor_ms"] = exec_ms
        log(f"exec floor {exec_ms:.3f} ms; tools: {', '.join(tools.prefix)}")
        loads = {}
        if "c" in a.workloads or a.scale_entries or a.scale_jobs:
            gen_c(os.path.join(work, "c"), a.sources)
            loads["c"] = MakeWorkload("c", "Generated C project (make)", os.path.join(work, "c"), "CC", "gcc",
                                      a.sources, tools.env)
        if "cxx" in a.workloads:
            gen_cxx(os.path.join(work, "cxx"), a.cxx_sources)
            loads["cxx"] = MakeWorkload("cxx", "Generated C++ project (make)", os.path.join(work, "cxx"),
                                        "CXX", "g++", a.cxx_sources, tools.env)
        if "self" in a.workloads:
            src = os.path.join(work, "zccache-src")
            shutil.copytree(os.path.dirname(HERE), src, symlinks=True,
                            ignore=shutil.ignore_patterns("build*", ".git", "results", "__pycache__"))
            loads["self"] = NinjaWorkload("self", "zccache's own tree (meson, ninja)", src,
                                          os.path.join(work, "self"), tools.env)
        if "emcc" in a.workloads:
            emcc.gen_emcc(os.path.join(work, "emcc"), gen_c, gen_cxx, *ints(a.emcc_units))
            loads["emcc"] = emcc.EmccWorkload(os.path.join(work, "emcc"), run, tools.env, *ints(a.emcc_units))
            why_not, res["emcc_first_compile"] = emcc.hit_check(tools, tools.env)
            for t, why in why_not.items():
                res["tools_missing"][f"{t} (emcc)"] = why
                log(f"{t} left out of the emcc workload: {why}")
                loads["emcc"].tools = tuple(x for x in loads["emcc"].tools if x != t)
        for name, w in loads.items():
            w.setup({t: tools.prefix[t] for t in tools.prefix}, helpers["touchcc"])
        for name in a.workloads:
            log(f"workload {name}: {loads[name].compiles} compiles, {a.runs} runs")
            res["workloads"][name] = compare(loads[name], tools, a.runs, a.jobs, exec_ms)
            if name == "emcc":
                res["workloads"][name]["unit_hits"] = emcc.unit_hits(
                    loads[name], tools, helpers["spawnloop"], helpers["touchcc"], res["workloads"][name]["tools"])
        if a.scale_entries or a.scale_jobs:
            res["scaling"] = scaling(loads["c"], tools, a, exec_ms, helpers["fakegcc"], work)
        if a.headers:
            res["headers"] = headers.run_headers(a, tools, helpers, work, exec_ms, log)
        # The real projects and Rust: a failure is reported, the run goes on.
        for flag, key, what, measure in (
                (a.real, "real", "real project", lambda: headers.run_real(a, tools, helpers, work, log)),
                (a.curl, "curl", "curl", lambda: realcmake.run_curl(a, tools, helpers, work, log)),
                (a.rust, "rust", "rust workload", lambda: rust.run_rust(a, tools, work, log))):
            if not flag:
                continue
            try:
                res[key] = measure()
            except (RuntimeError, OSError, subprocess.CalledProcessError) as e:
                log(f"{what} failed: {e}")
                res[key] = {"error": str(e)[-4000:]}
        st = tools.zstatus()
        res["zccache_status_end"] = st
        res["zccache_rss_kib_end"] = vmrss_kib(st["pid"]) if st.get("pid") else None
    finally:
        tools.stop()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["meta"]["loadavg_end"] = loadavg()
    res["meta"]["seconds"] = time.monotonic() - T0
    res["targets"] = targets(res)

    outdir = os.path.join(os.path.abspath(a.out), stamp)
    os.makedirs(outdir, exist_ok=True)
    res["chart"], res["chart_skipped"] = chart(res, outdir)
    if res["chart_skipped"]:
        log(f"chart skipped: {res['chart_skipped']}")
    md = report_md(res)
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write(md)
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump(res, f, indent=2)
        f.write("\n")
    if a.json:
        shutil.copy(os.path.join(outdir, "results.json"), a.json)
    latest = os.path.join(os.path.abspath(a.out), "latest")
    shutil.rmtree(latest, ignore_errors=True)
    shutil.copytree(outdir, latest)
    print(md)
    log(f"results in {outdir} (copy in {latest})")
    return 0


def git_describe(root):
    r = subprocess.run(["git", "-C", root, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    d = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                       capture_output=True, text=True)
    return (r.stdout.strip() + (" (with uncommitted changes)" if d.stdout.strip() else "")) or None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    sys.exit(main())
