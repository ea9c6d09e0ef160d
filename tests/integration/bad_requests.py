#!/usr/bin/env python3
"""bad_requests: hostile requests for every request kind, made from tables.

  bad_requests.py SANDBOX GCC

It makes its own files in SANDBOX (work/, outside/, scratch/, evil/). With
BAD_REQUESTS_SMALL=1 it leaves out the cases of a MiB or more (for a server
under valgrind).

For each kind in the protocol table (read from src/common/proto_kinds.h, so a new
kind without a row here fails): each required field missing, each field of
every wrong JSON type, absurd sizes (30 MiB strings, 100 000 argv elements,
100 000 levels of nesting, huge and negative integers, NUL and invalid
UTF-8), unknown protocol versions, paths outside the cwd, FIFOs and devices
where files are expected. After every case: is the same server still
answering status, and was nothing written in SANDBOX outside the cache dir?

Prints one line per case, "DESCRIPTION<TAB>GOT<TAB>EXPECTED", for
bad_requests.sh to turn into TAP.
"""
import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zcproto  # noqa: E402

T = sys.argv[1]
GCC = sys.argv[2]
WORK = T + "/work"
OUTSIDE = T + "/outside"
SCRATCH = T + "/scratch"  # what the test's own compiles write
CACHE = os.environ["ZCCACHE_DIR"]
LOG = CACHE + "/log"
SOCKET = os.environ["ZCCACHE_SOCKET"]
SRCDIR = os.environ["ZCCACHE_SRCDIR"]
MIB30 = 30 << 20
# How long one reply may take; shorter to survey an old server that hangs.
TIMEOUT = float(os.environ.get("BAD_REQUESTS_TIMEOUT", "60"))

# Every field the server reads, per kind: (name, type, required). Types are
# JSON's, with "boolean" for true/false.
FIELDS = {
    "compile": [("argv", "array", True), ("cwd", "string", True),
                ("compiler", "string", True), ("env", "object", False),
                ("pid", "integer", False), ("stderr_tty", "boolean", False),
                ("session", "string", False), ("umask", "integer", False)],
    "store": [("token", "string", True), ("exit", "integer", False),
              ("stdout", "string", False), ("stderr", "string", False),
              ("overflow", "boolean", False), ("duration_ms", "integer", False)],
    "status": [],
    "stats": [],
    "zero-stats": [],
    "flush": [("older_than", "string", False), ("progress", "boolean", False)],
    "config": [("op", "string", True), ("key", "string", False),
               ("value", "string", False)],
    "trim": [("progress", "boolean", False)],
    "stop": [],  # any shape from any version stops: see the stop cases
    "explain": [("limit", "integer", False)],
    "verify": [("repair", "boolean", False), ("progress", "boolean", False)],
    "preprocessed": [("token", "string", True), ("exit", "integer", True),
                     ("digest", "string", False), ("stderr_digest", "string", False),
                     ("may_include", "boolean", False), ("entered", "array", False)],
}

# A valid request of each kind, that the hostile cases spoil one way each.
# The store's token was never given out: it is refused whatever else is right.
BASE = {
    "compile": {"argv": ["gcc", "-c", "a.c", "-o", "a.o"], "cwd": WORK,
                "compiler": GCC, "env": {"PATH": "/usr/bin:/bin"}, "pid": 1, "stderr_tty": False,
                "umask": 0o22},
    "store": {"token": "00000000000000000000000000", "exit": 0, "stdout": "",
              "stderr": "", "overflow": False, "duration_ms": 1},
    "status": {}, "stats": {}, "zero-stats": {}, "flush": {"older_than": "1d"},
    "config": {"op": "get", "key": "max_size"},
    "trim": {}, "stop": {}, "explain": {"limit": 5}, "verify": {"repair": False},
    "preprocessed": {"token": "00000000000000000000000000", "exit": 0, "digest": "0" * 32,
                     "stderr_digest": "0" * 32, "may_include": False, "entered": ["a.h"]},
}
# What the base request itself gets: an error or a plain reply.
BASE_ANSWER = {"compile": "run-store", "store": "bad-request", "preprocessed": "bad-request"}

