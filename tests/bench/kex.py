#!/usr/bin/python3
"""Key exchange benchmark: mlkem768x25519-sha256 and sntrup761x25519-sha512 next to
curve25519-sha256, for our
server and client and the peers in ../shared/peers, side by side in one run.

For each (client, server, kex) it makes N full connections (key exchange, public-key
login, `true`) and prints the median and 90th percentile wall-clock connect latency, the
server's CPU time per connection -- the growth of the CPU of the listener's whole process
tree (/proc/PID/stat utime+stime+cutime+cstime of the listener and of every live
descendant, such as a host-key signer) over the N connections, divided by N -- and the
client's (wait4's user+sys). Then the ratio of each hybrid's row to its curve25519 row,
and the connect-latency ratios the speed goals name. Dropbear's own clients cannot choose
a key exchange: their rows are each pair's default (2026.94: sntrup761x25519-sha512;
Debian's 2022.83: curve25519-sha256), beside which ours+ours runs both.

    sudo /usr/bin/python3 tests/bench/kex.py [-n 20] [--quick]

BENCH_BASE=/path/to/an/older/dropbearmulti adds that build as a server (and its
dbclient) to the same interleaved rounds, curve25519 only, and prints ours over it.

Needs root (a throwaway user; OpenSSH's privsep directory). Only 127.0.0.1, free
ports, every server killed by its PID at the end. A benchmark, not a test: it asserts
nothing about speed.
"""
import argparse
import json
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
BASE = os.environ.get("BENCH_BASE")
# The static musl build (make STATIC=1), when there is one, also runs as "ours static"
# (curve25519): Dropbear 2026.94 in ../shared/peers is a static musl binary too, and a
# static server neither loads libraries nor glibc's NSS modules at each re-exec.
STATIC = os.path.join(ROOT, "build", "static", "dropbearmulti")
STATIC = STATIC if os.path.exists(STATIC) and os.path.realpath(STATIC) != \
    os.path.realpath(BIN) else None
KEXES = ["curve25519-sha256", "mlkem768x25519-sha256", "sntrup761x25519-sha512"]
TICK = os.sysconf("SC_CLK_TCK")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=120, **kw)


DEB_DROPBEAR = "/usr/sbin/dropbear"
DEB_DBCLIENT = "/usr/bin/dbclient"


def cpu_seconds(pid):
    """CPU of pid and of all its live descendants, each with its reaped children."""
    parent, total = {}, 0.0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[1] is the ppid; [11..14] utime, stime, cutime, cstime (proc(5) 4, 14-17)
        parent[int(d)] = (int(fields[1]), sum(int(x) for x in fields[11:15]) / TICK)
    for p, (pp, c) in parent.items():
        q = p
        while q in parent and q != pid and q > 1:
            q = parent[q][0]
        if q == pid:
            total += c
    return total


def run_client(argv, env):
    p = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    return os.waitstatus_to_exitcode(status), err, ru.ru_utime + ru.ru_stime


