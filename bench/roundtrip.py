#!/usr/bin/env python3
"""Round-trip time of one request to a running zccached: a pass-through
compile request (an invocation the server answers "run it" without touching
the cache) and a status request, on one connection each and on a fresh
connection per request (what a launcher pays). Median and percentiles over
many requests. Python's own overhead (~10 us) is included: an upper bound.

  python3 bench/roundtrip.py --build build -n 5000
"""
import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import tempfile
import time


def frame(obj):
    b = json.dumps(obj, separators=(",", ":")).encode()
    return struct.pack(">I", len(b)) + b


def recv_frame(s):
    hdr = b""
    while len(hdr) < 4:
        hdr += s.recv(4 - len(hdr))
    n = struct.unpack(">I", hdr)[0]
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    return json.loads(body)


def measure(path, req, n, reconnect):
    times = []
    s = None
    data = frame(req)
    for _ in range(n):
        t = time.perf_counter_ns()
        if reconnect or s is None:
            if s:
                s.close()
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
        s.sendall(data)
        reply = recv_frame(s)
        times.append(time.perf_counter_ns() - t)
        assert reply.get("ok"), reply
    s.close()
    times.sort()
    return {"median_us": statistics.median(times) / 1000, "p90_us": times[len(times) * 9 // 10] / 1000,
            "p99_us": times[len(times) * 99 // 100] / 1000, "n": n}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("-n", type=int, default=5000)
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    work = tempfile.mkdtemp(prefix="zccache-rt.")
    env = dict(os.environ, ZCCACHE_DIR=f"{work}/cache", ZCCACHE_SOCKET=f"{work}/run/zc.sock",
               ZCCACHE_CONFIG=f"{work}/zc.conf", ZCCACHE_SERVER=f"{build}/src/server/zccached")
    ctl = f"{build}/src/ctl/zccachectl"
    subprocess.run([ctl, "status"], env=env, stdout=subprocess.DEVNULL, check=True)
    sock = env["ZCCACHE_SOCKET"]
    compile_req = {"v": 1, "kind": "compile", "argv": ["gcc", "--version"], "compiler": "/usr/bin/gcc",
                   "cwd": os.getcwd(), "env": {}, "pid": os.getpid(), "stderr_tty": False, "umask": 18}
    status_req = {"v": 1, "kind": "status"}
    rows = [("pass-through compile, fresh connection", measure(sock, compile_req, a.n, True)),
            ("pass-through compile, one connection", measure(sock, compile_req, a.n, False)),
            ("status, fresh connection", measure(sock, status_req, a.n, True))]
    subprocess.run([ctl, "stop"], env=env, stdout=subprocess.DEVNULL)
    print("| request | median | p90 | p99 | n |\n| --- | --- | --- | --- | --- |")
    for name, r in rows:
        print(f"| {name} | {r['median_us']:.1f} us | {r['p90_us']:.1f} us | {r['p99_us']:.1f} us | {r['n']} |")


if __name__ == "__main__":
    main()
