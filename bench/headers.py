"""Header-scaling workloads and a real project for bench/bench.py
(bench/run --headers, bench/run --real): how a hit's cost grows with the
number of project headers a unit includes, and a large real C code base
built by its own build system. See bench/README.md.

Hit cost: whole process, hyperfine -N (no shell), the same run for every
tool. Server CPU per hit: utime+stime delta of the server's /proc/PID/stat
over the timed hits. Syscalls per hit: perf stat counting the syscall
tracepoints, on the server (-p PID) and on the client processes, over a
separate counting pass (counting costs time, so it never overlaps a timing).
"""
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

STAT_CALLS = ("newfstatat", "newstat", "newlstat", "newfstat", "statx")
PATH_CALLS = ("access", "faccessat", "faccessat2", "openat", "getdents64", "readlinkat", "readlink")
FAILING = ("newfstatat", "newstat", "newlstat", "statx", "access", "faccessat", "faccessat2", "openat")

# (name, folders, include style, regenerated between builds)
LAYOUTS = (
    ("1dir-quote", 1, "quote", False),
    ("1dir-angle", 1, "angle", False),
    ("7dir-quote", 7, "quote", False),
    ("7dir-angle", 7, "angle", False),
    ("1dir-quote-regen", 1, "quote", True),
    ("7dir-quote-regen", 7, "quote", True),
)
PROJECT_LAYOUTS = ("7dir-quote", "7dir-quote-regen")


# ---- measuring helpers --------------------------------------------------------

