#!/usr/bin/python3
"""Loopback soak: many connections against one daemon, whose RSS and descriptor count must
stay flat. Not part of make check (it takes minutes); run it by hand, as root (it makes a
throwaway user for the full logins, as the interop tests do):

    make STATIC=1 && /usr/bin/python3 tests/soak/soak.py      # 100,000 connections
    /usr/bin/python3 tests/soak/soak.py -n 20000 -j 16 --bin build/dropbearmulti

Three kinds of connection, from one of 127.0.0.2..127.0.0.254, by -j worker threads:
- cheap (most): send an identification, read the server's, close (the daemon forks, the
  child re-executes and answers, then sees EOF);
- one in --kex-every: also a KEXINIT, read until the server's KEXINIT packet has come (the
  child negotiates; the key exchange never finishes);
- one in --login-every: a whole paramiko login with a key, an exec of `true` and its exit
  status (a full handshake, auth, a session).
Every --sample seconds the daemon's VmRSS (/proc/PID/status) and open descriptors
(/proc/PID/fd) are sampled; at the end, once its children are gone, both are measured
again. The run fails when the daemon died, when the end values exceed the first
quiet ones (RSS by more than --rss-slack KiB, descriptors at all), or when fewer than
--min-ok of the connections were served. Bounded: every socket operation has a timeout
and the whole run stops at --max-seconds.
"""
import argparse
import os
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


def raw_connection(port, n, kex=False):
    """cheap: identifications only; kex: also both KEXINITs."""
    src = "127.0.0.%d" % (2 + n % 253)
    s = socket.socket()
    s.settimeout(10)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"SSH-2.0-soak_1.0\r\n" + (KEXINIT if kex else b""))
        got = b""
        while b"\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                return False
            got += chunk
        if not got.startswith(b"SSH-2.0-"):
            return False
        if kex:
            # the server's KEXINIT: the first packet after its identification line
            rest = got[got.index(b"\n") + 1:]
            while len(rest) < 6 or len(rest) < 4 + struct.unpack(">I", rest[:4])[0]:
                chunk = s.recv(65536)
                if not chunk:
                    return False
                rest += chunk
            return rest[5] == 20
        return True
    except OSError:
        return False
    finally:
        s.close()


def full_login(port, user, keyfile):
    import paramiko
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        c.connect("127.0.0.1", port=port, username=user, key_filename=keyfile,
                  allow_agent=False, look_for_keys=False, timeout=20, banner_timeout=20,
                  auth_timeout=20)
        _, out, _ = c.exec_command("true", timeout=20)
        return out.channel.recv_exit_status() == 0
    except Exception:
        return False
    finally:
        c.close()


def sample(pid):
    rss = None
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


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
    ap.add_argument("-j", type=int, default=32, help="in parallel (default 32)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "static", "dropbearmulti"))
    ap.add_argument("--kex-every", type=int, default=10,
                    help="one connection that exchanges KEXINITs per this many (0: none)")
    ap.add_argument("--login-every", type=int, default=500,
                    help="one full paramiko login per this many connections (0: none)")
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
        counts = {"ok": 0, "fail": 0, "logins": 0, "logins_ok": 0, "kex": 0, "done": 0}
        lock = threading.Lock()
        t0 = time.time()
        deadline = t0 + a.max_seconds
        next_i = [0]

        def worker():
            while time.time() < deadline:
                with lock:
                    i = next_i[0]
                    if i >= a.n:
                        return
                    next_i[0] += 1
                if a.login_every and i % a.login_every == a.login_every - 1:
                    kind, good = "logins", full_login(port, user, keyfile)
                elif a.kex_every and i % a.kex_every == a.kex_every - 1:
                    kind, good = "kex", raw_connection(port, i, kex=True)
                else:
                    kind, good = None, raw_connection(port, i)
                with lock:
                    counts["done"] += 1
                    counts["ok" if good else "fail"] += 1
                    if kind:
                        counts[kind] += 1
                    if kind == "logins" and good:
                        counts["logins_ok"] += 1

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.j)]
        for t in threads:
            t.start()
        next_sample = time.time() + a.sample
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
            if proc.poll() is not None:
                sys.exit("soak: the daemon died (status %s)" % proc.returncode)
            if time.time() >= next_sample:
                next_sample += a.sample
                s = sample(proc.pid)
                samples.append(s)
                done = counts["done"]
                print("%7d connections  %6.0f/s  RSS %d KiB  %d fds" %
                      ((done, done / (time.time() - t0)) + s), flush=True)
        for t in threads:
            t.join(timeout=30)
        done, ok, fail = counts["done"], counts["ok"], counts["fail"]
        logins, logins_ok = counts["logins"], counts["logins_ok"]
        elapsed = time.time() - t0
        if proc.poll() is not None:
            sys.exit("soak: the daemon died (status %s)" % proc.returncode)
        end = quiet_sample(proc.pid)
        samples.append(end)
        print("end:   RSS %d KiB, %d fds" % end)
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
