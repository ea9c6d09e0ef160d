"""The Rust workload (--rust): a cargo workspace on Debian's vendored crates,
offline (/usr/share/cargo/registry: serde with serde_derive's proc-macro
stack, serde_json; build scripts in several of them and in one crate of our
own), built by cargo bare, through RUSTC_WRAPPER=zccache and through
RUSTC_WRAPPER=sccache: cold (cache emptied, cargo clean) and warm (cargo
clean, cache full), and the share of rustc invocations that hit warm."""

import os
import re
import resource
import shutil
import statistics
import subprocess
import time

REGISTRY = "/usr/share/cargo/registry"
# Crates of our own beyond the three fixed ones, each a small library over
# model and serde_json, so that the workspace has some breadth.
EXTRA_CRATES = 4


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def gen_workspace(root):
    """model (serde derive), codec (build script, serde_json), part0..N
    (libraries over both), app (the bin using them all)."""
    parts = [f"part{i}" for i in range(EXTRA_CRATES)]
    members = ["model", "codec", *parts, "app"]
    write(os.path.join(root, ".cargo/config.toml"),
          f'[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "{REGISTRY}"\n'
          '[net]\noffline = true\n')
    write(os.path.join(root, "Cargo.toml"),
          "[workspace]\nmembers = [" + ", ".join(f'"{m}"' for m in members) + ']\nresolver = "2"\n')
    write(os.path.join(root, "model/Cargo.toml"),
          '[package]\nname = "model"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
          'serde = { version = "1", features = ["derive"] }\n')
    write(os.path.join(root, "model/src/lib.rs"),
          "use serde::{Deserialize, Serialize};\n"
          "#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]\n"
          "pub struct Point { pub x: i64, pub y: i64, pub tags: Vec<String> }\n")
    write(os.path.join(root, "codec/Cargo.toml"),
          '[package]\nname = "codec"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n'
          '[dependencies]\nmodel = { path = "../model" }\nserde_json = "1"\n')
    write(os.path.join(root, "codec/build.rs"),
          'fn main() {\n    let out = std::env::var("OUT_DIR").unwrap();\n'
          '    std::fs::write(std::path::Path::new(&out).join("tag.rs"), "pub const TAG: u32 = 7;\\n").unwrap();\n'
          '    std::thread::sleep(std::time::Duration::from_millis(20));\n'
          '    println!("cargo:rerun-if-changed=build.rs");\n}\n')
    write(os.path.join(root, "codec/src/lib.rs"),
          'include!(concat!(env!("OUT_DIR"), "/tag.rs"));\n'
          "pub fn encode(p: &model::Point) -> String { serde_json::to_string(p).unwrap() }\n"
          "pub fn decode(s: &str) -> model::Point { serde_json::from_str(s).unwrap() }\n")
    for i, p in enumerate(parts):
        write(os.path.join(root, p, "Cargo.toml"),
              f'[package]\nname = "{p}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
              'model = { path = "../model" }\ncodec = { path = "../codec" }\n'
              'serde = { version = "1", features = ["derive"] }\nserde_json = "1"\n')
        write(os.path.join(root, p, "src/lib.rs"),
              "use serde::{Deserialize, Serialize};\n"
              f"#[derive(Debug, Serialize, Deserialize)]\npub struct Rec{i} {{ pub id: u64, pub p: model::Point }}\n"
              f"pub fn roundtrip(n: u64) -> u64 {{\n"
              f"    let r = Rec{i} {{ id: n + {i}, p: model::Point {{ x: 1, y: 2, tags: vec![\"t\".into()] }} }};\n"
              f"    let s = serde_json::to_string(&r).unwrap();\n"
              f"    let back: Rec{i} = serde_json::from_str(&s).unwrap();\n"
              f"    back.id + codec::TAG as u64 + codec::encode(&back.p).len() as u64\n}}\n")
    write(os.path.join(root, "app/Cargo.toml"),
          '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
          + "".join(f'{m} = {{ path = "../{m}" }}\n' for m in ["model", "codec", *parts]))
    write(os.path.join(root, "app/src/main.rs"),
          "fn main() {\n    let mut n = 0;\n"
          + "".join(f"    n += {p}::roundtrip({i});\n" for i, p in enumerate(parts))
          + '    println!("{} {:?}", n, codec::decode(&codec::encode(&model::Point { x: 1, y: 2, tags: vec![] })));\n}\n')


