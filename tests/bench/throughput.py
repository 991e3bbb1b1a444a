#!/usr/bin/python3
"""Bulk throughput benchmark: our server and client next to OpenSSH and Dropbear, per
cipher, on loopback, in one run.

For every (client, server) pair and cipher it moves SIZE bytes over one session --
download: the server runs `head -c SIZE /dev/zero`, the client writes to /dev/null;
upload: the client's stdin is SIZE zero bytes, the server runs `cat >/dev/null` -- and
takes the wall-clock time minus the pair's median connect time (a session running
`true`). Runs are interleaved (round after round over every pair and cipher, so that a
noisy neighbour hits all rows alike) and the median over the rounds is printed, in MB/s,
with the ratio to OpenSSH 10's own pair and to Debian's OpenSSH 9.2 pair.

    sudo /usr/bin/python3 tests/bench/throughput.py [-r ROUNDS] [-s MIB] [--quick]
    make bench            (QUICK=1 make bench: under a minute)

Pairs: ours+ours, OpenSSH 10 ssh -> our server, our dbclient -> OpenSSH 10 sshd, and the
references' own pairs: OpenSSH 10 (../shared/peers/openssh-10), Debian's OpenSSH 9.2,
Dropbear 2026.94 (../shared/peers/dropbear-2026.94) and Debian's dropbear-bin 2022.83
(when installed). BENCH_BASE=/path/to/an/older/dropbearmulti adds that build's pairs
(base+base, ssh10->base) to the same interleaved rounds and prints ours over it: a
before/after that a loaded machine cannot skew between two separate runs. Ciphers: chacha20-poly1305@openssh.com, aes128-gcm@openssh.com,
aes256-gcm@openssh.com, aes128-ctr with hmac-sha2-256-etm@openssh.com. Dropbear has no
GCM and no -etm MACs: its aes128-ctr row uses hmac-sha2-256 (marked *), its GCM rows are
n/a. Needs root (a throwaway user; the sshd privsep directories). Only 127.0.0.1, free
ports, every server killed by its PID at the end. A benchmark: it asserts nothing.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = os.environ.get("BENCH_BASE")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "interop"))

from conftest import BIN  # noqa: E402
from users import throwaway_user  # noqa: E402
from test_pq_mlkem import Daemon  # noqa: E402

PEERS = os.path.abspath(os.path.join(ROOT, "..", "shared", "peers"))
OSSH = os.path.join(PEERS, "openssh-10")
UPSTREAM = os.path.join(PEERS, "dropbear-2026.94", "dropbearmulti")
DEB_DROPBEAR = "/usr/sbin/dropbear"
DEB_DBCLIENT = "/usr/bin/dbclient"
DEB_DROPBEARKEY = "/usr/bin/dropbearkey"
CIPHERS = [("chacha20-poly1305@openssh.com", None),
           ("aes128-gcm@openssh.com", None),
           ("aes256-gcm@openssh.com", None),
           ("aes128-ctr", "hmac-sha2-256-etm@openssh.com")]
SHORT = {"chacha20-poly1305@openssh.com": "chacha20-poly1305",
         "aes128-gcm@openssh.com": "aes128-gcm", "aes256-gcm@openssh.com": "aes256-gcm",
         "aes128-ctr": "aes128-ctr+hmac-sha2-256-etm"}


TICK = os.sysconf("SC_CLK_TCK")
REFS = [("openssh-10 pair", "/ossh10"), ("openssh-9.2 pair", "/ossh9.2"),
        ("dropbear-2026.94 pair", "/db2026"), ("dropbear-2022.83 pair", "/db2022")]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=300, **kw)


def cpu_hz():
    """The CPU clock in Hz, from /proc/cpuinfo's "cpu MHz" (x86 Linux has it); 1 GHz
    otherwise, which makes the cycles-per-byte columns nanoseconds per byte."""
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("cpu MHz"):
                    return float(ln.split(":")[1]) * 1e6
    except OSError:
        pass
    return 1e9


def tree_cpu(pid):
    """CPU seconds of a server: the listener, plus its reaped children (the connection
    processes and, through them, the commands they ran): utime+stime+cutime+cstime."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / TICK
    except OSError:
        return 0.0


