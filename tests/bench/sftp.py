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
Each row also shows the CPU seconds its server side spent (connection process and session
child, from the server's reaped-children times): on a shared machine the wall clock follows
the load, the CPU a transfer costs much less so.

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


def tree_cpu(pid):
    """CPU seconds (user + system) of pid's reaped descendants: for a server that waits for
    its connection processes, which wait for their session children, the whole server side
    of the connections that have ended."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def timed_batch(c, port, pid, user, script):
    """(wall seconds, server CPU seconds) of one sftp -b session."""
    c0 = tree_cpu(pid)
    t = time.monotonic()
    r = c.batch(port, user, script, timeout=3600)
    dt = time.monotonic() - t
    if r.returncode != 0:
        raise SystemExit("sftp failed on port %d: %s" % (port, r.err[-2000:]))
    # the connection process is reaped a moment after the client has gone
    end = time.monotonic() + 5
    cpu = tree_cpu(pid) - c0
    while time.monotonic() < end:
        time.sleep(0.2)
        n = tree_cpu(pid) - c0
        if n == cpu and n > 0:
            break
        cpu = n
    return dt, cpu


def one_run(c, port, pid, user, src):
    """(get seconds, put seconds, get server CPU, put server CPU) of one put and one get."""
    down = os.path.join(c.dir, "down.bin")
    put, put_cpu = timed_batch(c, port, pid, user, "put %s big.bin\n" % src)
    get, get_cpu = timed_batch(c, port, pid, user, "get big.bin %s\n" % down)
    os.unlink(down)
    os.unlink(os.path.join(user.home, "big.bin"))
    return get, put, get_cpu, put_cpu


def bench(targets, c, user, src, n, mb):
    """n rounds; each round runs every target once, in turn, so that a burst of load on a
    shared machine lands on all rows alike rather than on one. Prints each row's median
    and returns {name: [(get, put), ...]}."""
    runs = {name: [] for name, _, _ in targets}
    for i in range(n):
        for name, port, pid in targets:
            runs[name].append(one_run(c, port, pid, user, src))
        print("round %d/%d done (load average %.1f)" % (i + 1, n, os.getloadavg()[0]),
              flush=True)
    print("%-44s %-27s %-27s %s" % ("median of the rounds", "get", "put",
                                      "server CPU s get/put"))
    for name, _, _ in targets:
        g = statistics.median(r[0] for r in runs[name])
        p = statistics.median(r[1] for r in runs[name])
        gc = statistics.median(r[2] for r in runs[name])
        pc = statistics.median(r[3] for r in runs[name])
        print("%-44s %6.2f s %8.1f MB/s   %6.2f s %8.1f MB/s   %5.2f / %5.2f" %
              (name, g, mb / g, p, mb / p, gc, pc), flush=True)
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
        print("file: %d MB, %d rounds, client: OpenSSH 9.2 sftp, load average %.1f" % (
            a.mb, a.n, os.getloadavg()[0]))
        with throwaway_user() as user:
            user.authorize(pub)
            c = Client(work, key, ("/usr/bin/sftp", "/usr/bin/scp", []))
            targets = []
            d1 = os.path.join(work, "builtin")
            os.makedirs(d1)
            s1 = Server(d1, [hk], wrap=hide_sftp_servers(d1)).start()
            servers.append(s1)
            targets.append((BUILTIN, s1.port, s1.proc.pid))
            if os.path.exists(SYSTEM_SFTP):
                d2 = os.path.join(work, "external")
                os.makedirs(d2)
                s2 = Server(d2, [hk], extra=["-S", SYSTEM_SFTP]).start()
                servers.append(s2)
                targets.append((EXTERNAL, s2.port, s2.proc.pid))
            if os.path.exists(os.path.join(PEER, "sbin", "sshd")):
                p, port, d, _ = start_openssh10(work, user, os.path.join(
                    PEER, "libexec", "sftp-server"))
                procs.append((p, d))
                targets.append(("OpenSSH 10.5 sshd + its sftp-server", port, p.pid))
                p, port, d, _ = start_openssh10(work, user)
                procs.append((p, d))
                targets.append(("OpenSSH 10.5 sshd + our sftp-server face", port, p.pid))
            runs = bench(targets, c, user, src, a.n, a.mb)
            if EXTERNAL in runs:
                b, e = runs[BUILTIN], runs[EXTERNAL]
                # each round's two rows ran back to back: their ratio, then the median
                print("per-round ratios: get %s, put %s" % (
                    " ".join("%.2f" % (y[0] / x[0]) for x, y in zip(b, e)),
                    " ".join("%.2f" % (y[1] / x[1]) for x, y in zip(b, e))))
                print("built-in vs OpenSSH's sftp-server behind ours (speed ratio, median "
                      "of the %d rounds' ratios): get %.2f, put %.2f" % (
                          a.n, statistics.median(x[0] / y[0] for x, y in zip(e, b)),
                          statistics.median(x[1] / y[1] for x, y in zip(e, b))))
                print("server CPU, OpenSSH's sftp-server behind ours / built-in (median of the "
                      "rounds' ratios): get %.2f, put %.2f" % (
                          statistics.median(x[2] / y[2] for x, y in zip(e, b) if y[2]),
                          statistics.median(x[3] / y[3] for x, y in zip(e, b) if y[3])))
    finally:
        for s in servers:
            s.stop()
        for p, d in procs:
            stop_proc(p)
            shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