SAMPLES = {"null": None, "false": False, "integer": 7, "float": 1.5,
           "string": "x", "array": ["x"], "object": {"x": 1}}


def fits(value, typ):
    if typ == "boolean":
        return isinstance(value, bool)
    if typ == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return {"string": str, "array": list, "object": dict}[typ] == type(value)


def request(of_kind, **changes):
    """BASE[of_kind] with changes (REMOVE removes a field)."""
    req = {"v": 1, "kind": of_kind}
    req.update(BASE[of_kind])
    for k, v in changes.items():
        if v is REMOVE:
            req.pop(k, None)
        else:
            req[k] = v
    return req


REMOVE = object()

# Which log line an error leaves, by error code (a fixed string; MESSAGE is
# the reply's message).
LOGGED = {"bad-request": "refused a request: MESSAGE",
          "unknown-kind": "refused a request: MESSAGE",
          "bad-frame": "not a JSON object", "version": "speaks protocol",
          "too-large": "sent a frame of"}

cases = []


def case(desc, frame, expect, kind=None, message=None, timeout=TIMEOUT, logs=None, big=False):
    """frame: a dict, bytes, or a function(sock) returning either; logs: a
    line the server must log while handling it; big: a function that sends
    a MiB or more."""
    if not callable(frame):
        big = len(zcproto.encode(frame)) >= 1 << 20
    cases.append(dict(desc=desc, frame=frame, expect=expect, kind=kind,
                      message=message, timeout=timeout, logs=logs, big=big))


def kinds_in_proto():
    text = open(os.path.join(SRCDIR, "src/common/proto_kinds.h")).read()
    return re.findall(r'\bX\([A-Z_]+, "([a-z-]+)"', text)


# --- the table --------------------------------------------------------------

def reply_of_base(kind):
    return BASE_ANSWER.get(kind, "ok")


for kind in FIELDS:
    if kind == "stop":
        continue
    base = reply_of_base(kind)
    case("%s: the base request" % kind, request(kind), base, kind)
    for name, typ, required in FIELDS[kind]:
        if required:
            case("%s: without %s" % (kind, name), request(kind, **{name: REMOVE}),
                 "bad-request", kind, "'%s'" % name)
        for tname, sample in SAMPLES.items():
            if fits(sample, typ):
                continue
            case("%s: %s as %s" % (kind, name, tname), request(kind, **{name: sample}),
                 "bad-request", kind, "'%s'" % name)
        if typ == "string":
            for what, s in [("a 30 MiB string", "/" + "a" * MIB30),
                            ("an empty string", "")]:
                case("%s: %s as %s" % (kind, name, what), request(kind, **{name: s}),
                     None, kind)  # expectation filled in below
            # NUL and invalid UTF-8 never reach a handler: the frame is refused.
            txt = json.dumps(request(kind, **{name: "PLACEHOLDER"}))
            for what, raw in [("an escaped NUL", b'a\\u0000b'), ("a raw NUL", b'a\x00b'),
                              ("invalid UTF-8", b'a\xff\xfeb'),
                              ("a lone surrogate", b'a\\ud800b')]:
                case("%s: %s with %s" % (kind, name, what),
                     txt.encode().replace(b"PLACEHOLDER", raw), "bad-frame", kind)
        if typ == "integer":
            for v in [-1, -(1 << 63), (1 << 63) - 1]:
                case("%s: %s = %d" % (kind, name, v), request(kind, **{name: v}), None, kind)
            txt = json.dumps(request(kind, **{name: 12345}))
            for what, raw in [("2^64", b"18446744073709551616"), ("1e400", b"1e400")]:
                case("%s: %s = %s" % (kind, name, what),
                     txt.encode().replace(b"12345", raw), "bad-frame", kind)
    # Sizes and shapes that apply to every kind, in a field nobody reads.
    case("%s: an unknown 30 MiB field" % kind, request(kind, junk="j" * MIB30), base, kind)
    deep = json.dumps(request(kind)).encode()[:-1] + b', "junk": ' + \
        b"[" * 100000 + b"]" * 100000 + b"}"
    case("%s: 100 000 levels of nesting" % kind, deep, "bad-frame", kind)
    deep_obj = json.dumps(request(kind)).encode()[:-1] + b', "junk": ' + \
        b'{"a":' * 100000 + b"1" + b"}" * 100000 + b"}"
    case("%s: 100 000 nested objects" % kind, deep_obj, "bad-frame", kind)
    for v in [REMOVE, 0, 2, -1, (1 << 63) - 1, "1", 1.0, True, None, [1], {"v": 1}]:
        case("%s: v = %s" % (kind, "missing" if v is REMOVE else json.dumps(v)),
             request(kind, v=v), "version", kind)