def proc_cpu(pid):
    """CPU seconds (user + system) process pid and the children it waited
    for have used (sccache's server runs rustc itself), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def children_cpu():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def sccache_counts(env):
    r = subprocess.run(["sccache", "--show-stats"], env=env, capture_output=True, text=True)
    c = {}
    for key, pat in (("requests", r"^Compile requests\s+(\d+)"), ("hits", r"^Cache hits\s+(\d+)"),
                     ("misses", r"^Cache misses\s+(\d+)")):
        m = re.search(pat, r.stdout, re.M)
        c[key] = int(m.group(1)) if m else 0
    return c


def zccache_counts(tools, env):
    s = tools.zstats(env=env)
    return {"requests": s.get("requests.compile", 0) - s.get("uncacheable.print_only", 0)
            - s.get("uncacheable.stdin_source", 0),
            "hits": s.get("direct_hit", 0), "misses": s.get("depend_miss", 0),
            "uncacheable": {k: v for k, v in s.items() if k.startswith("uncacheable.")}}


def run_rust(a, tools, work, log):
    """Cold and warm cargo builds of the workspace per tool, alternated."""
    if not shutil.which("cargo") or not os.path.isdir(os.path.join(REGISTRY, "serde_json-1.0.87")):
        return {"error": "cargo, or Debian's librust-serde-json-dev / librust-serde-derive-dev, missing"}
    root = os.path.join(work, "rust-ws")
    gen_workspace(root)
    env = dict(tools.env, CARGO_HOME=os.path.join(work, "cargo-home"), CARGO_INCREMENTAL="0",
               CARGO_TERM_COLOR="never")
    for k in ("RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "RUSTFLAGS", "CARGO_TARGET_DIR"):
        env.pop(k, None)
    names = ["bare"] + [t for t in ("zccache", "sccache") if t in tools.prefix]
    wrapper = {"bare": None, "zccache": tools.zccache, "sccache": "sccache"}
    res = {"project": "cargo workspace on Debian's vendored crates (serde, serde_derive, serde_json)",
           "crates_of_our_own": 3 + EXTRA_CRATES, "jobs": a.jobs, "runs": a.rust_runs, "tools": {},
           "versions": {"rustc": subprocess.run(["rustc", "-V"], env=env, capture_output=True,
                                                text=True).stdout.strip(),
                        "cargo": subprocess.run(["cargo", "-V"], env=env, capture_output=True,
                                                text=True).stdout.strip()}}

    def server_pid(t):
        if t == "zccache":
            return tools.zstatus(env=env).get("pid")
        return tools.sccache_pid() if t == "sccache" else None

    def build(t, cpu=None):
        """Wall seconds; appends to cpu the CPU seconds of cargo, rustc, the
        wrapper and the tool's server: far less moved by other load."""
        subprocess.run(["cargo", "clean", "-q"], cwd=root, env=env, check=True, capture_output=True)
        e = dict(env)
        if wrapper[t]:
            e["RUSTC_WRAPPER"] = wrapper[t]
        pid = server_pid(t)
        s0, c0 = proc_cpu(pid) if pid else 0.0, children_cpu()
        t0 = time.monotonic()
        r = subprocess.run(["cargo", "build", f"-j{a.jobs}"], cwd=root, env=e, capture_output=True, text=True)
        took = time.monotonic() - t0
        if r.returncode != 0:
            raise RuntimeError(f"cargo build with {t} failed:\n{r.stderr[-3000:]}")
        s1, c1 = proc_cpu(pid) if pid else 0.0, children_cpu()
        if cpu is not None and s0 is not None and s1 is not None and pid == server_pid(t):
            cpu.append(c1 - c0 + s1 - s0)
        return took

    def counts(t):
        return zccache_counts(tools, env) if t == "zccache" else sccache_counts(env)

    cold = {t: [] for t in names}
    cold_cpu = {t: [] for t in names}
    warm = {t: [] for t in names if t != "bare"}
    share = {t: [] for t in names if t != "bare"}
    last = {}
    for r in range(a.rust_runs):
        for t in (names if r % 2 == 0 else names[::-1]):
            if t != "bare":
                tools.empty(t)
            cold[t].append(build(t, cold_cpu[t]))
            if t != "bare":
                c0 = counts(t)
                warm[t].append(build(t))
                c1 = counts(t)
                req, hits = c1["requests"] - c0["requests"], c1["hits"] - c0["hits"]
                share[t].append(hits / req if req else 0.0)
                last[t] = {"rustc_invocations": req, "hits": hits}
                if t == "zccache":
                    last[t]["uncacheable"] = {k: v - c0["uncacheable"].get(k, 0)
                                              for k, v in c1["uncacheable"].items()
                                              if v - c0["uncacheable"].get(k, 0)}
            log(f"rust run {r + 1}/{a.rust_runs} {t}: cold {cold[t][-1]:.2f} s"
                + (f", warm {warm[t][-1]:.2f} s, {share[t][-1]:.0%} hit" if t != "bare" else ""))
    bare = statistics.median(cold["bare"])
    for t in names:
        e = {"cold": summ(cold[t]), "cold_over_bare": statistics.median(cold[t]) / bare}
        if cold_cpu[t] and cold_cpu["bare"]:
            e["cold_cpu"] = summ(cold_cpu[t])
            e["cold_cpu_over_bare"] = statistics.median(cold_cpu[t]) / statistics.median(cold_cpu["bare"])
        if t != "bare":
            e["warm"] = summ(warm[t])
            e["warm_over_bare"] = statistics.median(warm[t]) / bare
            e["hit_share"] = statistics.median(share[t])
            e["last_warm"] = last[t]
        res["tools"][t] = e
    z, s = res["tools"].get("zccache", {}).get("warm"), res["tools"].get("sccache", {}).get("warm")
    if z and s:
        res["sccache_warm_over_zccache_warm"] = s["median"] / z["median"]
    if "zccache" in names:
        res["second_checkout"] = second_checkout(a, tools, work, env, root, log)
    subprocess.run(["cargo", "clean", "-q"], cwd=root, env=env, capture_output=True)
    return res


