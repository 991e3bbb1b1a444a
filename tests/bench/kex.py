#!/usr/bin/python3
"""Key exchange benchmark: mlkem768x25519-sha256 and sntrup761x25519-sha512 next to
curve25519-sha256, for our
server and client and the peers in ../shared/peers, side by side in one run.

For each (client, server, kex) it makes N full connections (key exchange, public-key
login, `true`) and prints the median wall-clock connect latency and the server's CPU
time per connection: the growth of the listener's own and reaped children's CPU
(/proc/PID/stat utime+stime+cutime+cstime) over the N connections, divided by N. Then
the ratio of each hybrid's row to its curve25519 row.

    sudo /usr/bin/python3 tests/bench/kex.py [-n 20]

Needs root (a throwaway user; OpenSSH's privsep directory). Only 127.0.0.1, free
ports, every server killed by its PID at the end. A benchmark, not a test: it asserts
nothing about speed.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))

from conftest import BIN, free_port  # noqa: E402
from users import throwaway_user  # noqa: E402
from test_pq_mlkem import Daemon  # noqa: E402

PEERS = os.path.abspath(os.path.join(ROOT, "..", "shared", "peers"))
OSSH = os.path.join(PEERS, "openssh-10")
UPSTREAM = os.path.join(PEERS, "dropbear-2026.94", "dropbearmulti")
KEXES = ["curve25519-sha256", "mlkem768x25519-sha256", "sntrup761x25519-sha512"]
TICK = os.sysconf("SC_CLK_TCK")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=120, **kw)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[11..14] are utime, stime, cutime, cstime (proc(5) fields 14-17)
    return sum(int(x) for x in fields[11:15]) / TICK


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=20, help="connections per row")
    n = ap.parse_args().n
    tmp = subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip()
    os.chmod(tmp, 0o755)
    servers = []
    with throwaway_user() as u:
        okey = os.path.join(tmp, "id_ed25519")
        run([os.path.join(OSSH, "bin", "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C",
             "", "-f", okey])
        dkey = os.path.join(tmp, "id_dropbear")
        run([BIN, "dropbearkey", "-t", "ed25519", "-f", dkey])
        dpub = [ln for ln in run([BIN, "dropbearkey", "-y", "-f", dkey]).stdout.decode()
                .splitlines() if ln.startswith("ssh-ed25519 ")][0]
        with open(okey + ".pub") as f:
            u.authorize(f.read(), dpub)
        hk = os.path.join(tmp, "host_ed25519")
        run([BIN, "dropbearkey", "-t", "ed25519", "-f", hk])
        ohk = os.path.join(tmp, "ohost_ed25519")
        run([os.path.join(OSSH, "bin", "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C",
             "", "-f", ohk])
        run(["install", "-d", "-m", "0755", "-o", "root", "-g", "root",
             "/opt/openssh10/var/empty"])
        cfg = os.path.join(tmp, "sshd_config")
        with open(cfg, "w") as f:
            f.write("SshdSessionPath %s/libexec/sshd-session\nSshdAuthPath %s/libexec/sshd-auth\n"
                    "PidFile none\nListenAddress 127.0.0.1\nPasswordAuthentication no\n"
                    "KbdInteractiveAuthentication no\nPerSourcePenalties no\n"
                    "KexAlgorithms %s\nLogLevel ERROR\n" % (OSSH, OSSH, ",".join(KEXES)))
        link = os.path.join(tmp, "dropbear")
        os.symlink(UPSTREAM, link)
        try:
            ours = Daemon(tmp, "ours").start(lambda p: [
                BIN, "dropbear", "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                "-P", os.path.join(tmp, "o.pid"), "-r", hk])
            servers.append(ours)
            up = Daemon(tmp, "upstream").start(lambda p: [
                link, "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                "-P", os.path.join(tmp, "u.pid"), "-r", hk])
            servers.append(up)
            osshd = Daemon(tmp, "sshd").start(lambda p: [
                os.path.join(OSSH, "sbin", "sshd"), "-f", cfg, "-D", "-e", "-p", str(p),
                "-h", ohk])
            servers.append(osshd)
            env = dict(os.environ, HOME=tmp)
            env.pop("SSH_AUTH_SOCK", None)
            dest = "%s@127.0.0.1" % u.name

            def ssh(kex, port):
                return [os.path.join(OSSH, "bin", "ssh"), "-F", "/dev/null", "-q", "-p",
                        str(port), "-i", okey, "-o", "IdentitiesOnly=yes", "-o",
                        "BatchMode=yes", "-o", "UserKnownHostsFile=/dev/null", "-o",
                        "StrictHostKeyChecking=no", "-o", "KexAlgorithms=" + kex, dest, "true"]

            def dbclient(kex, port):
                return [os.path.join(os.path.dirname(BIN), "dbclient"), "-y", "-y", "-i", dkey,
                        "-p", str(port), "-o", "KexAlgorithms=" + kex, dest, "true"]

            rows = []
            # (client name, argv maker, server name, server) -- upstream dbclient has no
            # kex option and is left out.
            pairs = [("openssh-10 ssh", ssh, "ours", ours),
                     ("our dbclient", dbclient, "ours", ours),
                     ("our dbclient", dbclient, "upstream dropbear", up),
                     ("openssh-10 ssh", ssh, "upstream dropbear", up),
                     ("our dbclient", dbclient, "openssh-10 sshd", osshd),
                     ("openssh-10 ssh", ssh, "openssh-10 sshd", osshd)]
            print("%-16s %-18s %-24s %10s %14s" % ("client", "server", "kex",
                                                   "median ms", "server CPU ms"))
            for cname, mk, sname, srv in pairs:
                for kex in KEXES:
                    lat = []
                    c0 = cpu_seconds(srv.proc.pid)
                    for _ in range(n):
                        t = time.perf_counter()
                        r = run(mk(kex, srv.port), env=env)
                        lat.append(time.perf_counter() - t)
                        if r.returncode != 0:
                            print("FAILED %s -> %s %s: %s" % (cname, sname, kex,
                                                              r.stderr.decode()[-300:]))
                            break
                    time.sleep(0.3)  # let the listener reap its last child
                    cpu = (cpu_seconds(srv.proc.pid) - c0) / len(lat)
                    med = statistics.median(lat)
                    rows.append((cname, sname, kex, med, cpu))
                    print("%-16s %-18s %-24s %10.1f %14.2f" % (cname, sname, kex, med * 1e3,
                                                               cpu * 1e3))
            print("\nratio hybrid / curve25519 (latency, server CPU):")
            k = len(KEXES)
            for i in range(0, len(rows), k):
                a = rows[i]
                for b in rows[i + 1:i + k]:
                    print("  %-16s -> %-18s %-24s %5.2f  %s" % (
                        a[0], a[1], b[2], b[3] / a[3],
                        "%5.2f" % (b[4] / a[4]) if a[4] else "  n/a"))
        finally:
            for s in servers:
                s.stop()
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