# Expectations that depend on the field: strings and integers that are the
# right type but absurd. The server must answer; the handler decides how.
ABSURD = {
    # compile: an argument or path that resolves to nothing compiles uncached
    # (or is a miss the launcher would compile); not absolute is refused.
    ("compile", "cwd", ""): "bad-request", ("compile", "cwd"): "run",
    ("compile", "compiler", ""): "bad-request", ("compile", "compiler"): "run",
    ("compile", "pid"): "run-store",
    ("compile", "session"): "run-store",  # a label: the journal keeps 128 bytes
    ("compile", "umask", -1): "bad-request", ("compile", "umask"): "bad-request",
    ("store", "exit"): "bad-request", ("store", "duration_ms", -1): "bad-request",
    ("store", "duration_ms", -(1 << 63)): "bad-request",
    ("store", "duration_ms"): "bad-request",  # range ok; then: no such token
    ("store",): "bad-request",
    # preprocessed: like a store, only for the token its connection was given.
    ("preprocessed",): "bad-request",
    ("flush", "older_than"): "bad-request",
    ("config", "op"): "bad-request", ("config", "key"): "bad-request",
    ("config", "value"): "ok",  # a get ignores the value
    ("explain", "limit"): "ok",
}
for c in cases:
    if c["expect"] is not None:
        continue
    m = re.match(r"(\S+): (\S+) (?:as (.*)|= (\S+))$", c["desc"])
    kind, name = m.group(1), m.group(2)
    val = "" if m.group(3) == "an empty string" else \
        int(m.group(4)) if m.group(4) else None
    for key in [(kind, name, val), (kind, name), (kind,)]:
        if key in ABSURD and ABSURD[key] is not None:
            c["expect"] = ABSURD[key]
            break
    else:
        raise SystemExit("no expectation for " + c["desc"])
    if c["expect"] == "bad-request" and kind == "compile":
        c["message"] = "'%s'" % name if name == "umask" else None

# The kind itself.
for k in [REMOVE, None, 7, True, [], {}, "", "frobnicate", "STATUS", "status\u0000",
          "k" * MIB30, "../status", "\u00e9" * 300, "\U0001f600" * 200]:
    desc = "kind %s" % ("missing" if k is REMOVE else json.dumps(k)[:40])
    if isinstance(k, str) and "\u0000" in k:
        case(desc, json.dumps({"v": 1, "kind": k}).encode(), "bad-frame")
    else:
        case(desc, request("status", kind=k), "unknown-kind")

# compile: argv shapes.
case("compile: empty argv", request("compile", argv=[]), "bad-request", "compile", "empty argv")
case("compile: a number in argv", request("compile", argv=["gcc", "-c", 1]), "bad-request",
     "compile", "argv[2]")
case("compile: null in argv", request("compile", argv=["gcc", None]), "bad-request", "compile")
case("compile: an array in argv", request("compile", argv=["gcc", ["-c"]]), "bad-request",
     "compile")
case("compile: 100 000 argv elements",
     request("compile", argv=["gcc", "-c", "a.c", "-o", "a.o"] +
             ["-DX%d" % i for i in range(100000)]), "run-store", "compile")