def proc_cpu_s(pid):
    """utime+stime of a whole process (all threads) from /proc/PID/stat, s."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return None


def proc_sched_s(pid):
    """On-CPU time of every thread (schedstat, ns resolution), s."""
    total = 0
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, TypeError):
        return None
    return total / 1e9


def perf_events():
    ev = ["-e", "task-clock", "-e", "raw_syscalls:sys_enter"]
    for c in STAT_CALLS + PATH_CALLS:
        ev += ["-e", f"syscalls:sys_enter_{c}"]
    for c in FAILING:
        ev += ["-e", f"syscalls:sys_exit_{c}", "--filter", "ret < 0"]
    return ev


def perf_usable():
    if not shutil.which("perf"):
        return "perf is not installed (bench/run installs linux-perf)"
    r = subprocess.run(["perf", "stat", "-x,", "-o", "/dev/null", *perf_events(), "--", "true"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "perf stat with syscall tracepoints failed: " + (r.stderr.strip().splitlines() or ["?"])[-1][:200]
    return None


def perf_parse(path):
    out = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return out
    for line in lines:
        p = line.split(",")
        if len(p) < 3 or line.startswith("#"):
            continue
        name = p[2]
        try:
            v = float(p[0])
        except ValueError:
            continue
        if name == "task-clock":
            out["cpu_ms"] = out.get("cpu_ms", 0) + v
        elif name == "raw_syscalls:sys_enter":
            out["syscalls"] = out.get("syscalls", 0) + v
        elif name.startswith("syscalls:sys_enter_"):
            out[name[19:]] = out.get(name[19:], 0) + v
        elif name.startswith("syscalls:sys_exit_"):
            out[name[18:] + "_failed"] = out.get(name[18:] + "_failed", 0) + v
    return out


def summarize_counts(c, n):
    """Counts over n hits -> per hit: stat-family, failing ones, all syscalls."""
    if not c or not n:
        return None
    stat = sum(c.get(k, 0) for k in STAT_CALLS)
    failed = sum(c.get(k + "_failed", 0) for k in STAT_CALLS)
    return {"hits": n, "stat_per_hit": stat / n, "stat_failed_per_hit": failed / n,
            "access_per_hit": sum(c.get(k, 0) for k in ("access", "faccessat", "faccessat2")) / n,
            "openat_per_hit": c.get("openat", 0) / n, "getdents64_per_hit": c.get("getdents64", 0) / n,
            "syscalls_per_hit": c.get("syscalls", 0) / n,
            "cpu_ms_per_hit": c.get("cpu_ms", 0) / n if "cpu_ms" in c else None, "raw": c}


class ServerCount:
    """perf stat -p PID in the background, for as long as the with block."""

    def __init__(self, pid, work):
        self.pid, self.path = pid, os.path.join(work, f"perf-server-{pid}.txt")
        self.proc = None

    def __enter__(self):
        if self.pid:
            self.proc = subprocess.Popen(["perf", "stat", "-x,", "-o", self.path, *perf_events(),
                                          "-p", str(self.pid)], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            time.sleep(0.5)  # attached to every thread before the first hit
        return self

    def __exit__(self, *exc):
        if self.proc:
            time.sleep(0.1)
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.counts = perf_parse(self.path) if self.proc else {}
        return False


# ---- the generated header workload ---------------------------------------------

def header_text(k):
    return (f"#ifndef H{k}_H\n#define H{k}_H\n/* project header {k} */\n"
            f"struct h{k} {{ int a; long b[{k % 7 + 1}]; }};\n"
            f"static inline int h{k}_f(int x) {{ return x * {k % 13 + 1} + {k}; }}\n"
            f"#define H{k}_VALUE {k}\n#endif\n")


REGEN_PY = r'''#!/usr/bin/env python3
# Rewrite every header as a generator does (tmp + rename, identical content)
# and remove the in-tree objects, as "make clean" would: every folder on the
# include path has changed since the store.
import glob, os, sys
root = os.path.dirname(os.path.abspath(__file__))
for h in glob.glob(os.path.join(root, "inc*", "h*.h")):
    with open(h, "rb") as f:
        data = f.read()
    with open(h + ".tmp", "wb") as f:
        f.write(data)
    os.rename(h + ".tmp", h)
for pat in sys.argv[1:]:
    for o in glob.glob(os.path.join(root, pat)):
        os.unlink(o)
'''


def gen_headers(root, n, folders, style, units=0):
    """n headers spread over `folders` -I folders; main.c includes them all;
    with units > 0 also a small project (src/uK.c, Makefile, objects
    in-tree next to the sources)."""
    dirs = [f"inc{d}" for d in range(folders)]
    for d in dirs:
        os.makedirs(os.path.join(root, d))
    for k in range(n):
        with open(os.path.join(root, dirs[k % folders], f"h{k}.h"), "w") as f:
            f.write(header_text(k))
    o, c = ('"', '"') if style == "quote" else ("<", ">")
    incs = "".join(f"#include {o}h{k}.h{c}\n" for k in range(n))

    def body(name):
        return (incs + f"int {name}_sum(int x)\n{{\n\tint s = 0;\n"
                + "".join(f"\ts += h{k}_f(x) + H{k}_VALUE;\n" for k in range(0, n, max(1, n // 20)))
                + "\treturn s;\n}\n")
    with open(os.path.join(root, "main.c"), "w") as f:
        f.write(body("main"))
    with open(os.path.join(root, "regen.py"), "w") as f:
        f.write(REGEN_PY)
    iflags = " ".join(f"-I{d}" for d in dirs)
    if units:
        os.makedirs(os.path.join(root, "src"))
        for u in range(units):
            with open(os.path.join(root, "src", f"u{u}.c"), "w") as f:
                f.write(body(f"u{u}"))
        with open(os.path.join(root, "Makefile"), "w") as f:
            f.write(f"CC ?= gcc\nOBJS := $(patsubst %.c,%.o,$(wildcard src/*.c))\nall: $(OBJS)\n"
                    f"src/%.o: src/%.c\n\t$(CC) -O2 -Wall {iflags} -MD -c $< -o $@\n"
                    f"clean:\n\trm -f src/*.o src/*.d\n")
    return ["-O2", "-Wall", *[f"-I{d}" for d in dirs], "-MD", "-c", "main.c", "-o", "main.o"]


# ---- tools as the header workload needs them -------------------------------------

class HTools:
    def __init__(self, tools, helpers, log):
        self.t, self.helpers, self.log = tools, helpers, log
        self.env = tools.env
        self.names = [t for t in ("zccache", "ccache", "sccache") if t in tools.prefix]

    def argv(self, tool, args):
        if tool == "floor":
            return [self.helpers["touchcc"], *args]
        if tool == "bare":
            return ["gcc", *args]
        return [*self.t.prefix[tool], "gcc", *args]

    def server_pid(self, tool):
        if tool == "zccache":
            return self.t.zstatus().get("pid")
        if tool == "sccache":
            return self.t.sccache_pid()
        return None

    def counters(self, tool):
        """Counters that tell what the hits were."""
        if tool == "zccache":
            return self.t.zstats() or {}
        if tool == "ccache":
            r = subprocess.run(["ccache", "--print-stats"], env=self.env, capture_output=True, text=True)
            out = {}
            for line in r.stdout.splitlines():
                p = line.split("\t")
                if len(p) == 2 and p[1].isdigit() and int(p[1]) and not p[0].startswith("stats_"):
                    out[p[0]] = int(p[1])
            return out
        if tool == "sccache":
            r = subprocess.run(["sccache", "--show-stats", "--stats-format", "json"], env=self.env,
                               capture_output=True, text=True)
            try:
                s = json.loads(r.stdout).get("stats", {})
            except ValueError:
                return {}
            out = {}
            for k in ("cache_hits", "cache_misses", "not_cached", "compile_requests"):
                v = s.get(k)
                if isinstance(v, dict):
                    v = sum(x for x in v.get("counts", {}).values()) if "counts" in v else None
                if isinstance(v, int) and v:
                    out[k] = v
            return out
        return {}


def delta(after, before):
    return {k: v - before.get(k, 0) for k, v in after.items()
            if isinstance(v, (int, float)) and v - before.get(k, 0)}


def hyperfine(argv, cwd, env, work, tag, prepare=None, runs=None, min_runs=10, max_runs=100, warmup=1):
    """Mean/median/min/max of a whole-process command, ms (hyperfine -N)."""
    out = os.path.join(work, f"hf-{tag}.json")
    cmd = ["hyperfine", "-N", "--export-json", out, "--warmup", str(warmup)]
    cmd += ["--runs", str(runs)] if runs else ["-m", str(min_runs), "-M", str(max_runs)]
    if prepare:
        cmd += ["--prepare", prepare]
    cmd.append(" ".join(argv))
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-2000:]}")
    with open(out) as f:
        r = json.load(f)["results"][0]
    ts = [t * 1000 for t in r["times"]]
    return {"mean": r["mean"] * 1000, "median": statistics.median(ts), "min": min(ts), "max": max(ts),
            "stddev": (r.get("stddev") or 0) * 1000, "runs": len(ts), "warmup": warmup}


def measure_hits(ht, tool, args, root, work, tag, regen, count_hits, perf_ok):
    """Prime tool's cache for this unit, then time its hits (hyperfine) and
    count what they cost (server CPU from /proc, syscalls from perf)."""
    env = ht.env
    cmd = ht.argv(tool, args)
    prep = f"python3 {os.path.join(root, 'regen.py')} main.o main.d" if regen else None
    # The store refuses headers written in the clock tick its compile started
    # in, and a digest taken within a second of a file's change is taken
    # again on the next use (hashcache.h): a real build's headers are older
    # than that. Without this wait the first second of hits re-hashes every
    # header and the table measures that instead of a warm hit.
    time.sleep(1.1)
    subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    pid = ht.server_pid(tool)
    c0 = ht.counters(tool)
    cpu0, sch0 = proc_cpu_s(pid), proc_sched_s(pid)
    hf = hyperfine(cmd, root, env, work, tag, prepare=prep)
    cpu1, sch1 = proc_cpu_s(pid), proc_sched_s(pid)
    c1 = ht.counters(tool)
    n = hf["runs"] + hf["warmup"]
    e = {"time_ms": hf, "counters": delta(c1, c0), "server_pid": pid, "timed_invocations": n}
    e["hits_seen"] = hit_count(tool, e["counters"])
    if pid and cpu0 is not None and cpu1 is not None:
        e["server_cpu_ms_per_hit"] = (cpu1 - cpu0) * 1000 / n
        e["server_cpu_ticks"] = round((cpu1 - cpu0) * os.sysconf("SC_CLK_TCK"))
    if pid and sch0 is not None and sch1 is not None:
        e["server_sched_ms_per_hit"] = (sch1 - sch0) * 1000 / n
    if perf_ok:
        client = {}
        with ServerCount(pid, work) as sc:
            for i in range(count_hits):
                if regen:
                    subprocess.run(prep.split(), cwd=root, env=env, check=True)
                p = os.path.join(work, f"perf-client-{tag}.txt")
                subprocess.run(["perf", "stat", "-x,", "-o", p, *perf_events(), "--", *cmd],
                               cwd=root, env=env, check=True, capture_output=True)
                for k, v in perf_parse(p).items():
                    client[k] = client.get(k, 0) + v
        e["client_counts"] = summarize_counts(client, count_hits)
        e["server_counts"] = summarize_counts(sc.counts, count_hits) if pid else None
    return e


def header_cell(ht, work, n, layout, exec_ms, perf_ok, count_hits, units):
    name, folders, style, regen = layout
    root = os.path.join(work, "hdr", f"n{n}-{name}" + ("-proj" if units else ""))
    args = gen_headers(root, n, folders, style, units)
    cell = {"n": n, "layout": name, "folders": folders, "style": style, "regen": regen, "tools": {}}
    tag = f"n{n}-{name}"
    prep = f"python3 {os.path.join(root, 'regen.py')} main.o main.d" if regen else None
    for ref in ("floor", "bare"):
        hf = hyperfine(ht.argv(ref, args), root, ht.env, work, f"{tag}-{ref}", prepare=prep,
                       runs=10 if ref == "bare" else None, max_runs=100)
        cell["tools"][ref] = {"time_ms": hf}
    for t in ht.names:
        cell["tools"][t] = measure_hits(ht, t, args, root, work, f"{tag}-{t}", regen, count_hits, perf_ok)
    fl = cell["tools"]["floor"]["time_ms"]["median"]
    z = cell["tools"].get("zccache", {}).get("time_ms", {}).get("median")
    for t, e in cell["tools"].items():
        m = e["time_ms"]["median"]
        e["over_floor_ms"] = m - fl
        if z and t != "zccache":
            e["over_zccache"] = m / z
    cell["exec_floor_ms"] = exec_ms
    shutil.rmtree(root, ignore_errors=True)
    return cell


def project_cell(ht, work, n, layout, perf_ok, units, jobs, runs):
    """The small project: `units` units including the same n headers, make
    -jJOBS, objects in-tree; warm builds per tool against the floor build."""
    name, folders, style, regen = layout
    root = os.path.join(work, "hdr", f"n{n}-{name}-proj")
    gen_headers(root, n, folders, style, units)
    env = ht.env
    cc = {"floor": ht.helpers["touchcc"], "bare": "gcc"}
    for t in ht.names:
        cc[t] = " ".join(ht.t.prefix[t] + ["gcc"])

    def build(tool):
        subprocess.run(["make", "-s", "-C", root, "clean"], env=env, check=True)
        if regen:
            subprocess.run(["python3", os.path.join(root, "regen.py")], env=env, check=True)
        time.sleep(0.02)
        t0 = time.monotonic()
        subprocess.run(["make", "-s", "-C", root, f"-j{jobs}", f"CC={cc[tool]}"], env=env, check=True,
                       capture_output=True)
        return time.monotonic() - t0
    cell = {"n": n, "layout": name, "units": units, "jobs": jobs, "tools": {}}
    for t in ht.names:
        time.sleep(0.05)
        build(t)  # prime
    times = {t: [] for t in ["floor", "bare"] + ht.names}
    cpu = {t: 0.0 for t in ht.names}
    sch = {t: 0.0 for t in ht.names}
    c0 = {t: ht.counters(t) for t in ht.names}
    for r in range(runs):
        order = list(times) if r % 2 == 0 else list(times)[::-1]
        for t in order:
            if t == "bare" and r:
                continue
            took, dc, ds = timed_on_server(ht.server_pid(t) if t in ht.names else None, build, t)
            times[t].append(took)
            if t in cpu:
                cpu[t] += dc
                sch[t] += ds
    par = min(jobs, os.cpu_count() or 1)
    fl = statistics.median(times["floor"])
    for t, xs in times.items():
        e = {"build_s": {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": xs}}
        if t != "floor":
            e["hit_ms_per_compile"] = (statistics.median(xs) - fl) * par / units * 1000
        if t in ht.names:
            e["counters"] = delta(ht.counters(t), c0[t])
            if ht.server_pid(t):
                e["server_cpu_ms_per_hit"] = cpu[t] * 1000 / (units * runs)
                e["server_sched_ms_per_hit"] = sch[t] * 1000 / (units * runs)
        cell["tools"][t] = e
    if perf_ok:
        # One more warm build per tool under perf: the server's calls per hit,
        # and every process of the build (make, sh, the launchers) per compile.
        base = None
        for t in ["floor"] + ht.names:
            pid = ht.server_pid(t) if t in ht.names else None
            p = os.path.join(work, f"perf-proj-{n}-{name}-{t}.txt")
            subprocess.run(["make", "-s", "-C", root, "clean"], env=env, check=True)
            if regen:
                subprocess.run(["python3", os.path.join(root, "regen.py")], env=env, check=True)
            with ServerCount(pid, work) as sc:
                subprocess.run(["perf", "stat", "-x,", "-o", p, *perf_events(), "--", "make", "-s", "-C", root,
                                f"-j{jobs}", f"CC={cc[t]}"], env=env, check=True, capture_output=True)
            whole = perf_parse(p)
            if t == "floor":
                base = whole
                continue
            # The build's processes minus the floor build's (make, sh, touchcc).
            net = {k: v - (base or {}).get(k, 0) for k, v in whole.items()}
            cell["tools"][t]["client_counts"] = summarize_counts(net, units)
            cell["tools"][t]["server_counts"] = summarize_counts(sc.counts, units) if pid else None
    z = cell["tools"].get("zccache", {}).get("hit_ms_per_compile")
    for t, e in cell["tools"].items():
        if z and e.get("hit_ms_per_compile") is not None and t != "zccache" and z > 0:
            e["over_zccache"] = e["hit_ms_per_compile"] / z
    shutil.rmtree(root, ignore_errors=True)
    return cell


def run_headers(a, tools, helpers, work, exec_ms, log):
    ht = HTools(tools, helpers, log)
    perf_err = perf_usable()
    if perf_err:
        log(f"syscall counts left out: {perf_err}")
    if not shutil.which("hyperfine"):
        raise RuntimeError("hyperfine is not installed (bench/run installs it)")
    ns = [int(x) for x in a.header_ns.split(",")]
    layouts = [l for l in LAYOUTS if l[0] in a.header_layouts.split(",")]
    out = {"ns": ns, "layouts": [l[0] for l in layouts], "units": [], "projects": [],
           "count_hits": a.count_hits, "syscall_counts": "perf stat (syscall tracepoints)" if not perf_err else None,
           "syscall_counts_missing": perf_err, "tools": ht.names}
    for n in ns:
        for layout in layouts:
            t0 = time.monotonic()
            cell = header_cell(ht, work, n, layout, exec_ms, not perf_err, a.count_hits, 0)
            out["units"].append(cell)
            z, c = cell["tools"].get("zccache", {}), cell["tools"].get("ccache", {})
            log(f"headers N={n} {layout[0]}: zccache {z.get('time_ms', {}).get('median', 0):.2f} ms, "
                f"ccache {c.get('time_ms', {}).get('median', 0):.2f} ms, "
                f"bare {cell['tools']['bare']['time_ms']['median']:.2f} ms "
                f"({time.monotonic() - t0:.0f} s)")
    if a.project_units:
        for n in [int(x) for x in a.project_ns.split(",") if x.strip()]:
            for layout in [l for l in LAYOUTS if l[0] in PROJECT_LAYOUTS]:
                t0 = time.monotonic()
                cell = project_cell(ht, work, n, layout, not perf_err, a.project_units, a.jobs, a.project_runs)
                out["projects"].append(cell)
                log(f"project N={n} {layout[0]}: " + ", ".join(
                    f"{t} {e.get('hit_ms_per_compile', 0):.2f} ms" for t, e in cell["tools"].items()
                    if t != "floor") + f" ({time.monotonic() - t0:.0f} s)")
    return out


# ---- the real project: Linux 6.1 (Debian's linux-source-6.1) -----------------------

LINUX_TARBALL = "/usr/src/linux-source-6.1.tar.xz"


def linux_tree(a, log):
    """Unpack Debian's linux-source-6.1 once into --real-dir; reused after."""
    base = os.path.abspath(os.path.expanduser(a.real_dir))
    tree = os.path.join(base, "linux-source-6.1")
    if os.path.exists(os.path.join(tree, ".bench-unpacked")):
        return tree
    if not os.path.exists(LINUX_TARBALL):
        raise RuntimeError(f"{LINUX_TARBALL} is missing: apt-get install linux-source-6.1 (bench/run --real does)")
    os.makedirs(base, exist_ok=True)
    shutil.rmtree(tree, ignore_errors=True)
    log(f"unpacking {LINUX_TARBALL} into {base} (once)")
    subprocess.run(["tar", "xf", LINUX_TARBALL, "-C", base], check=True)
    open(os.path.join(tree, ".bench-unpacked"), "w").close()
    return tree


