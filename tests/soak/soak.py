#!/usr/bin/python3
"""Loopback soak: many connections against one daemon, whose RSS and descriptor count must
stay flat. Not part of make check (it takes minutes); run it by hand, as root (it makes a
throwaway user for the full logins, as the interop tests do):

    make STATIC=1 && /usr/bin/python3 tests/soak/soak.py      # 100,000 connections
    /usr/bin/python3 tests/soak/soak.py -n 10000 --bin build/dropbearmulti

Three kinds of connection, from one of 127.0.0.2..127.0.0.254:
- cheap (most): send an identification, read the server's, close (the daemon spawns the
  connection's process, which executes this binary afresh and answers, then sees EOF);
- one in --kex-every: also a KEXINIT, read until the server's KEXINIT packet has come (the
  child negotiates; the key exchange never finishes);
- one in --login-every: OpenSSH's ssh logs in with a key and runs `true` (a whole key
  exchange with a host-key signature, public-key auth, a session, its exit status), from
  127.1.0.1, outside the cheap connections' /24 (LOGIN_SOURCE says why).
The cheap and kex ones run -j at a time on non-blocking sockets under one selector (a
thread per connection made the driver, not the daemon, the limit); the logins run in
--login-threads threads, each an ssh process, paced to be spread over the whole run.
Every --sample seconds the daemon's VmRSS (/proc/PID/status) and open descriptors
(/proc/PID/fd) are sampled; at the end, once its children are gone, both are measured
again, and the CPU per connection is printed: the daemon's own, its connections'
(reaped children), the driver's. The run fails when the daemon died, when the end values
exceed the first quiet ones (RSS by more than --rss-slack KiB, descriptors at all), when
fewer than --min-ok of the connections were served, or when a full login failed.
Bounded: every connection has a deadline and the whole run stops at --max-seconds.
"""
import argparse
import errno
import os
import selectors
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
# The full logins come from another /24 than the cheap flood (127.0.0.2-254): when the
# flood's lingering processes fill the daemon's unauthenticated slots, it displaces the
# oldest of the network holding the most, the flood's, and a login still gets through,
# as a legitimate user's from outside a flooding network does (issue 13). From the
# flood's own /24 a slow login would be the oldest there, and fair game.
LOGIN_SOURCE = "127.1.0.1"


def packet(payload):
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + 1 + pad, pad) + payload + b"\0" * pad


def name_list(s):
    return struct.pack(">I", len(s)) + s.encode()


KEXINIT = packet(b"\x14" + os.urandom(16) + b"".join(name_list(x) for x in [
    "curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256",
    "hmac-sha2-256", "none", "none", "", ""]) + b"\0" + b"\0\0\0\0")


class Raw:
    """One cheap or kex connection in flight (non-blocking, driven by RawLoop)."""
    __slots__ = ("sock", "kex", "got", "deadline")


class RawLoop:
    """Cheap and kex connections, up to `depth` at a time, on non-blocking sockets under
    one selector: a connection costs the driver a few system calls, not a thread."""

    def __init__(self, port, depth, timeout=10.0):
        self.port, self.depth, self.timeout = port, depth, timeout
        self.sel = selectors.DefaultSelector()
        self.live = {}
        self.ok = self.fail = self.kex = 0

    def start(self, n, kex):
        c = Raw()
        c.kex, c.got, c.deadline = kex, b"", time.monotonic() + self.timeout
        c.sock = s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # the source port is chosen at connect(), so a bind to one of 253 addresses
            # does not exhaust the ports while earlier connections sit in TIME_WAIT
            s.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            s.bind(("127.0.0.%d" % (2 + n % 253), 0))
            s.setblocking(False)
            err = s.connect_ex(("127.0.0.1", self.port))
        except OSError:
            err = -1
        if err not in (0, errno.EINPROGRESS):
            s.close()
            self.done(None, False)
            return
        self.live[s.fileno()] = c
        self.sel.register(s, selectors.EVENT_WRITE, c)

    def done(self, c, good):
        if c is not None:
            self.sel.unregister(c.sock)
            del self.live[c.sock.fileno()]
            c.sock.close()
            self.kex += c.kex
        if good:
            self.ok += 1
        else:
            self.fail += 1

    def step(self, c, ev):
        s = c.sock
        try:
            if ev & selectors.EVENT_WRITE:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    return self.done(c, False)
                # one segment, far below the socket buffer: it is sent whole
                s.send(b"SSH-2.0-soak_1.0\r\n" + (KEXINIT if c.kex else b""))
                self.sel.modify(s, selectors.EVENT_READ, c)
                return None
            chunk = s.recv(65536)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return self.done(c, False)
        if not chunk:
            return self.done(c, False)
        c.got += chunk
        if b"\n" not in c.got:
            return None
        if not c.got.startswith(b"SSH-2.0-"):
            return self.done(c, False)
        if not c.kex:
            return self.done(c, True)
        # the server's KEXINIT: the first packet after its identification line
        rest = c.got[c.got.index(b"\n") + 1:]
        if len(rest) < 6 or len(rest) < 4 + struct.unpack(">I", rest[:4])[0]:
            return None
        return self.done(c, rest[5] == 20)

    def poll(self, wait):
        for key, ev in self.sel.select(wait):
            self.step(key.data, ev)
        now = time.monotonic()
        if self.live and now >= min(c.deadline for c in self.live.values()):
            for c in [c for c in self.live.values() if now >= c.deadline]:
                self.done(c, False)