case("compile: 100 000 non-strings in argv",
     request("compile", argv=["gcc"] + [1] * 100000), "bad-request", "compile")
case("compile: a 30 MiB argument", request("compile", argv=["gcc", "-c", "a.c", "-o", "a.o",
                                                            "-DX=" + "x" * MIB30]),
     "run-store", "compile")
case("compile: env with a non-string value", request("compile", env={"CPATH": 7, "PATH": "/usr/bin:/bin"}),
     "run-store", "compile")
case("compile: env with 10 000 variables",
     request("compile", env=dict({"V%d" % i: "x" for i in range(10000)}, PATH="/usr/bin:/bin")),
     "run-store", "compile")

# compile: paths outside the cwd, relative paths and .. tricks. A compiler
# may legally read and write anywhere, so these are answered (run it); the
# server itself writes nothing for a miss.
PATHS = [
    ("cwd relative", dict(cwd="work"), "bad-request"),
    ("cwd with ..", dict(cwd=WORK + "/../outside/../work"), "run-store"),
    ("cwd /", dict(cwd="/"), "run"),
    ("cwd that does not exist", dict(cwd=T + "/nonexistent"), "run"),
    ("cwd a file", dict(cwd=WORK + "/a.c"), "run"),
    ("compiler relative", dict(compiler="gcc"), "bad-request"),
    ("compiler with ..", dict(compiler="/usr/bin/../bin/" + os.path.basename(GCC)),
     "run-store"),
    ("compiler a directory", dict(compiler="/usr/bin/"), "run"),
    ("compiler that does not exist", dict(compiler="/nonexistent/gcc"), "run"),
    ("compiler /dev/zero via a gcc symlink", dict(compiler=T + "/evil/zero/gcc"), "run"),
    ("compiler a FIFO via a gcc symlink", dict(compiler=T + "/evil/fifo/gcc"), "run"),
    ("compiler that never stops talking (yes)", dict(compiler=T + "/evil/yes/gcc"), "run"),
    ("source outside the cwd", dict(argv=["gcc", "-c", "../outside/b.c", "-o", "b.o"]),
     "run-store"),
    ("output outside the cwd", dict(argv=["gcc", "-c", "a.c", "-o", "../outside/x.o"]),
     "run-store"),
    ("absolute output outside", dict(argv=["gcc", "-c", "a.c", "-o", OUTSIDE + "/y.o"]),
     "run-store"),
    ("output through ../../..", dict(argv=["gcc", "-c", "a.c", "-o",
                                           "../../../../../../../../tmp/../" + OUTSIDE +
                                           "/z.o"]), "run-store"),
    ("output a directory", dict(argv=["gcc", "-c", "a.c", "-o", OUTSIDE]), "run-store"),
    ("source /etc/passwd", dict(argv=["gcc", "-x", "c", "-c", "/etc/passwd", "-o", "p.o"]),
     "run-store"),
    ("source /dev/zero", dict(argv=["gcc", "-x", "c", "-c", "/dev/zero", "-o", "z.o"]), "run"),
    ("source a FIFO", dict(argv=["gcc", "-c", "fifo.c", "-o", "f.o"]), "run"),
    ("response file /dev/zero", dict(argv=["gcc", "@/dev/zero"]), "run"),
    ("response file a FIFO", dict(argv=["gcc", "@fifo.c"]), "run"),
    ("response file outside", dict(argv=["gcc", "@../outside/rsp"]), "run-store"),
    ("include dir outside", dict(argv=["gcc", "-I../outside", "-I/", "-c", "a.c", "-o", "a.o"]),
     "run-store"),
    ("depfile outside", dict(argv=["gcc", "-MD", "-MF", "../outside/a.d", "-c", "a.c", "-o",
                                   "a.o"]), "run-store"),
]
for desc, changes, expect in PATHS:
    case("compile: " + desc, request("compile", **changes), expect, "compile")


# store: without a compile, twice, with another connection's token, and
# after a compile whose outputs are not files (FIFOs, devices): an answer,
# never a wait on the FIFO nor a read without end.
held = []