def run_real(a, tools, helpers, work, log):
    """Linux 6.1, `make tinyconfig` (+ --real-config lines), built in-tree by
    its own Kbuild: cold (cache emptied) and warm (make clean, cache full) per
    tool, alternated, CC="TOOL gcc", HOSTCC bare."""
    tree = linux_tree(a, log)
    env = dict(tools.env, KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026", KBUILD_BUILD_USER="bench",
               KBUILD_BUILD_HOST="bench", KBUILD_BUILD_VERSION="1")
    mk = ["make", "-s", "-C", tree]
    targets = a.real_targets.split()
    marker = os.path.join(tree, ".bench-config")
    try:
        with open(marker) as f:
            configured = f.read().strip() == a.real_config
    except OSError:
        configured = False
    if not configured:
        # mrproper walks the whole tree: only when the config target changed.
        log(f"linux: mrproper + {a.real_config}")
        subprocess.run(mk + ["mrproper"], env=env, check=True, capture_output=True)
        subprocess.run(mk + [a.real_config], env=env, check=True, capture_output=True)
        with open(marker, "w") as f:
            f.write(a.real_config + "\n")
    names = ["bare"] + [t for t in ("zccache", "ccache", "sccache") if t in tools.prefix and t in a.real_tools.split(",")]
    cc = {t: " ".join(tools.prefix[t] + ["gcc"]) for t in names}
    ht = HTools(tools, helpers, log)
    res = {"project": "Linux 6.1 (Debian linux-source-6.1)", "config": a.real_config, "jobs": a.jobs,
           "targets": targets,
           "runs": a.real_runs, "tools": {}, "tree": tree}

    def build(t):
        subprocess.run(mk + ["clean"], env=env, check=True, capture_output=True)
        t0 = time.monotonic()
        r = subprocess.run(mk + [f"-j{a.jobs}", f"CC={cc[t]}", "HOSTCC=gcc", *targets], env=env,
                           capture_output=True, text=True)
        took = time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError(f"linux build with {t} failed:\n{r.stderr[-3000:]}")
        return took
    cold, warm, cpu, sch, cnt = cold_warm_rounds(names, a.real_runs, build, tools, ht, log, "linux")
    # Compiles in a build: the depfiles Kbuild leaves (.o.cmd per object).
    dirs = [os.path.join(tree, t) for t in targets if t.endswith("/")] or [tree]
    objs = int(subprocess.run(["sh", "-c", 'find "$@" -name "*.o.cmd" | wc -l', "sh", *dirs],
                              capture_output=True, text=True).stdout.strip() or 0)
    res["objects"] = objs
    bare = statistics.median(cold["bare"])
    for t in names:
        e = {"cold": summary(cold[t]), "cold_over_bare": statistics.median(cold[t]) / bare}
        if t != "bare":
            e["warm"] = summary(warm[t])
            e["warm_over_bare"] = statistics.median(warm[t]) / bare
            e["counters_warm"] = cnt[t]
            hits = hit_count(t, cnt[t])
            if hits:
                e["hits_per_warm_build"] = hits / a.real_runs
            if cpu[t]:
                e["server_cpu_s_per_warm_build"] = cpu[t] / a.real_runs
                if hits:
                    e["server_cpu_ms_per_hit"] = cpu[t] * 1000 / hits
                    e["server_sched_ms_per_hit"] = sch[t] * 1000 / hits
        res["tools"][t] = e
    c = res["tools"].get("ccache", {}).get("warm")
    z = res["tools"].get("zccache", {}).get("warm")
    if c and z:
        res["warm_zccache_over_ccache"] = z["median"] / c["median"]
    if helpers.get("replaycc"):
        # The warm floor: a perfect cache, every compile one exec of a small C
        # program that copies the object and depfile a recorded build left.
        # What is left is Kbuild's own work (make, fixdep, links, probes):
        # no cache's warm build can be faster.
        snap = os.path.join(work, "linux-replay")
        cc["record"] = f"{helpers['replaycc']} record {snap} gcc"
        cc["floor"] = f"{helpers['replaycc']} replay {snap} gcc"
        build("record")
        floor = [build("floor") for _ in range(a.real_runs)]
        res["floor"] = summary(floor)
        log(f"linux floor (perfect cache): {res['floor']['median']:.1f} s")
        warms = [e["warm"]["median"] for e in res["tools"].values() if e.get("warm")]
        if c and warms and res["floor"]["median"] <= min(warms):
            res["floor_over_ccache"] = res["floor"]["median"] / c["median"]
            # What each cache adds to Kbuild's own work, per hit: the
            # build's wall time above the floor, over the hits, times the
            # jobs that ran at once (as the headers workload's hit/compile).
            par = min(a.jobs, os.cpu_count() or 1)
            for t, e in res["tools"].items():
                if e.get("warm") and e.get("hits_per_warm_build"):
                    e["above_floor_s"] = e["warm"]["median"] - res["floor"]["median"]
                    e["above_floor_ms_per_hit"] = e["above_floor_s"] * 1000 * par / e["hits_per_warm_build"]
            zf = res["tools"].get("zccache", {}).get("above_floor_s")
            cf = res["tools"].get("ccache", {}).get("above_floor_s")
            if zf is not None and cf:
                res["above_floor_zccache_over_ccache"] = zf / cf
        elif warms:
            # Above a tool's warm build, it is no floor: replaycc ran gcc for
            # compiles it had not recorded (Kbuild renamed or re-ran some).
            res["floor_invalid"] = True
    if not perf_usable() and a.count_hits:
        # One more warm build per tool under perf: the server's calls per hit.
        # zccache only: its server's calls per hit are the figure; a build
        # under perf for every tool costs minutes on a busy machine.
        for t in names:
            if t != "zccache":
                continue
            pid = ht.server_pid(t)
            c0 = ht.counters(t)
            subprocess.run(mk + ["clean"], env=env, check=True, capture_output=True)
            p = os.path.join(work, f"perf-linux-{t}.txt")
            with ServerCount(pid, work) as sc:
                subprocess.run(["perf", "stat", "-x,", "-o", p, *perf_events(), "--", *mk, f"-j{a.jobs}",
                                f"CC={cc[t]}", "HOSTCC=gcc", *targets], env=env, check=True, capture_output=True)
            hits = hit_count(t, delta(ht.counters(t), c0)) or 0
            e = res["tools"][t]
            e["counted_build_hits"] = hits
            e["build_counts"] = perf_parse(p)
            if pid and hits:
                e["server_counts"] = summarize_counts(sc.counts, hits)
            log(f"linux counted warm build {t}: {hits} hits")
    subprocess.run(mk + ["clean"], env=env, capture_output=True)
    return res


