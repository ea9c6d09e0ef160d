"""A second real project for bench/bench.py (bench/run --curl): curl 7.88.1
from Debian's source archive, built by its own CMake build with Ninja, the
cache as CMAKE_C_COMPILER_LAUNCHER. Kbuild's own work (make, fixdep, probes,
links) is most of a warm kernel build, so what a cache costs hardly shows
there; Ninja's is a few hundred milliseconds, so here it does.

One build folder, configured once; between tools only the launcher changes
(cmake re-run, not timed). cold = cache emptied, `ninja clean`, `ninja`; warm = `ninja clean`,
`ninja` with the cache full; tools alternated. The floor: bench/fakecc.c's
replaycc as the launcher, copying the objects and depfiles a recorded build
left (a perfect cache at the cost of one exec and a copy).
"""
import hashlib
import os
import shutil
import statistics
import subprocess
import time
import urllib.request

from headers import HTools, cold_warm_rounds, cpu_cell, f2, hit_count, summary

CURL_URL = "http://deb.debian.org/debian/pool/main/c/curl/curl_7.88.1.orig.tar.gz"
CURL_SHA256 = "cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7"
CURL_DIR = "curl-7.88.1"
# No TLS, compression or resolver libraries: what is built is curl's own
# code, and the machine needs no -dev package beyond the compiler.
CURL_CMAKE = ["-DCMAKE_BUILD_TYPE=Release", "-DBUILD_SHARED_LIBS=OFF", "-DBUILD_TESTING=OFF",
              "-DCURL_ENABLE_SSL=OFF", "-DCURL_USE_LIBPSL=OFF", "-DUSE_LIBIDN2=OFF", "-DCURL_USE_LIBSSH2=OFF",
              "-DCURL_ZLIB=OFF", "-DCURL_BROTLI=OFF", "-DCURL_ZSTD=OFF", "-DUSE_NGHTTP2=OFF",
              "-DENABLE_ARES=OFF", "-DCURL_DISABLE_LDAP=ON"]


def curl_tree(a, log):
    """Fetch (once, checked) and unpack curl's source under --real-dir."""
    base = os.path.abspath(os.path.expanduser(a.real_dir))
    os.makedirs(base, exist_ok=True)
    tarball = os.path.join(base, os.path.basename(CURL_URL))
    tree = os.path.join(base, CURL_DIR)
    if os.path.exists(os.path.join(tree, ".bench-unpacked")):
        return tree
    if not os.path.exists(tarball):
        log(f"fetching {CURL_URL}")
        with urllib.request.urlopen(CURL_URL, timeout=120) as r, open(tarball + ".part", "wb") as f:
            shutil.copyfileobj(r, f)
        os.rename(tarball + ".part", tarball)
    with open(tarball, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != CURL_SHA256:
            os.unlink(tarball)
            raise RuntimeError(f"{tarball}: sha256 differs from Debian's; removed, run again")
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["tar", "xf", tarball, "-C", base], check=True)
    open(os.path.join(tree, ".bench-unpacked"), "w").close()
    return tree


