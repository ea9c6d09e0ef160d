#!/usr/bin/env python3
"""Side-by-side build benchmark: the bare compiler, ccache and zccache on the
same generated C project, built with make -j, runs alternated between tools
so that machine drift hits all of them alike. Prints a Markdown table and
writes JSON. Not a test: figures on a shared machine are noisy; read ratios.

  python3 bench/bench.py --build build --sources 100 --runs 3 --jobs 2
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HEADERS = 12


def generate(root, n):
    """n translation units, each including a realistic mix of system and
    project headers, so that a hit has a closure to re-validate."""
    inc = os.path.join(root, "include")
    src = os.path.join(root, "src")
    os.makedirs(inc)
    os.makedirs(src)
    for h in range(HEADERS):
        with open(os.path.join(inc, f"mod{h}.h"), "w") as f:
            f.write(f"#ifndef MOD{h}_H\n#define MOD{h}_H\n#include <stddef.h>\n")
            f.write(f"struct mod{h} {{ int a[{h + 4}]; double d; }};\n")
            for k in range(20):
                f.write(f"static inline int mod{h}_f{k}(int x) {{ return x * {k + 1} + {h}; }}\n")
            f.write("#endif\n")
    for i in range(n):
        with open(os.path.join(src, f"unit{i}.c"), "w") as f:
            f.write("#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
            f.write("#include <math.h>\n#include <errno.h>\n")
            for h in range(i % HEADERS, i % HEADERS + 6):
                f.write(f'#include "mod{h % HEADERS}.h"\n')
            for k in range(30):
                f.write(f"int unit{i}_fn{k}(int x) {{ int s = 0; for (int j = 0; j < x; j++) "
                        f"s += mod{i % HEADERS}_f{k % 20}(j) ^ {k}; return s + (int)strlen(\"{i}\"); }}\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write("SRCS := $(wildcard src/*.c)\nOBJS := $(SRCS:src/%.c=obj/%.o)\n")
        f.write("all: $(OBJS)\nobj/%.o: src/%.c | obj\n\t$(CC) -O2 -g -Iinclude -MD -MF $@.d -c $< -o $@\n")
        f.write("obj:\n\tmkdir -p obj\nclean:\n\trm -rf obj\n")


def trivial_compiler(dirpath):
    """A compiler that only creates its -o file: the floor of a build."""
    c = os.path.join(dirpath, "touchcc.c")
    exe = os.path.join(dirpath, "touchcc")
    with open(c, "w") as f:
        f.write('#include <fcntl.h>\n#include <string.h>\n#include <unistd.h>\n'
                'int main(int c, char **v) { for (int i = 1; i + 1 < c; i++) '
                'if (!strcmp(v[i], "-o")) close(open(v[i + 1], O_CREAT | O_WRONLY, 0644)); '
                'return 0; }\n')
    subprocess.run(["gcc", "-O2", "-o", exe, c], check=True)
    return exe


def make(root, cc, jobs, env):
    subprocess.run(["make", "-s", "-C", root, "clean"], check=True, env=env)
    t = time.monotonic()
    subprocess.run(["make", "-s", "-C", root, f"-j{jobs}", f"CC={cc}"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - t


def exec_floor(exe, n=400):
    t = time.monotonic()
    for _ in range(n):
        subprocess.run([exe], check=True)
    return (time.monotonic() - t) / n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="zccache build folder")
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", default=None, help="write every figure here")
    ap.add_argument("--no-ccache", action="store_true")
    a = ap.parse_args()

    build = os.path.abspath(a.build)
    work = tempfile.mkdtemp(prefix="zccache-bench.")
    os.chmod(work, 0o700)
    root = os.path.join(work, "proj")
    generate(root, a.sources)
    touchcc = trivial_compiler(work)

    env = dict(os.environ)
    env.update({
        "ZCCACHE_DIR": os.path.join(work, "zc"),
        "ZCCACHE_SOCKET": os.path.join(work, "run", "zc.sock"),
        "ZCCACHE_CONFIG": os.path.join(work, "zc.conf"),
        "ZCCACHE_SERVER": os.path.join(build, "src/server/zccached"),
        "CCACHE_DIR": os.path.join(work, "ccache"),
        "CCACHE_NOHASHDIR": "1",
    })
    env.pop("CCACHE_DISABLE", None)
    zccache = os.path.join(build, "src/launcher/zccache")
    zctl = os.path.join(build, "src/ctl/zccachectl")
    tools = {"bare": "gcc", "zccache": f"{zccache} gcc"}
    if not a.no_ccache and shutil.which("ccache"):
        tools["ccache"] = "ccache gcc"

    res = {t: {"cold": [], "warm": []} for t in tools}
    res["floor"] = {"build": []}
    for run in range(a.runs):
        # Alternate the order so that drift spreads over every tool.
        order = list(tools) if run % 2 == 0 else list(reversed(list(tools)))
        res["floor"]["build"].append(make(root, touchcc, a.jobs, env))
        for t in order:
            if t == "zccache":
                subprocess.run([zctl, "flush"], env=env, stdout=subprocess.DEVNULL, check=False)
            if t == "ccache":
                subprocess.run(["ccache", "-C"], env=env, stdout=subprocess.DEVNULL, check=True)
            res[t]["cold"].append(make(root, tools[t], a.jobs, env))
            if t != "bare":
                res[t]["warm"].append(make(root, tools[t], a.jobs, env))
            else:
                res[t]["warm"].append(make(root, tools[t], a.jobs, env))
    floor_exec = exec_floor(touchcc)
    status = subprocess.run([zctl, "--json", "status"], env=env, capture_output=True, text=True)
    subprocess.run([zctl, "stop"], env=env, stdout=subprocess.DEVNULL)

    med = lambda xs: statistics.median(xs)
    floor = med(res["floor"]["build"])
    bare = med(res["bare"]["cold"])
    n = a.sources
    print(f"{n} C sources, make -j{a.jobs}, {a.runs} runs each (median; min-max)\n")
    print("| tool | cold build | warm build | cold / bare | warm-hit cost per compile | vs exec floor |")
    print("| --- | --- | --- | --- | --- | --- |")
    for t in tools:
        c, w = res[t]["cold"], res[t]["warm"]
        hit = (med(w) - floor) / n * a.jobs
        row = (f"| {t} | {med(c):.2f} s ({min(c):.2f}-{max(c):.2f}) | {med(w):.2f} s ({min(w):.2f}-{max(w):.2f}) "
               f"| {med(c) / bare:.3f} | ")
        row += f"{hit * 1000:.2f} ms | {hit / floor_exec:.1f}x |" if t != "bare" else "- | - |"
        print(row)
    print(f"\nfloor: build with a compiler that only creates its output {floor:.2f} s; "
          f"exec of that program {floor_exec * 1000:.2f} ms")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"sources": n, "jobs": a.jobs, "runs": a.runs, "results": res,
                       "exec_floor_s": floor_exec, "zccache_status": status.stdout}, f, indent=2)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