def timed_on_server(pid, build, t):
    """build(t)'s result, and the server's CPU and schedstat seconds over it
    (0 where not known)."""
    p0, s0 = proc_cpu_s(pid), proc_sched_s(pid)
    took = build(t)
    p1, s1 = proc_cpu_s(pid), proc_sched_s(pid)
    return (took, p1 - p0 if p0 is not None and p1 is not None else 0.0,
            s1 - s0 if s0 is not None and s1 is not None else 0.0)


def cold_warm_rounds(names, runs, build, tools, ht, log, tag, after_round=None):
    """runs rounds, tools alternated (reversed every other round): per tool a
    cold build (cache emptied) and, for a cache, a warm one, with the
    server's CPU (and schedstat) and counters over the warm builds.
    after_round(r) runs after each round (a floor build)."""
    cold = {t: [] for t in names}
    warm = {t: [] for t in names if t != "bare"}
    cpu = {t: 0.0 for t in names}
    sch = {t: 0.0 for t in names}
    cnt = {t: {} for t in names}
    for r in range(runs):
        for t in (names if r % 2 == 0 else names[::-1]):
            if t != "bare":
                tools.empty(t)
            cold[t].append(build(t))
            if t != "bare":
                c0 = ht.counters(t)
                took, dc, ds = timed_on_server(ht.server_pid(t), build, t)
                warm[t].append(took)
                cpu[t] += dc
                sch[t] += ds
                for k, v in delta(ht.counters(t), c0).items():
                    cnt[t][k] = cnt[t].get(k, 0) + v
            log(f"{tag} run {r + 1}/{runs} {t}: cold {cold[t][-1]:.1f} s"
                + (f", warm {warm[t][-1]:.2f} s" if t != "bare" else ""))
        if after_round:
            after_round(r)
    return cold, warm, cpu, sch, cnt