def run_curl(a, tools, helpers, work, log):
    tree = curl_tree(a, log)
    env = dict(tools.env)
    names = ["bare"] + [t for t in ("zccache", "ccache", "sccache") if t in tools.prefix and t in a.real_tools.split(",")]
    launcher = {t: tools.prefix[t] for t in names if t != "bare"}
    launcher["bare"] = []
    if helpers.get("replaycc"):
        snap = os.path.join(work, "curl-replay")
        launcher["record"] = [helpers["replaycc"], "record", snap]
        launcher["floor"] = [helpers["replaycc"], "replay", snap]
    ht = HTools(tools, helpers, log)
    # One build folder: configured once (minutes of checks), then only the
    # launcher changes between tools (a re-run of cmake with its checks
    # cached: seconds, not timed). The same relative paths for every tool
    # also let the floor replay what the record left.
    bdir = os.path.join(work, "curl-build")
    shutil.rmtree(bdir, ignore_errors=True)
    log("curl: configuring")
    r = subprocess.run(["cmake", "-G", "Ninja", "-S", tree, "-B", bdir, "-DCMAKE_C_COMPILER=gcc", *CURL_CMAKE],
                       env=env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"curl cmake failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")

    current = [None]  # the launcher the folder is configured with

    def use(t):
        if current[0] == launcher[t]:
            return
        r = subprocess.run(["cmake", "-DCMAKE_C_COMPILER_LAUNCHER=" + ";".join(launcher[t]), bdir],
                           env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"curl cmake for {t} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
        current[0] = launcher[t]
    res = {"project": "curl 7.88.1 (Debian's source archive)", "jobs": a.jobs, "runs": a.real_runs, "tools": {}}
    res["objects"] = int(subprocess.run(["sh", "-c", f"ninja -C '{bdir}' -t commands | grep -c ' -c '"],
                                        capture_output=True, text=True).stdout.strip() or 0)

    def build(t):
        use(t)
        subprocess.run(["ninja", "-C", bdir, "clean"], env=env, check=True, capture_output=True)
        t0 = time.monotonic()
        r = subprocess.run(["ninja", "-C", bdir, f"-j{a.jobs}"], env=env, capture_output=True, text=True)
        took = time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError(f"curl build with {t} failed:\n{r.stdout[-3000:]}")
        return took

    floor = []
    if "record" in launcher:
        build("record")

    def floor_build(r):
        if "floor" in launcher:
            floor.append(build("floor"))
            log(f"curl run {r + 1}/{a.real_runs} floor: {floor[-1]:.2f} s")
    cold, warm, cpu, sch, cnt = cold_warm_rounds(names, a.real_runs, build, tools, ht, log, "curl", floor_build)
    bare = statistics.median(cold["bare"])
    par = min(a.jobs, os.cpu_count() or 1)
    fl = statistics.median(floor) if floor else None
    if floor:
        res["floor"] = summary(floor)
    for t in names:
        e = {"cold": summary(cold[t]), "cold_over_bare": statistics.median(cold[t]) / bare}
        if t != "bare":
            e["warm"] = summary(warm[t])
            e["warm_over_bare"] = e["warm"]["median"] / bare
            e["counters_warm"] = cnt[t]
            hits = hit_count(t, cnt[t])
            if hits:
                e["hits_per_warm_build"] = hits / a.real_runs
                if cpu[t]:
                    e["server_cpu_ms_per_hit"] = cpu[t] * 1000 / hits
                    e["server_sched_ms_per_hit"] = sch[t] * 1000 / hits
                if fl is not None:
                    e["above_floor_s"] = e["warm"]["median"] - fl
                    e["above_floor_ms_per_hit"] = e["above_floor_s"] * 1000 * par / e["hits_per_warm_build"]
        res["tools"][t] = e
    z = res["tools"].get("zccache", {})
    c = res["tools"].get("ccache", {})
    if z.get("warm") and c.get("warm"):
        res["warm_zccache_over_ccache"] = z["warm"]["median"] / c["warm"]["median"]
    if z.get("above_floor_s") is not None and c.get("above_floor_s"):
        res["above_floor_zccache_over_ccache"] = z["above_floor_s"] / c["above_floor_s"]
    shutil.rmtree(bdir, ignore_errors=True)
    return res


def report_curl(r):
    L = [f"## Real project: {r['project']}, its CMake build with Ninja, `ninja -j{r['jobs']}`", "",
         f"{r.get('objects')} compiles per build; cold = cache emptied, warm = `ninja clean` then `ninja` with "
         f"the cache full; medians of {r['runs']} run(s), tools alternated; the cache as "
         f"CMAKE_C_COMPILER_LAUNCHER.", "",
         "| tool | cold | warm | cold / bare | warm / bare | hits per warm build | warm above the floor "
         "| per hit above the floor | server CPU/hit | counters over the warm builds |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t, e in r["tools"].items():
        L.append(f"| {t} | {e['cold']['median']:.1f} s ({e['cold']['min']:.1f}-{e['cold']['max']:.1f}) "
                 f"| {f2((e.get('warm') or {}).get('median'), '.2f', ' s')} | {e['cold_over_bare']:.3f} "
                 f"| {f2(e.get('warm_over_bare'), '.3f')} | {f2(e.get('hits_per_warm_build'), '.0f')} "
                 f"| {f2(e.get('above_floor_s'), '.2f', ' s')} | {f2(e.get('above_floor_ms_per_hit'), '.2f', ' ms')} "
                 f"| {cpu_cell(e)} "
                 f"| {', '.join(f'{k} {v}' for k, v in sorted((e.get('counters_warm') or {}).items()))} |")
    if r.get("floor"):
        f = r["floor"]
        L += ["", f"Warm floor (replaycc as the launcher: one exec and a copy per compile; the rest is Ninja's "
              f"and the links' own work): {f['median']:.2f} s ({f['min']:.2f}-{f['max']:.2f})."]
    if r.get("warm_zccache_over_ccache"):
        L += ["", f"Warm build, zccache / ccache: **{r['warm_zccache_over_ccache']:.2f}**"
              + (f"; above the floor: **{r['above_floor_zccache_over_ccache']:.2f}**."
                 if r.get("above_floor_zccache_over_ccache") else ".")]
    L.append("")
    return L
