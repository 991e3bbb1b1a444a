#!/usr/bin/python3
"""SFTP benchmark: `sftp get` and `put` of one big file through
  - our server's built-in SFTP server (the system's sftp-server hidden by a mount namespace),
  - our server running OpenSSH's sftp-server (Debian's, with -S),
  - OpenSSH 10.5's sshd with its own sftp-server,
  - OpenSSH 10.5's sshd with our sftp-server face,
side by side in one run, with OpenSSH 9.2's sftp client. Prints the median seconds and MB/s
of N rounds per row (each round runs every row in turn, so that load on a shared machine
falls on every row alike), then the median over the rounds of the speed ratio of the
built-in row to the OpenSSH-sftp-server-behind-ours row (> 1.0: the built-in one is faster).

    sudo /usr/bin/python3 tests/bench/sftp.py [--mb 1024] [-n 3]

Needs root (a throwaway user, OpenSSH's privsep directory, a mount namespace). Only
127.0.0.1, free ports, every server killed by its PID at the end. Files go under /tmp
(1 GB each way: /tmp needs 3 GB free). A benchmark, not a test: it asserts nothing.
"""
import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))

from conftest import Server, make_key  # noqa: E402
from users import throwaway_user  # noqa: E402
from test_sftp import PEER, Client, blob, hide_sftp_servers, start_openssh10, stop_proc  # noqa

SYSTEM_SFTP = "/usr/lib/openssh/sftp-server"
BUILTIN = "ours, built-in SFTP"
EXTERNAL = "ours, OpenSSH's sftp-server (-S)"


def timed_batch(c, port, user, script):
    t = time.monotonic()
    r = c.batch(port, user, script, timeout=3600)
    dt = time.monotonic() - t
    if r.returncode != 0:
        raise SystemExit("sftp failed on port %d: %s" % (port, r.err[-2000:]))
    return dt


def one_run(c, port, user, src):
    """(get seconds, put seconds) of one put and one get of src."""
    down = os.path.join(c.dir, "down.bin")
    put = timed_batch(c, port, user, "put %s big.bin\n" % src)
    get = timed_batch(c, port, user, "get big.bin %s\n" % down)
    os.unlink(down)
    os.unlink(os.path.join(user.home, "big.bin"))
    return get, put


def bench(targets, c, user, src, n, mb):
    """n rounds; each round runs every target once, in turn, so that a burst of load on a
    shared machine lands on all rows alike rather than on one. Prints each row's median
    and returns {name: [(get, put), ...]}."""
    runs = {name: [] for name, _ in targets}
    for i in range(n):
        for name, port in targets:
            runs[name].append(one_run(c, port, user, src))
        print("round %d/%d done" % (i + 1, n), flush=True)
    for name, _ in targets:
        g = statistics.median(r[0] for r in runs[name])
        p = statistics.median(r[1] for r in runs[name])
        print("%-44s get %7.2f s %8.1f MB/s   put %7.2f s %8.1f MB/s" %
              (name, g, mb / g, p, mb / p), flush=True)
    return runs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("-n", type=int, default=3)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="sftp-bench-")
    procs, servers, rows = [], [], {}
    try:
        key = os.path.join(work, "id")
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", key],
                       check=True)
        with open(key + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        hk = make_key(os.path.join(work, "host_ed25519"), "ed25519")
        src = blob(os.path.join(work, "src.bin"), a.mb << 20, 1)
        print("file: %d MB, %d rounds, client: OpenSSH 9.2 sftp" % (a.mb, a.n))
        with throwaway_user() as user:
            user.authorize(pub)
            c = Client(work, key, ("/usr/bin/sftp", "/usr/bin/scp", []))
            targets = []
            d1 = os.path.join(work, "builtin")
            os.makedirs(d1)
            s1 = Server(d1, [hk], wrap=hide_sftp_servers(d1)).start()
            servers.append(s1)
            targets.append((BUILTIN, s1.port))
            if os.path.exists(SYSTEM_SFTP):
                d2 = os.path.join(work, "external")
                os.makedirs(d2)
                s2 = Server(d2, [hk], extra=["-S", SYSTEM_SFTP]).start()
                servers.append(s2)
                targets.append((EXTERNAL, s2.port))
            if os.path.exists(os.path.join(PEER, "sbin", "sshd")):
                p, port, d, _ = start_openssh10(work, user, os.path.join(
                    PEER, "libexec", "sftp-server"))
                procs.append((p, d))
                targets.append(("OpenSSH 10.5 sshd + its sftp-server", port))
                p, port, d, _ = start_openssh10(work, user)
                procs.append((p, d))
                targets.append(("OpenSSH 10.5 sshd + our sftp-server face", port))
            runs = bench(targets, c, user, src, a.n, a.mb)
            if EXTERNAL in runs:
                b, e = runs[BUILTIN], runs[EXTERNAL]
                # each round's two rows ran back to back: their ratio, then the median
                print("built-in vs OpenSSH's sftp-server behind ours (speed ratio, median "
                      "of the %d rounds' ratios): get %.2f, put %.2f" % (
                          a.n, statistics.median(x[0] / y[0] for x, y in zip(e, b)),
                          statistics.median(x[1] / y[1] for x, y in zip(e, b))))
    finally:
        for s in servers:
            s.stop()
        for p, d in procs:
            stop_proc(p)
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