def compile_then_store(argv, store, times=1, run=None):
    """The compile request on this connection, then its store; with run, the
    argv the server answers is run first, its arguments mapped through run
    (so that gcc writes real.o while the request names a FIFO)."""
    def make(sock):
        r = zcproto.request(request("compile", argv=argv), sock=sock) or {}
        token = r.get("token", "no-token")
        if run is not None and r.get("argv"):
            # The launcher's part: the object's own folder (private_output.h).
            if r.get("private_dir"):
                os.makedirs(os.path.join(WORK, r["private_dir"]), exist_ok=True)
            subprocess.run([GCC] + [run.get(a, a) for a in r["argv"][1:]], cwd=WORK,
                           check=True)
        for _ in range(times - 1):
            zcproto.request(request("store", token=token, **store), sock=sock)
        return request("store", token=token, **store)
    return make


def token_of_another_connection(sock):
    other = zcproto.connect()
    held.append(other)
    r = zcproto.request(request("compile", argv=["gcc", "-c", "a.c", "-o", "a.o"]), sock=other)
    return request("store", token=(r or {}).get("token", "no-token"))


case("store: without a compile", request("store"), "bad-request", "store", "no compile")
case("store: a token of another connection", token_of_another_connection, "bad-request",
     "store", "no compile")
case("store: twice", compile_then_store(["gcc", "-c", "a.c", "-o", "a.o"],
                                        {"exit": 1}, times=2),
     "bad-request", "store", "no compile")
case("store: missing exit", compile_then_store(["gcc", "-c", "a.c", "-o", "a.o"],
                                               {"exit": REMOVE}), "bad-request", "store")
case("store: exit 2^32 (0 if truncated)",
     compile_then_store(["gcc", "-c", "a.c", "-o", "a.o"], {"exit": 1 << 32}),
     "bad-request", "store", "'exit'")
case("store: overflow", compile_then_store(["gcc", "-c", "a.c", "-o", "a.o"],
                                           {"overflow": True}), "bad-request", "store")
case("store: stdout not base64", compile_then_store(["gcc", "-c", "a.c", "-o", "a.o"],
                                                    {"stdout": "!!!"}), "bad-request", "store")