def hit_count(tool, c):
    if tool == "zccache":
        return c.get("direct_hit", 0)
    if tool == "ccache":
        return c.get("direct_cache_hit", 0) + c.get("preprocessed_cache_hit", 0)
    if tool == "sccache":
        return c.get("cache_hits", 0)
    return 0


def summary(xs):
    return {"runs": [round(x, 3) for x in xs], "median": statistics.median(xs), "min": min(xs), "max": max(xs)}


# ---- report ------------------------------------------------------------------------

def f2(v, spec=".2f", suf=""):
    return "-" if v is None else f"{v:{spec}}{suf}"


def counts_cell(e, side):
    c = (e or {}).get(side)
    if not c:
        return "-"
    return f"{c['stat_per_hit']:.0f} ({c['stat_failed_per_hit']:.0f} failed)"


def cpu_cell(e):
    """utime+stime per hit, and in brackets the schedstat figure (ns resolution)."""
    if not e or e.get("server_cpu_ms_per_hit") is None:
        return "-"
    s = e.get("server_sched_ms_per_hit")
    return f"{e['server_cpu_ms_per_hit']:.2f} ms" + (f" ({s:.2f})" if s is not None else "")


def report_headers(h, exec_ms):
    L = ["## Header scaling: one unit, N project headers, a hit as a whole process", "",
         "Time: hyperfine -N (no shell), median ms of the hits (the cache primed first). "
         "floor = touchcc (creates the outputs, nothing else); bare = gcc itself. "
         "Server CPU/hit = utime+stime delta of the server's /proc/PID/stat over the timed hits (clock ticks, "
         "so coarse when the hits are cheap; in brackets the same from /proc/PID/task/*/schedstat, ns). "
         f"stat/hit = stat-family syscalls (stat, lstat, fstat, newfstatat, statx) per hit counted by "
         f"{h.get('syscall_counts') or 'nothing (' + str(h.get('syscall_counts_missing')) + ')'} "
         f"over {h['count_hits']} more hits: on zccached (server) and on the launcher's or ccache's own "
         "processes (client). regen = before every hit the headers are rewritten (tmp + rename, same "
         "content) and the in-tree objects removed.", "",
         f"Exec floor (spawnloop): {exec_ms:.3f} ms.", ""]
    tools = h["tools"]
    hdr = "| N | layout | floor | bare gcc | " + " | ".join(f"{t} hit" for t in tools)
    hdr += " | ccache / zccache | zccache above floor | server CPU/hit | zccache server stat/hit " \
           "| zccache client stat/hit | ccache stat/hit | zccache counters | ccache counters |"
    L.append(hdr)
    L.append("|" + " --- |" * (hdr.count("|") - 1))
    for c in h["units"]:
        T = c["tools"]
        z, cc = T.get("zccache", {}), T.get("ccache", {})
        row = [str(c["n"]), c["layout"], f2(T["floor"]["time_ms"]["median"], ".2f", " ms"),
               f2(T["bare"]["time_ms"]["median"], ".1f", " ms")]
        row += [f2(T[t]["time_ms"]["median"], ".2f", " ms") for t in tools]
        row += [f2(cc.get("over_zccache"), ".2f", "x"), f2(z.get("over_floor_ms"), ".2f", " ms"),
                cpu_cell(z),
                counts_cell(z, "server_counts"), counts_cell(z, "client_counts"),
                counts_cell(cc, "client_counts"),
                ", ".join(f"{k} {v}" for k, v in sorted(z.get("counters", {}).items())),
                ", ".join(f"{k} {v}" for k, v in sorted(cc.get("counters", {}).items()))]
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    if h.get("projects"):
        L += ["## Header scaling: a small project (make, objects in-tree)", "",
              "Warm build (objects removed, cache full) against the floor build; hit per compile = "
              "(warm - floor) x min(jobs, CPUs) / units. Server CPU/hit from /proc over the timed builds; "
              "syscalls from one more warm build under perf: the server's per hit, and the build's own "
              "processes minus the floor build's per compile.", ""]
        hdr = "| N | layout | units | floor build | bare build | " + " | ".join(
            f"{t} hit/compile" for t in tools) + " | ccache / zccache | server CPU/hit | zccache server stat/hit " \
            "| zccache build stat/compile | ccache build stat/compile |"
        L += [hdr, "|" + " --- |" * (hdr.count("|") - 1)]
        for c in h["projects"]:
            T = c["tools"]
            z, cc = T.get("zccache", {}), T.get("ccache", {})
            row = [str(c["n"]), c["layout"], str(c["units"]), f2(T["floor"]["build_s"]["median"], ".2f", " s"),
                   f2(T["bare"]["build_s"]["median"], ".2f", " s")]
            row += [f2(T[t].get("hit_ms_per_compile"), ".2f", " ms") for t in tools]
            row += [f2(cc.get("over_zccache"), ".2f", "x"), cpu_cell(z),
                    counts_cell(z, "server_counts"), counts_cell(z, "client_counts"),
                    counts_cell(cc, "client_counts")]
            L.append("| " + " | ".join(row) + " |")
        L.append("")
    return L