def run_client(argv, env, stdin):
    """Runs a client to its end; (returncode, stderr tail, its CPU seconds: user+sys of
    it and whatever it reaped, from wait4)."""
    p = subprocess.Popen(argv, env=env, stdin=stdin, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, ru.ru_utime + ru.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("-s", "--size", type=int, default=128, help="MiB per transfer")
    ap.add_argument("--quick", action="store_true",
                    help="2 rounds of 64 MiB, download only, our server's pairs and "
                    "OpenSSH 10's (part of a one-minute run)")
    ap.add_argument("--only", default="", help="comma-separated pair names to run")
    ap.add_argument("--ciphers", default="", help="comma-separated short cipher names "
                    "(chacha20-poly1305, aes128-gcm, ...) to run")
    ap.add_argument("--dirs", default="", help="down, up or down,up")
    a = ap.parse_args()
    global CIPHERS
    if a.ciphers:
        CIPHERS = [c for c in CIPHERS if SHORT[c[0]] in a.ciphers.split(",")]
    if a.quick or os.environ.get("QUICK") == "1":
        # fewer pairs, not smaller transfers: below ~64 MiB the connect time (subtracted)
        # varies as much as the transfer takes
        a.rounds, a.size, dirs = 2, 64, ["down"]
        a.only = a.only or "ours+ours,ssh10->ours,openssh-10 pair,base+base,ssh10->base"
    else:
        dirs = ["down", "up"]
    if a.dirs:
        dirs = a.dirs.split(",")
    size = a.size << 20
    tmp = subprocess.run(["mktemp", "-d"], capture_output=True, text=True).stdout.strip()
    os.chmod(tmp, 0o755)
    servers = []
    sshkeygen = os.path.join(OSSH, "bin", "ssh-keygen")
    with throwaway_user() as u:
        okey = os.path.join(tmp, "id_ed25519")
        run([sshkeygen, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", okey])
        pubs = [open(okey + ".pub").read()]
        keys = {}
        keygens = [("ours", [BIN, "dropbearkey"]), ("upstream", [UPSTREAM, "dropbearkey"])]
        if os.path.exists(DEB_DROPBEARKEY):
            keygens.append(("debian", [DEB_DROPBEARKEY]))
        for name, kg in keygens:
            k = os.path.join(tmp, "id_db_" + name)
            run(kg + ["-t", "ed25519", "-f", k])
            out = run(kg + ["-y", "-f", k]).stdout.decode()
            pubs += [ln for ln in out.splitlines() if ln.startswith("ssh-ed25519 ")]
            keys[name] = k
        u.authorize(*pubs)
        hk = os.path.join(tmp, "host_ed25519")
        run([BIN, "dropbearkey", "-t", "ed25519", "-f", hk])
        ohk = os.path.join(tmp, "ohost_ed25519")
        run([sshkeygen, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", ohk])
        for d in ("/opt/openssh10/var/empty", "/run/sshd"):
            run(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", d])
        base_cfg = ("PidFile none\nListenAddress 127.0.0.1\nPasswordAuthentication no\n"
                    "KbdInteractiveAuthentication no\nLogLevel ERROR\n"
                    "Ciphers %s\n" % ",".join(c for c, _ in CIPHERS))
        cfg10 = os.path.join(tmp, "sshd10_config")
        with open(cfg10, "w") as f:
            f.write("SshdSessionPath %s/libexec/sshd-session\nSshdAuthPath %s/libexec/sshd-auth\n"
                    "PerSourcePenalties no\n%s" % (OSSH, OSSH, base_cfg))
        cfg92 = os.path.join(tmp, "sshd92_config")
        with open(cfg92, "w") as f:
            f.write("UsePAM no\n" + base_cfg)
        link = os.path.join(tmp, "dropbear")
        os.symlink(UPSTREAM, link)
        env = dict(os.environ, HOME=tmp)
        env.pop("SSH_AUTH_SOCK", None)
        dest = "%s@127.0.0.1" % u.name

        def openssh(ssh):
            def argv(port, cipher, mac, cmd):
                r = [ssh, "-F", "/dev/null", "-q", "-p", str(port), "-i", okey,
                     "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                     "-o", "UserKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
                     "-o", "Compression=no", "-c", cipher]
                if mac:
                    r += ["-m", mac]
                return r + [dest, cmd]
            return argv

        def dbclient(prog, key, etm=True):
            def argv(port, cipher, mac, cmd):
                if mac and not etm:
                    mac = mac.replace("-etm@openssh.com", "")
                r = prog + ["-y", "-y", "-i", key, "-p", str(port), "-c", cipher]
                if mac:
                    r += ["-m", mac]
                return r + [dest, cmd]
            return argv

        try:
            srv = {}
            srv["ours"] = Daemon(tmp, "ours").start(lambda p: [
                BIN, "dropbear", "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                "-P", os.path.join(tmp, "o.pid"), "-r", hk])
            srv["sshd10"] = Daemon(tmp, "sshd10").start(lambda p: [
                os.path.join(OSSH, "sbin", "sshd"), "-f", cfg10, "-D", "-e", "-p", str(p),
                "-h", ohk])
            srv["sshd92"] = Daemon(tmp, "sshd92").start(lambda p: [
                "/usr/sbin/sshd", "-f", cfg92, "-D", "-e", "-p", str(p), "-h", ohk])
            srv["upstream"] = Daemon(tmp, "upstream").start(lambda p: [
                link, "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                "-P", os.path.join(tmp, "u.pid"), "-r", hk])
            if os.path.exists(DEB_DROPBEAR):
                srv["debian"] = Daemon(tmp, "debdropbear").start(lambda p: [
                    DEB_DROPBEAR, "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                    "-P", os.path.join(tmp, "d.pid"), "-r", hk])
            if BASE:
                srv["base"] = Daemon(tmp, "base").start(lambda p: [
                    BASE, "dropbear", "-F", "-E", "-s", "-p", "127.0.0.1:%d" % p,
                    "-P", os.path.join(tmp, "b.pid"), "-r", hk])
            servers.extend(srv.values())
            ourcli = dbclient([os.path.join(os.path.dirname(BIN), "dbclient")], keys["ours"])
            # (name, client argv maker, server, dropbear-style cipher set)
            pairs = [("ours+ours", ourcli, "ours", False),
                     ("ssh10->ours", openssh(os.path.join(OSSH, "bin", "ssh")), "ours", False),
                     ("dbclient->sshd10", ourcli, "sshd10", False),
                     ("openssh-10 pair", openssh(os.path.join(OSSH, "bin", "ssh")), "sshd10",
                      False),
                     ("openssh-9.2 pair", openssh("/usr/bin/ssh"), "sshd92", False),
                     ("dropbear-2026.94 pair",
                      dbclient([UPSTREAM, "dbclient"], keys["upstream"], etm=False),
                      "upstream", True)]
            if "debian" in srv and os.path.exists(DEB_DBCLIENT):
                pairs.append(("dropbear-2022.83 pair",
                              dbclient([DEB_DBCLIENT], keys["debian"], etm=False), "debian",
                              True))
            if BASE:
                pairs += [("base+base", dbclient([BASE, "dbclient"], keys["ours"]), "base",
                           False),
                          ("ssh10->base", openssh(os.path.join(OSSH, "bin", "ssh")), "base",
                           False)]
            if a.only:
                keep = a.only.split(",")
                pairs = [p for p in pairs if p[0] in keep]
            results = {}   # (pair, cipher, dir) -> [seconds]
            connect = {}   # pair -> [seconds]
            failed = set()
            cycles = {}    # (pair, cipher, dir) -> [(server c/B, client c/B)]
            hz = cpu_hz()
            mb = size / 1e6
            for rnd in range(a.rounds):
                for pname, mk, sname, dropbear_set in pairs:
                    port = srv[sname].port
                    t = time.perf_counter()
                    r = run(mk(port, "chacha20-poly1305@openssh.com", None, "true"), env=env)
                    if r.returncode == 0:
                        connect.setdefault(pname, []).append(time.perf_counter() - t)
                    for cipher, mac in CIPHERS:
                        if dropbear_set and "gcm" in cipher:
                            continue
                        for d in dirs:
                            key = (pname, cipher, d)
                            if key in failed:
                                continue
                            s0 = tree_cpu(srv[sname].proc.pid)
                            if d == "down":
                                argv = mk(port, cipher, mac, "head -c %d /dev/zero" % size)
                                t = time.perf_counter()
                                rc, err, ccpu = run_client(argv, env, subprocess.DEVNULL)
                            else:
                                argv = mk(port, cipher, mac, "cat >/dev/null")
                                src = subprocess.Popen(["head", "-c", str(size), "/dev/zero"],
                                                       stdout=subprocess.PIPE)
                                t = time.perf_counter()
                                rc, err, ccpu = run_client(argv, env, src.stdout)
                                src.stdout.close()
                                src.wait()
                            dt = time.perf_counter() - t
                            if rc != 0:
                                failed.add(key)
                                print("FAILED %s %s %s: %s" % (pname, cipher, d,
                                                               err.decode()[-200:].strip()),
                                      file=sys.stderr)
                                continue
                            time.sleep(0.2)  # the listener reaps the connection process
                            scpu = tree_cpu(srv[sname].proc.pid) - s0
                            cycles.setdefault(key, []).append((scpu * hz / size,
                                                               ccpu * hz / size))
                            results.setdefault(key, []).append(dt)
                print("round %d/%d done" % (rnd + 1, a.rounds), file=sys.stderr)

            def mbps(key):
                ts = results.get(key)
                if not ts:
                    return None
                c = statistics.median(connect.get(key[0], [0.0]))
                return mb / max(statistics.median(ts) - c, 1e-6)

            def cpb(key, i):
                v = cycles.get(key)
                return statistics.median(x[i] for x in v) if v else None

            print("\nthroughput, MB/s (median of %d interleaved runs of %d MiB, connect time "
                  "subtracted), server and client CPU cycles per byte (utime+stime of each "
                  "side's processes, the command's included, x %.0f MHz); the ratios are "
                  "this row's throughput over each reference pair's" %
                  (a.rounds, a.size, hz / 1e6))
            refs = [r for r in REFS if any(p[0] == r[0] for p in pairs)]
            print("%-22s %-28s %-4s %8s %6s %6s" % ("pair", "cipher", "dir", "MB/s", "srvc/B",
                                                   "clic/B") +
                  "".join(" %8s" % r[1] for r in refs))
            table = []
            for d in dirs:
                for cipher, mac in CIPHERS:
                    refv = [mbps((r[0], cipher, d)) for r in refs]
                    for pname, _, _, dropbear_set in pairs:
                        key = (pname, cipher, d)
                        v = mbps(key)
                        name = SHORT[cipher]
                        if dropbear_set and mac:
                            name = "aes128-ctr+hmac-sha2-256 *"
                        row = {"pair": pname, "cipher": name, "dir": d, "mbps": v,
                               "srv_cpb": cpb(key, 0), "cli_cpb": cpb(key, 1),
                               "ratios": {r[1]: (v / rv if v and rv else None)
                                          for r, rv in zip(refs, refv)}}
                        table.append(row)
                        if v is None:
                            print("%-22s %-28s %-4s %8s" % (pname, name, d, "n/a"))
                            continue
                        print("%-22s %-28s %-4s %8.1f %6.2f %6.2f" % (
                            pname, name, d, v, row["srv_cpb"], row["cli_cpb"]) +
                            "".join(" %8s" % ("%.2f" % (v / rv) if rv else "-")
                                    for rv in refv))
                    print()
            # server cycles/byte against OpenSSH 10's server, same client where we can
            print("server cycles/byte over OpenSSH 10's pair's (same cipher and direction):")
            for d in dirs:
                for cipher, mac in CIPHERS:
                    ref = cpb(("openssh-10 pair", cipher, d), 0)
                    for pname in ("ours+ours", "ssh10->ours"):
                        v = cpb((pname, cipher, d), 0)
                        if v and ref:
                            print("  %-14s %-28s %-4s %5.2f" % (pname, SHORT[cipher], d,
                                                                v / ref))
            if BASE:
                print("ours over BENCH_BASE (%s), same rounds: throughput, server cycles/byte"
                      % BASE)
                for d in dirs:
                    for cipher, mac in CIPHERS:
                        for o, b in (("ours+ours", "base+base"), ("ssh10->ours", "ssh10->base")):
                            vo, vb = mbps((o, cipher, d)), mbps((b, cipher, d))
                            co, cb = cpb((o, cipher, d), 0), cpb((b, cipher, d), 0)
                            if vo and vb and co and cb:
                                print("  %-14s %-28s %-4s %5.2f %5.2f" % (
                                    o, SHORT[cipher], d, vo / vb, co / cb))
            out = os.environ.get("BENCH_JSON")
            if out:
                with open(out, "w") as f:
                    json.dump({"size_mib": a.size, "rounds": a.rounds, "mhz": hz / 1e6,
                               "rows": table,
                               "connect_ms": {p: statistics.median(v) * 1e3
                                              for p, v in connect.items()}}, f, indent=1)
            print("connect time, median ms: " + ", ".join(
                "%s %.0f" % (p, statistics.median(v) * 1e3) for p, v in connect.items()))
            print("binary sizes: " + ", ".join("%s %d" % (n, os.path.getsize(p)) for n, p in [
                ("ours", BIN), ("ours static",
                                os.path.join(ROOT, "build", "static", "dropbearmulti")),
                ("dropbear-2026.94", UPSTREAM)] if os.path.exists(p)))
        finally:
            for s in servers:
                s.stop()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