def raw_connection(port, n, kex=False):
    """One cheap (or kex) connection, blocking: True when it was served."""
    lp = RawLoop(port, 1)
    lp.start(n, kex)
    while lp.live:
        lp.poll(0.5)
    return lp.ok == 1


def full_login(port, user, keyfile):
    """OpenSSH's ssh: a whole key exchange, a public-key login, an exec of `true` and
    its exit status (a separate process: the driver's loop does not wait for it)."""
    cmd = ["ssh", "-q", "-F", "/dev/null", "-p", str(port), "-i", keyfile,
           "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
           "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "ConnectTimeout=20", "-o", "ServerAliveInterval=10",
           "-o", "ServerAliveCountMax=2", "-b", LOGIN_SOURCE, "-l", user, "127.0.0.1",
           "true"]
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=60).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def sample(pid):
    rss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def cpu(pid):
    """Seconds of CPU: the daemon's own and its reaped children's (the connections)."""
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return (int(v[11]) + int(v[12])) / hz, (int(v[13]) + int(v[14])) / hz


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def quiet_sample(pid, timeout=60):
    """The daemon's figures once no connection process is left (bounded wait)."""
    end = time.time() + timeout
    while children(pid) and time.time() < end:
        time.sleep(0.2)
    time.sleep(0.5)
    return sample(pid)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100000, help="connections (default 100000)")
    ap.add_argument("-j", type=int, default=16,
                    help="cheap/kex connections in flight (default 16; the daemon's "
                    "30 unauthenticated slots bound what is useful)")
    ap.add_argument("--login-threads", type=int, default=2,
                    help="full logins in flight (default 2)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "static", "dropbearmulti"))
    ap.add_argument("--kex-every", type=int, default=10,
                    help="one connection that exchanges KEXINITs per this many (0: none)")
    ap.add_argument("--login-every", type=int, default=500,
                    help="one full ssh login per this many connections (0: none)")
    ap.add_argument("--sample", type=float, default=10, help="sample every N seconds")
    ap.add_argument("--rss-slack", type=int, default=256, help="KiB of RSS growth allowed")
    ap.add_argument("--min-ok", type=float, default=0.99)
    ap.add_argument("--max-seconds", type=int, default=900,
                    help="the run stops here, finished or not (a failure if not)")
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="soak-")
    proc = None
    user_ctx = None
    try:
        hostkey = os.path.join(tmp, "host_ed25519")
        subprocess.run([a.bin, "dropbearkey", "-t", "ed25519", "-f", hostkey],
                       check=True, capture_output=True, timeout=60)
        user = keyfile = None
        if a.login_every:
            from users import can_create_users, throwaway_user
            if not can_create_users():
                sys.exit("soak: full logins need root (useradd); use --login-every 0")
            keyfile = os.path.join(tmp, "id_ed25519")
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keyfile],
                           check=True, timeout=60)
            user_ctx = throwaway_user()
            u = user_ctx.__enter__()
            with open(keyfile + ".pub") as f:
                u.authorize(f.read().strip())
            user = u.name
        port = free_port()
        log = open(os.path.join(tmp, "daemon.log"), "w")
        proc = subprocess.Popen([a.bin, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port,
                                 "-r", hostkey], stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            if raw_connection(port, 0):
                break
            time.sleep(0.1)
        else:
            sys.exit("soak: the daemon does not answer")
        start = quiet_sample(proc.pid)
        print("start: RSS %d KiB, %d fds" % start, flush=True)
        samples = [start]
        cpu0, drv0 = cpu(proc.pid), os.times()
        t0 = time.time()
        deadline = time.monotonic() + a.max_seconds
        is_login = (lambda i: a.login_every and i % a.login_every == a.login_every - 1)
        is_kex = (lambda i: a.kex_every and i % a.kex_every == a.kex_every - 1)
        logins = [i for i in range(a.n) if is_login(i)]
        lres = {"run": 0, "ok": 0}
        llock = threading.Lock()
        progress = [0]

        def login_worker():
            # paced by the raw connections' progress, so that logins are spread over
            # the whole run and not all at its start
            while time.monotonic() < deadline:
                with llock:
                    if not logins:
                        return
                    due = progress[0] >= logins[0]
                    if due:
                        logins.pop(0)
                if not due:
                    time.sleep(0.05)
                    continue
                good = full_login(port, user, keyfile)
                with llock:
                    lres["run"] += 1
                    lres["ok"] += good

        lthreads = [threading.Thread(target=login_worker, daemon=True)
                    for _ in range(a.login_threads if logins else 0)]
        for t in lthreads:
            t.start()
        loop = RawLoop(port, a.j)
        i = 0
        next_sample = time.monotonic() + a.sample
        while time.monotonic() < deadline:
            while len(loop.live) < a.j and i < a.n:
                if not is_login(i):
                    loop.start(i, bool(is_kex(i)))
                i += 1
            with llock:
                progress[0] = i
            if i >= a.n and not loop.live:
                break
            loop.poll(0.2)
            if time.monotonic() >= next_sample:
                next_sample += a.sample
                if proc.poll() is not None:
                    sys.exit("soak: the daemon died (status %s)" % proc.returncode)
                s = sample(proc.pid)
                samples.append(s)
                done = loop.ok + loop.fail + lres["run"]
                print("%7d connections  %6.0f/s  RSS %d KiB  %d fds" %
                      ((done, done / (time.time() - t0)) + s), flush=True)
        for t in lthreads:
            t.join(timeout=max(1, deadline - time.monotonic()))
        counts = {"ok": loop.ok + lres["ok"], "fail": loop.fail + lres["run"] - lres["ok"],
                  "kex": loop.kex, "logins": lres["run"], "logins_ok": lres["ok"]}
        counts["done"] = counts["ok"] + counts["fail"]
        done, ok, fail = counts["done"], counts["ok"], counts["fail"]
        logins, logins_ok = counts["logins"], counts["logins_ok"]
        elapsed = time.time() - t0
        if proc.poll() is not None:
            sys.exit("soak: the daemon died (status %s)" % proc.returncode)
        end = quiet_sample(proc.pid)
        cpu1, drv1 = cpu(proc.pid), os.times()
        if done:
            print("CPU per connection: daemon %.0f us, connections %.0f us, this driver "
                  "%.0f us (its ssh logins %.0f us); load average %s" %
                  (1e6 * (cpu1[0] - cpu0[0]) / done, 1e6 * (cpu1[1] - cpu0[1]) / done,
                   1e6 * (drv1.user + drv1.system - drv0.user - drv0.system) / done,
                   1e6 * (drv1.children_user + drv1.children_system - drv0.children_user -
                          drv0.children_system) / done,
                   " ".join(open("/proc/loadavg").read().split()[:3])))
        samples.append(end)
        print("end:   RSS %d KiB, %d fds" % end)
        log.flush()
        with open(log.name, errors="replace") as f:
            displaced = sum("Displacing" in line for line in f)
        print("daemon log: %d displacement lines (one per address and minute at most)" %
              displaced)
        print("max:   RSS %d KiB, %d fds" % (max(s[0] for s in samples),
                                              max(s[1] for s in samples)))
        print("%d connections in %.0f s (%.0f/s): %d served, %d not; %d with KEXINITs; "
              "full logins %d/%d" % (done, elapsed, done / elapsed, ok, fail, counts["kex"],
                                     logins_ok, logins))
        bad = []
        if done < a.n:
            bad.append("stopped at --max-seconds after %d of %d" % (done, a.n))
        if end[0] > start[0] + a.rss_slack:
            bad.append("RSS grew from %d to %d KiB" % (start[0], end[0]))
        if end[1] > start[1]:
            bad.append("descriptors grew from %d to %d" % (start[1], end[1]))
        if done and ok < a.min_ok * done:
            bad.append("only %d of %d connections served" % (ok, done))
        if logins and logins_ok < logins:
            bad.append("%d of %d full logins failed" % (logins - logins_ok, logins))
        if bad:
            print("soak: FAIL: " + "; ".join(bad))
            return 1
        print("soak: ok")
        return 0
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if user_ctx:
            user_ctx.__exit__(None, None, None)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