def second_checkout(a, tools, work, env, root, log):
    """The same workspace at another path, each checkout built with
    RUSTFLAGS=--remap-path-prefix=<its path>=/src: the first through
    zccache on an empty cache, then the second, against a bare build of the
    second; what it is served (crates of the registry keep the target folder
    in their arguments, and cross only when it is the same path)."""
    root2 = os.path.join(work, "second-checkout", "rust-ws")
    gen_workspace(root2)

    def build(where, wrapped):
        subprocess.run(["cargo", "clean", "-q"], cwd=where, env=env, check=True, capture_output=True)
        e = dict(env, RUSTFLAGS=f"--remap-path-prefix={where}=/src")
        if wrapped:
            e["RUSTC_WRAPPER"] = tools.zccache
        t0 = time.monotonic()
        r = subprocess.run(["cargo", "build", f"-j{a.jobs}"], cwd=where, env=e, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"cargo build in {where} failed:\n{r.stderr[-3000:]}")
        return time.monotonic() - t0

    bare = build(root2, False)
    tools.empty("zccache")
    build(root, True)
    c0 = zccache_counts(tools, env)
    took = build(root2, True)
    c1 = zccache_counts(tools, env)
    req, hits = c1["requests"] - c0["requests"], c1["hits"] - c0["hits"]
    log(f"rust second checkout: bare {bare:.2f} s, zccache {took:.2f} s, {hits}/{req} hit")
    subprocess.run(["cargo", "clean", "-q"], cwd=root2, env=env, capture_output=True)
    return {"bare": bare, "zccache": took, "over_bare": took / bare, "rustc_invocations": req,
            "hits": hits,
            "uncacheable": {k: v - c0["uncacheable"].get(k, 0) for k, v in c1["uncacheable"].items()
                            if v - c0["uncacheable"].get(k, 0)}}


def summ(xs):
    return {"runs": [round(x, 3) for x in xs], "median": statistics.median(xs), "min": min(xs), "max": max(xs)}


