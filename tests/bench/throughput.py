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
(when installed). Ciphers: chacha20-poly1305@openssh.com, aes128-gcm@openssh.com,
aes256-gcm@openssh.com, aes128-ctr with hmac-sha2-256-etm@openssh.com. Dropbear has no
GCM and no -etm MACs: its aes128-ctr row uses hmac-sha2-256 (marked *), its GCM rows are
n/a. Needs root (a throwaway user; the sshd privsep directories). Only 127.0.0.1, free
ports, every server killed by its PID at the end. A benchmark: it asserts nothing.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
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


def run(args, **kw):
    return subprocess.run(args, capture_output=True, timeout=300, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("-s", "--size", type=int, default=128, help="MiB per transfer")
    ap.add_argument("--quick", action="store_true",
                    help="3 rounds of 16 MiB, download only (under a minute)")
    ap.add_argument("--only", default="", help="comma-separated pair names to run")
    a = ap.parse_args()
    if a.quick or os.environ.get("QUICK") == "1":
        a.rounds, a.size, dirs = 3, 16, ["down"]
    else:
        dirs = ["down", "up"]
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
            if a.only:
                keep = a.only.split(",")
                pairs = [p for p in pairs if p[0] in keep]
            results = {}   # (pair, cipher, dir) -> [seconds]
            connect = {}   # pair -> [seconds]
            failed = set()
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
                            if d == "down":
                                argv = mk(port, cipher, mac, "head -c %d /dev/zero" % size)
                                t = time.perf_counter()
                                r = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
                                                   stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.PIPE, timeout=600)
                            else:
                                argv = mk(port, cipher, mac, "cat >/dev/null")
                                src = subprocess.Popen(["head", "-c", str(size), "/dev/zero"],
                                                       stdout=subprocess.PIPE)
                                t = time.perf_counter()
                                r = subprocess.run(argv, env=env, stdin=src.stdout,
                                                   stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.PIPE, timeout=600)
                                src.stdout.close()
                                src.wait()
                            dt = time.perf_counter() - t
                            if r.returncode != 0:
                                failed.add(key)
                                print("FAILED %s %s %s: %s" % (pname, cipher, d,
                                                               r.stderr.decode()[-200:].strip()),
                                      file=sys.stderr)
                                continue
                            results.setdefault(key, []).append(dt)
                print("round %d/%d done" % (rnd + 1, a.rounds), file=sys.stderr)

            def mbps(key):
                ts = results.get(key)
                if not ts:
                    return None
                c = statistics.median(connect.get(key[0], [0.0]))
                return mb / max(statistics.median(ts) - c, 1e-6)

            print("\nthroughput, MB/s (median of %d interleaved runs of %d MiB, connect time "
                  "subtracted); ratios to OpenSSH 10's and OpenSSH 9.2's pairs" %
                  (a.rounds, a.size))
            print("%-22s %-30s %-4s %8s %8s %8s" % ("pair", "cipher", "dir", "MB/s",
                                                    "/ossh10", "/ossh9.2"))
            for d in dirs:
                for cipher, mac in CIPHERS:
                    ref10 = mbps(("openssh-10 pair", cipher, d))
                    ref92 = mbps(("openssh-9.2 pair", cipher, d))
                    for pname, _, _, dropbear_set in pairs:
                        v = mbps((pname, cipher, d))
                        name = SHORT[cipher]
                        if dropbear_set and mac:
                            name = "aes128-ctr+hmac-sha2-256 *"
                        if v is None:
                            print("%-22s %-30s %-4s %8s" % (pname, name, d, "n/a"))
                            continue
                        print("%-22s %-30s %-4s %8.1f %8s %8s" % (
                            pname, name, d, v, "%.2f" % (v / ref10) if ref10 else "-",
                            "%.2f" % (v / ref92) if ref92 else "-"))
                    print()
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