def p90(v):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(0.9 * (len(v) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=None, help="connections per row (20; --quick 5)")
    ap.add_argument("--quick", action="store_true", help="5 connections, curve25519 only")
    a = ap.parse_args()
    n = a.n or 20
    kexes = KEXES
    if a.quick or os.environ.get("QUICK") == "1":
        n, kexes = a.n or 5, KEXES[:1]
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

            def native(prog):  # a Dropbear client: its own default key exchange
                return lambda kex, port: prog + ["-y", "-y", "-i", dkey, "-p", str(port),
                                                 dest, "true"]

            if os.path.exists(DEB_DROPBEAR):
                deb = Daemon(tmp, "debian").start(lambda p: [
                    DEB_DROPBEAR, "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                    "-P", os.path.join(tmp, "d.pid"), "-r", hk])
                servers.append(deb)
            # (client name, argv maker, server name, server, kexes)
            pairs = [("openssh-10 ssh", ssh, "ours", ours, kexes),
                     ("our dbclient", dbclient, "ours", ours, kexes),
                     ("our dbclient", dbclient, "upstream dropbear", up, kexes),
                     ("openssh-10 ssh", ssh, "upstream dropbear", up, kexes),
                     ("upstream dbclient", native([UPSTREAM, "dbclient"]),
                      "upstream dropbear", up, ["default (sntrup761x25519-sha512)"]),
                     ("our dbclient", dbclient, "openssh-10 sshd", osshd, kexes),
                     ("openssh-10 ssh", ssh, "openssh-10 sshd", osshd, kexes)]
            if "sntrup761x25519-sha512" not in kexes:
                pairs.insert(2, ("our dbclient", dbclient, "ours", ours,
                                 ["sntrup761x25519-sha512"]))
            if os.path.exists(DEB_DROPBEAR) and os.path.exists(DEB_DBCLIENT):
                pairs += [("our dbclient", dbclient, "debian dropbear", deb, kexes[:1]),
                          ("openssh-10 ssh", ssh, "debian dropbear", deb, kexes[:1]),
                          ("debian dbclient", native([DEB_DBCLIENT]), "debian dropbear", deb,
                           ["default (curve25519-sha256)"])]
            if STATIC:
                stat = Daemon(tmp, "static").start(lambda p: [
                    STATIC, "dropbear", "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                    "-P", os.path.join(tmp, "s.pid"), "-r", hk])
                servers.append(stat)

                def static_cli(kex, port):
                    return [STATIC, "dbclient", "-y", "-y", "-i", dkey, "-p", str(port), "-o",
                            "KexAlgorithms=" + kex, dest, "true"]
                pairs += [("our static dbclient", static_cli, "ours static", stat, kexes[:1]),
                          ("openssh-10 ssh", ssh, "ours static", stat, kexes[:1])]
            if BASE:
                base = Daemon(tmp, "base").start(lambda p: [
                    BASE, "dropbear", "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                    "-P", os.path.join(tmp, "b.pid"), "-r", hk])
                servers.append(base)

                def base_cli(kex, port):
                    return [BASE, "dbclient", "-y", "-y", "-i", dkey, "-p", str(port), "-o",
                            "KexAlgorithms=" + kex, dest, "true"]
                pairs += [("base dbclient", base_cli, "base", base, kexes[:1]),
                          ("openssh-10 ssh", ssh, "base", base, kexes[:1])]
            jobs = [(cname, mk, sname, srv, kex) for cname, mk, sname, srv, ks in pairs
                    for kex in ks]
            lat = {j[0:3:2] + (j[4],): [] for j in jobs}
            scpu = {k: 0.0 for k in lat}
            ccpu = {k: 0.0 for k in lat}
            bad = set()
            # interleaved: round after round over every row, so that a noisy neighbour
            # hits all rows alike
            for _ in range(n):
                for cname, mk, sname, srv, kex in jobs:
                    key = (cname, sname, kex)
                    if key in bad:
                        continue
                    c0 = cpu_seconds(srv.proc.pid)
                    t = time.perf_counter()
                    rc, err, cc = run_client(mk(kex.split()[0], srv.port), env)
                    dt = time.perf_counter() - t
                    if rc != 0:
                        print("FAILED %s -> %s %s: %s" % (cname, sname, kex,
                                                          err.decode()[-300:]))
                        bad.add(key)
                        continue
                    time.sleep(0.1)  # let the listener reap the connection process
                    lat[key].append(dt)
                    scpu[key] += cpu_seconds(srv.proc.pid) - c0
                    ccpu[key] += cc
            print("connect latency over %d interleaved connections (key exchange, public-key "
                  "login, `true`), CPU ms per connection" % n)
            print("%-17s %-18s %-34s %9s %7s %8s %8s" % ("client", "server", "kex",
                                                        "median ms", "p90 ms", "srv CPU",
                                                        "cli CPU"))
            rows = {}
            for key, v in lat.items():
                if not v:
                    continue
                r = {"client": key[0], "server": key[1], "kex": key[2],
                     "median_ms": statistics.median(v) * 1e3, "p90_ms": p90(v) * 1e3,
                     "srv_cpu_ms": scpu[key] / len(v) * 1e3,
                     "cli_cpu_ms": ccpu[key] / len(v) * 1e3}
                rows[key] = r
                print("%-17s %-18s %-34s %9.1f %7.1f %8.2f %8.2f" % (
                    key[0], key[1], key[2], r["median_ms"], r["p90_ms"], r["srv_cpu_ms"],
                    r["cli_cpu_ms"]))

            def ratio(label, a_, b_):
                if a_ in rows and b_ in rows:
                    print("  %-62s %5.2f" % (label, rows[a_]["median_ms"] /
                                             rows[b_]["median_ms"]))

            c25 = "curve25519-sha256"
            print("\nconnect latency ratios (medians):")
            ratio("ours+ours c25519 / dropbear-2026.94 pair (its default)",
                  ("our dbclient", "ours", c25),
                  ("upstream dbclient", "upstream dropbear", "default (sntrup761x25519-sha512)"))
            ratio("ours+ours sntrup761 / dropbear-2026.94 pair (same kex)",
                  ("our dbclient", "ours", "sntrup761x25519-sha512"),
                  ("upstream dbclient", "upstream dropbear", "default (sntrup761x25519-sha512)"))
            ratio("ours+ours c25519 / dropbear-2022.83 pair (c25519)",
                  ("our dbclient", "ours", c25),
                  ("debian dbclient", "debian dropbear", "default (curve25519-sha256)"))
            ratio("ssh10->ours c25519 / ssh10->dropbear-2026.94 c25519",
                  ("openssh-10 ssh", "ours", c25), ("openssh-10 ssh", "upstream dropbear", c25))
            ratio("ssh10->ours c25519 / ssh10->dropbear-2022.83 c25519",
                  ("openssh-10 ssh", "ours", c25), ("openssh-10 ssh", "debian dropbear", c25))
            ratio("ssh10->ours c25519 / openssh-10 pair c25519",
                  ("openssh-10 ssh", "ours", c25), ("openssh-10 ssh", "openssh-10 sshd", c25))
            if STATIC:
                ratio("ours+ours static c25519 / dropbear-2026.94 pair (its default)",
                      ("our static dbclient", "ours static", c25),
                      ("upstream dbclient", "upstream dropbear",
                       "default (sntrup761x25519-sha512)"))
                ratio("ours+ours static c25519 / dropbear-2022.83 pair (c25519)",
                      ("our static dbclient", "ours static", c25),
                      ("debian dbclient", "debian dropbear", "default (curve25519-sha256)"))
                ratio("ssh10->ours static c25519 / ssh10->dropbear-2026.94 c25519",
                      ("openssh-10 ssh", "ours static", c25),
                      ("openssh-10 ssh", "upstream dropbear", c25))
            if BASE:
                ratio("ours+ours / base+base (c25519)", ("our dbclient", "ours", c25),
                      ("base dbclient", "base", c25))
                ratio("ssh10->ours / ssh10->base (c25519)", ("openssh-10 ssh", "ours", c25),
                      ("openssh-10 ssh", "base", c25))
            if len(kexes) > 1:
                print("\nratio hybrid / curve25519 (latency):")
                for (cn, sn, kx), r in rows.items():
                    base = rows.get((cn, sn, c25))
                    if kx != c25 and base and not kx.startswith("default"):
                        print("  %-17s -> %-18s %-24s %5.2f" % (cn, sn, kx, r["median_ms"] /
                                                                 base["median_ms"]))
            out = os.environ.get("BENCH_JSON")
            if out:
                with open(out, "w") as f:
                    json.dump({"n": n, "rows": list(rows.values())}, f, indent=1)
        finally:
            for s in servers:
                s.stop()
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