def targets(r):
    """Issue 12's targets, as bench.py's rows."""
    rows = []
    z = (r or {}).get("tools", {}).get("zccache")
    if not z:
        return rows
    rows.append({"target": "issue 12: Rust cold <= 1.05 x bare", "workload": "rust",
                 "value": z["cold_over_bare"], "limit": 1.05, "unit": "cold / bare",
                 "met": z["cold_over_bare"] <= 1.05})
    if z.get("cold_cpu_over_bare"):
        v = z["cold_cpu_over_bare"]
        rows.append({"target": "issue 12: Rust cold <= 1.05 x bare, read by CPU time (load-proof)",
                     "workload": "rust", "value": v, "limit": 1.05, "unit": "cold CPU / bare CPU",
                     "met": v <= 1.05})
    rows.append({"target": "issue 12: >= 90 % of rustc invocations hit warm", "workload": "rust",
                 "value": z["hit_share"], "limit": 0.9, "unit": "hits / rustc invocations",
                 "met": z["hit_share"] >= 0.9})
    if r.get("sccache_warm_over_zccache_warm"):
        v = r["sccache_warm_over_zccache_warm"]
        rows.append({"target": "issue 12: Rust warm >= 2 x faster than sccache's", "workload": "rust",
                     "value": v, "limit": 2.0, "unit": "sccache warm / zccache warm", "met": v >= 2})
    return rows


def report(r):
    if r.get("error"):
        return ["## Rust workload: not run", "", r["error"], ""]
    L = ["## Rust workload (cargo, RUSTC_WRAPPER)", "",
         f"{r['project']}: {r['crates_of_our_own']} crates of our own, cargo build -j{r['jobs']}, "
         f"CARGO_INCREMENTAL=0, {r['runs']} run(s); {r['versions']['rustc']}, {r['versions']['cargo']}. "
         "Cold: cache emptied, cargo clean; warm: cargo clean, cache full. "
         "Hit share: hits / rustc invocations of the warm build (cargo's -vV and --print questions left out).",
         "Cold CPU: user + system seconds of cargo, rustc, the wrapper and the tool's server in the "
         "cold build, less moved by other load than its wall time.",
         "", "| tool | cold s | cold / bare | cold CPU s | cold CPU / bare | warm s | warm / bare | "
         "warm hit share | not cached (zccache) |",
         "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t, e in r["tools"].items():
        w = e.get("warm")
        unc = ", ".join(f"{k[len('uncacheable.'):]} {v}" for k, v in
                        e.get("last_warm", {}).get("uncacheable", {}).items()) or "-"
        cpu = (f"{e['cold_cpu']['median']:.2f} | {e['cold_cpu_over_bare']:.2f}" if e.get("cold_cpu")
               else "- | -")
        L.append(f"| {t} | {e['cold']['median']:.2f} | {e['cold_over_bare']:.2f} | {cpu} | "
                 + (f"{w['median']:.2f} | {e['warm_over_bare']:.2f} | {e['hit_share']:.0%} "
                    f"({e['last_warm']['hits']}/{e['last_warm']['rustc_invocations']}) | "
                    + (unc if t == "zccache" else "-") + " |" if w else "- | - | - | - |"))
    if r.get("sccache_warm_over_zccache_warm"):
        L += ["", f"sccache's warm build / zccache's: {r['sccache_warm_over_zccache_warm']:.2f}x"]
    s = r.get("second_checkout")
    if s:
        unc = ", ".join(f"{k[len('uncacheable.'):]} {v}" for k, v in s["uncacheable"].items()) or "-"
        L += ["", "A second checkout at another path, both built with "
              "`RUSTFLAGS=--remap-path-prefix=<checkout>=/src`, the first through zccache on an "
              f"empty cache: the second's build {s['zccache']:.2f} s against {s['bare']:.2f} s bare "
              f"({s['over_bare']:.2f}), {s['hits']} of {s['rustc_invocations']} rustc invocations "
              f"served; not cached: {unc}. Crates of the registry keep the target folder in their "
              "arguments: they cross only when it is the same path."]
    return L + [""]