def report_real(r):
    L = [f"## Real project: {r['project']}, `make {r['config']}`, in-tree Kbuild, "
         f"`make -j{r['jobs']} {' '.join(r.get('targets') or [])}`", "",
         f"{r.get('objects')} objects per build; cold = cache emptied, warm = `make clean` then `make` with the "
         f"cache full; medians of {r['runs']} run(s), tools alternated. CC=\"TOOL gcc\", HOSTCC=gcc.", "",
         "| tool | cold | warm | cold / bare | warm / bare | hits per warm build | server CPU/hit "
         "| server stat/hit | counters over the warm builds |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t, e in r["tools"].items():
        L.append(f"| {t} | {e['cold']['median']:.1f} s ({e['cold']['min']:.1f}-{e['cold']['max']:.1f}) "
                 f"| {f2((e.get('warm') or {}).get('median'), '.1f', ' s')} | {e['cold_over_bare']:.3f} "
                 f"| {f2(e.get('warm_over_bare'), '.3f')} | {f2(e.get('hits_per_warm_build'), '.0f')} "
                 f"| {cpu_cell(e)} | {counts_cell(e, 'server_counts')} "
                 f"| {', '.join(f'{k} {v}' for k, v in sorted((e.get('counters_warm') or {}).items()))} |")
    if r.get("warm_zccache_over_ccache"):
        L += ["", f"Warm build, zccache / ccache: **{r['warm_zccache_over_ccache']:.2f}**."]
    if r.get("floor"):
        f = r["floor"]
        L += ["", f"Warm floor (a perfect cache: every compile one exec of bench/fakecc.c's `replaycc`, which "
              f"copies the object and depfile a recorded build left, and answers Kbuild's probes as recorded, "
              f"as the caches do; the rest is Kbuild's own work): "
              f"{f['median']:.1f} s ({f['min']:.1f}-{f['max']:.1f})"
              + (f", {r['floor_over_ccache']:.2f} x ccache's warm build: no cache can do better than that."
                 if r.get("floor_over_ccache") else
                 ": above a tool's warm build, so not a floor (replaycc ran gcc for compiles it had not "
                 "recorded); not used." if r.get("floor_invalid") else ".")]
        above = [(t, e) for t, e in r["tools"].items() if e.get("above_floor_s") is not None]
        if above:
            L += ["", "What each cache adds to the floor (warm build - floor; per hit: that x parallel jobs / hits): "
                  + "; ".join(f"{t} {e['above_floor_s']:.2f} s, {e['above_floor_ms_per_hit']:.2f} ms per hit"
                              for t, e in above)
                  + (f". zccache / ccache above the floor: **{r['above_floor_zccache_over_ccache']:.2f}**."
                     if r.get("above_floor_zccache_over_ccache") else ".")]
    L.append("")
    return L
