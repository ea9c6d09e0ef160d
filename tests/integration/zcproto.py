#!/usr/bin/env python3
"""zcproto: the zccache wire protocol for the integration tests.

A frame is a 4-byte big-endian length followed by that many bytes of JSON.
Used as a module (import zcproto) or from the shell:

  zcproto.py request JSON            send JSON as one frame
  zcproto.py frame TEXT              send TEXT (any bytes) as one frame
  zcproto.py raw HEX                 send raw bytes
      each prints the reply as one JSON line (null on EOF), then "closed"
      or "open": whether the server closed the connection after it
  zcproto.py notify-listen PATH LOG  sd_notify receiver: one datagram per line
  zcproto.py fake-server PATH MODE RECORD
                                     a server that misbehaves as MODE says
  zcproto.py socket-holder PATH LOG SERVER [ARG]...
                                     what systemd does for zccache.socket

The socket is $ZCCACHE_SOCKET unless a command takes a PATH.
"""
import json
import os
import signal
import socket
import struct
import sys
import time

MAX_FRAME = 32 << 20


def encode(obj):
    """One frame for obj (bytes are sent as they are)."""
    payload = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return struct.pack(">I", len(payload)) + payload


def connect(path=None, timeout=10.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path or os.environ["ZCCACHE_SOCKET"])
    return s


def recv_exact(s, n):
    """n bytes, or fewer when the peer closes first."""
    data = b""
    while len(data) < n:
        try:
            chunk = s.recv(n - len(data))
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def recv_frame(s):
    """The next reply as a dict; None on EOF before a whole frame."""
    hdr = recv_exact(s, 4)
    if len(hdr) < 4:
        return None
    (n,) = struct.unpack(">I", hdr)
    payload = recv_exact(s, n)
    if len(payload) < n:
        return None
    return json.loads(payload)


def request(obj, sock=None, path=None):
    """Send obj as one frame and return the reply (None on EOF). Interim
    "wait" frames (a compiler being identified, a joined compile) are
    skipped, as the launcher does; recv_frame shows them."""
    s = sock or connect(path)
    s.sendall(encode(obj))
    r = recv_frame(s)
    while r is not None and r.get("action") == "wait":
        r = recv_frame(s)
    return r


def compile_request(argv, compiler, cwd=None, env=None):
    """A compile request as the launcher sends it: argv as typed, the resolved
    compiler, the folder (ours unless given) and the environment subset,
    which always holds PATH (the driver finds `as` there) as the launcher's
    does, and ours of what gcc reads before it compiles (its specs places
    are keyed): a request without them is another compile than the
    launcher's where they are set."""
    env = dict(env or {})
    env.setdefault("PATH", os.environ.get("PATH", "/usr/bin:/bin"))
    for k in ("LIBRARY_PATH", "GCC_EXEC_PREFIX", "COMPILER_PATH"):
        if k in os.environ:
            env.setdefault(k, os.environ[k])
    return {"v": 1, "kind": "compile", "argv": argv, "compiler": compiler,
            "cwd": cwd or os.getcwd(), "env": env,
            "pid": os.getpid(), "stderr_tty": False, "umask": 0o22}


def is_closed(s, wait=1.0):
    """True when the peer closed the connection (EOF or reset) within wait s."""
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


# --- fake server ------------------------------------------------------------

def fake_server(path, mode, record):
    """
    Listen on path and answer every request according to mode:
      version:N     a "version" error with server_version N (stop: ok)
      garbage-big   bytes whose header announces 0xdeadbeef bytes
      garbage-json  a well-formed frame whose payload is not JSON
      action:NAME   ok, with an unknown action
      close         read the request, close without answering
      hang          read the request, never answer
    Each request received is appended to record as one JSON line.
    """
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    ls.listen(64)
    held = []
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        c, _ = ls.accept()
        c.settimeout(5)
        while True:
            try:
                req = recv_frame(c)
            except (socket.timeout, ValueError, OSError):
                req = None
            if req is None:
                break
            with open(record, "a") as f:
                f.write(json.dumps(req, sort_keys=True) + "\n")
            if mode.startswith("version:"):
                n = int(mode.split(":", 1)[1])
                if req.get("kind") == "stop":
                    c.sendall(encode({"v": n, "ok": True}))
                else:
                    c.sendall(encode({"v": n, "ok": False, "error": "version",
                                      "message": "protocol mismatch",
                                      "server_version": n,
                                      "server_pid": os.getpid()}))
                continue
            if mode == "garbage-big":
                c.sendall(b"\xde\xad\xbe\xefgarbage")
            elif mode == "garbage-json":
                c.sendall(encode(b"\x01\x02 this is not json"))
            elif mode.startswith("action:"):
                c.sendall(encode({"v": 1, "ok": True,
                                  "action": mode.split(":", 1)[1]}))
            elif mode == "hang":
                held.append(c)
                c = None
            break
        if c is not None:
            c.close()


# --- socket holder (what systemd does for a socket unit) ---------------------

def socket_holder(path, log, argv):
    """
    Keep a listening socket at path. Whenever it is readable and no server
    runs, start argv with the socket as fd 3 (LISTEN_FDS=1, LISTEN_PID=its
    pid), wait for it to exit, and start over. Logs "start PID" and
    "exit PID STATUS" lines to log.
    """
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ls.bind(path)
    os.chmod(path, 0o600)
    ls.listen(128)
    child = [0]

    def on_term(*_):
        if child[0]:
            try:
                os.kill(child[0], signal.SIGTERM)
            except ProcessLookupError:
                pass
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)

    def say(line):
        with open(log, "a") as f:
            f.write(line + "\n")

    say("listening")
    import select
    while True:
        select.select([ls], [], [])
        pid = os.fork()
        if pid == 0:
            try:
                if ls.fileno() != 3:
                    os.dup2(ls.fileno(), 3)
                os.set_inheritable(3, True)
                env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        child[0] = pid
        say("start %d" % pid)
        _, status = os.waitpid(pid, 0)
        child[0] = 0
        say("exit %d %d" % (pid, os.waitstatus_to_exitcode(status)))


# --- sd_notify receiver -------------------------------------------------------

def notify_listen(path, log):
    """Receive sd_notify datagrams on path; write each to log as one line."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        data = s.recv(65536)
        with open(log, "a") as f:
            f.write(data.decode(errors="replace").replace("\n", "|") + "\n")


def print_reply(s, reply):
    """The reply as one JSON line, then whether the server closed after it."""
    print(json.dumps(reply, sort_keys=True))
    print("closed" if is_closed(s, 0.3) else "open")


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "request" and len(argv) == 3:
        s = connect()
        print_reply(s, request(json.loads(argv[2]), sock=s))
    elif cmd == "frame" and len(argv) == 3:
        s = connect()
        s.sendall(encode(argv[2].encode()))
        print_reply(s, recv_frame(s))
    elif cmd == "raw" and len(argv) == 3:
        s = connect()
        s.sendall(bytes.fromhex(argv[2]))
        print_reply(s, recv_frame(s))
    elif cmd == "notify-listen" and len(argv) == 4:
        notify_listen(argv[2], argv[3])
    elif cmd == "fake-server" and len(argv) == 5:
        fake_server(argv[2], argv[3], argv[4])
    elif cmd == "socket-holder" and len(argv) >= 5:
        socket_holder(argv[2], argv[3], argv[4:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