case("store: a 30 MiB stdout", compile_then_store(["gcc", "-c", "a.c", "-o", "none.o"],
                                                  {"stdout": "QUFB" * (MIB30 // 4)}),
     "bad-request", "store", "12 MiB", big=True)
# More output than a launcher ever captures: its hit's reply (base64) would
# exceed a frame, so every later hit would fail. Refused, not stored.
case("store: 16 MiB of output",
     compile_then_store(["gcc", "-c", "a.c", "-o", "../scratch/big.o"],
                        {"stdout": "QUFB" * ((16 << 20) // 3)}, run={}),
     "bad-request", "store", "12 MiB", big=True)
case("store: the object is a FIFO",
     compile_then_store(["gcc", "-c", "a.c", "-o", "fifo.o"], {}, run={"fifo.o": SCRATCH + "/real.o"}),
     "stored-false", "store")
# A device as output is not cacheable: no token, so no store.
case("store: the object is /dev/zero",
     compile_then_store(["gcc", "-c", "a.c", "-o", "/dev/zero"], {}), "bad-request", "store")
case("store: the depfile is a FIFO",
     compile_then_store(["gcc", "-MD", "-MF", "fifo.d", "-c", "a.c", "-o", "a.o"], {}),
     "stored-false", "store")
case("store: the depfile is /dev/zero",
     compile_then_store(["gcc", "-MD", "-MF", "/dev/zero", "-c", "a.c", "-o", "a.o"], {}),
     "bad-request", "store")
case("store: a failed compile with its depfile a FIFO",
     compile_then_store(["gcc", "-MMD", "-MF", "fifo.d", "-c", "a.c", "-o", "a.o"],
                        {"exit": 1}), "stored-false", "store")


# A hit whose output is a FIFO: the server must not wait for a reader. The
# same command as the launcher's (its environment too) so that it is a hit
# that fails to write (logged), and so a miss.
def prime_hit(sock):
    for _ in range(2):
        time.sleep(0.05)
        subprocess.run(["zccache", GCC, "-c", "a.c", "-o", SCRATCH + "/primed.o"], cwd=WORK,
                       check=True)
    return request("compile", argv=["gcc", "-c", "a.c", "-o", "fifo.o"], env=dict(os.environ))


case("compile: a hit whose output is a FIFO", prime_hit, "run-store", "compile",
     logs="from the cache")

# config: unknown keys, invalid values, paths as keys and values.
for key, value, expect, message in [
        ("no_such_key", "1", "bad-request", "unknown key"),
        ("../../etc/passwd", "1", "bad-request", "unknown key"),
        ("/etc/passwd", "1", "bad-request", "unknown key"),
        ("max_size", "/etc/passwd", "bad-request", "invalid"),
        ("max_size", "../../x", "bad-request", "invalid"),
        ("max_size", "-5", "bad-request", "invalid"),
        ("max_size", "0", "bad-request", "out of range"),
        ("max_size", "99999999999999999999999", "bad-request", "out of range"),
        ("max_size", "16777216T", "bad-request", "out of range"),
        ("max_size", "10G\nlog_level = debug", "bad-request", "invalid"),
        ("max_size", "", "bad-request", "invalid"),
        ("idle_timeout", "forever", "bad-request", "invalid"),
        ("idle_timeout", "366d", "bad-request", "out of range"),
        ("compression_level", "0", "bad-request", "out of range"),
        ("compression_level", "20", "bad-request", "out of range"),
        ("compression_level", "1.5", "bad-request", "invalid"),
        ("log_level", "loud", "bad-request", "invalid"),
        ("log_level", "x" * MIB30, "bad-request", "invalid"),
        # Messages that quote these are cut to fit: never through a character.
        ("\u00e9" * 300, "1", "bad-request", "unknown key"),
        ("max_size", "\u00e9" * 300, "bad-request", "invalid"),
        ("max_size", "1" + "\U0001f600" * 200, "bad-request", "invalid")]:
    case("config: set %s = %s" % (key[:20], json.dumps(value)[:24]),
         request("config", op="set", key=key, value=value), expect, "config", message)
case("config: set without a value", request("config", op="set", key="max_size"),
     "bad-request", "config", "needs a value")
case("config: get without a key", request("config", op="get", key=REMOVE), "bad-request",
     "config", "unknown key")
case("config: unknown op", request("config", op="delete"), "bad-request", "config",
     "op must be")
case("flush: older_than a path", request("flush", older_than="../../etc"), "bad-request",
     "flush", "bad duration")
case("flush: older_than negative", request("flush", older_than="-1"), "bad-request",
     "flush", "bad duration")


# --- running ------------------------------------------------------------------

def snapshot():
    """Every path under T but the cache dir, the socket's and the test's own
    scratch dir, with its state."""
    seen = {}
    for root, dirs, files in os.walk(T):
        if root == T:
            dirs[:] = [d for d in dirs if d not in ("cache", "run", "scratch")]
        for name in dirs + files:
            p = os.path.join(root, name)
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            seen[p[len(T) + 1:]] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return seen


def changes(before, after):
    diff = [p for p in set(before) | set(after) if before.get(p) != after.get(p)]
    return sorted(diff)


def describe(reply):
    if reply == "timeout":
        return "timeout"
    if reply is None:
        return "eof"
    if not reply.get("ok"):
        return reply.get("error", "?")
    if "stored" in reply:
        return "stored-" + str(reply["stored"]).lower()
    if reply.get("action") == "run":
        return "run-store" if reply.get("store") else "run"
    return reply.get("action", "ok")


def status_pid():
    try:
        r = zcproto.request({"v": 1, "kind": "status"}, sock=zcproto.connect(timeout=TIMEOUT))
        return r.get("pid") if r else None
    except OSError:
        return None


def log_size():
    try:
        return os.path.getsize(LOG)
    except FileNotFoundError:
        return 0


def run(c, server_pid, fs):
    pos = log_size()
    s = zcproto.connect(timeout=c["timeout"])
    frame = c["frame"](s) if callable(c["frame"]) else c["frame"]
    try:
        s.sendall(zcproto.encode(frame))
        reply = zcproto.recv_frame(s)
        # A compiler being identified: the answer follows a "wait".
        while isinstance(reply, dict) and reply.get("action") == "wait":
            reply = zcproto.recv_frame(s)
    except socket.timeout:
        reply = "timeout"
    except (BrokenPipeError, ConnectionResetError):
        reply = None
    got, want = [describe(reply)], [c["expect"]]
    if c["message"]:
        msg = reply.get("message", "") if isinstance(reply, dict) else ""
        got.append("message" if c["message"] in msg else "message %r" % msg[:80])
        want.append("message")
    if c["expect"] in ("bad-frame", "too-large"):
        got.append("closed" if zcproto.is_closed(s, 2.0) else "open")
        want.append("closed")
    s.close()
    while held:  # its miss would be joined by the next compile of a.c
        held.pop().close()
    pid = status_pid()
    got.append("alive" if pid == server_pid else "server %s" % pid)
    want.append("alive")
    after = snapshot()
    diff = changes(fs, after)
    got.append("clean" if not diff else "wrote " + " ".join(diff[:3]))
    want.append("clean")
    if c["logs"]:
        with open(LOG, "rb") as f:
            f.seek(pos)
            new = f.read().decode(errors="replace")
        got.append("logs" if c["logs"] in new else "does not log %r" % c["logs"])
        want.append("logs")
    code = describe(reply)
    if code in LOGGED and code == c["expect"]:
        with open(LOG, "rb") as f:
            f.seek(pos)
            new = f.read().decode(errors="replace")
        # The log writes control characters as '?': one message, one line.
        line = re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", "?",
                      LOGGED[code].replace("MESSAGE", reply.get("message", "")))
        got.append("logged" if line in new else "not logged (%s)" % line[:60])
        want.append("logged")
    return got, want, after


def make_fixtures():
    """Sources in and outside the cwd, FIFOs where files are expected, and
    "gcc"s that are not: /dev/zero, a FIFO, a script that talks without end."""
    for d in (WORK, OUTSIDE, SCRATCH, T + "/evil/zero", T + "/evil/fifo", T + "/evil/yes"):
        os.makedirs(d, exist_ok=True)
    for path, text in [(WORK + "/a.c", "int a(void) { return 1; }\n"),
                       (OUTSIDE + "/b.c", "int b(void) { return 2; }\n"),
                       (OUTSIDE + "/rsp", "-c a.c -o ../scratch/r.o\n"),
                       (T + "/evil/yes/gcc", "#!/bin/sh\nexec yes\n")]:
        with open(path, "w") as f:
            f.write(text)
    os.chmod(T + "/evil/yes/gcc", 0o755)
    for fifo in ("/work/fifo.c", "/work/fifo.o", "/work/fifo.d", "/evil/fifo/gcc"):
        os.mkfifo(T + fifo)
    os.symlink("/dev/zero", T + "/evil/zero/gcc")
    time.sleep(0.05)  # the coarse clock: a.c must be older than its compiles


def main():
    make_fixtures()
    # The server serves a compile only for the folder its client is in (a
    # request naming another cwd runs uncached): be where the requests say.
    os.chdir(WORK)
    if os.environ.get("BAD_REQUESTS_SMALL"):
        cases[:] = [c for c in cases if not c["big"]]
    names = kinds_in_proto()
    print("every kind of proto_kinds.h has a row\t%s\t%s" % (
        " ".join(sorted(names)), " ".join(sorted(FIELDS))))
    server_pid = status_pid()
    fs = snapshot()
    for c in cases:
        got, want, fs = run(c, server_pid, fs)
        print("\t".join(re.sub(r"[\t\n]", " ", x) for x in
                        (c["desc"], " ".join(got), " ".join(want))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
