#!/usr/bin/python3
"""Daemon idle RSS and RSS per idle authenticated session (N sessions, all the server's
processes summed, the user's commands not counted) for our binary and references, with
OpenSSH's ssh as the client; prints medians of RUNS interleaved runs and the ratios of
ours to each reference.

    tests/bench/memory.py [OURS [REFERENCE...]]      (root: makes a throwaway user)

Without arguments it runs both pairs issue 11 names: build/static/dropbearmulti against
../shared/peers/dropbear-2026.94/dropbearmulti, and build/dropbearmulti (dynamic) against
Debian's /usr/sbin/dropbear (dropbear-bin, run by path). N and RUNS come from the
environment (QUICK=1: N=3, RUNS=1), and BENCH_JSON names a file for the figures. Per
session: the RSS, private memory and PSS of every server process but the listener, over N
(a process the listener keeps at idle would count here too), and their number; the host
key is one ed25519 key in Dropbear's format for all."""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUICK = os.environ.get("QUICK") == "1"
N = int(os.environ.get("N", "3" if QUICK else "10"))
RUNS = int(os.environ.get("RUNS", "1" if QUICK else "3"))


def mem(pid):
    """(RSS, private, PSS) of a process in bytes, from smaps_rollup."""
    rss = priv = pss = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for ln in f:
            k, _, v = ln.partition(":")
            if k == "Rss":
                rss = int(v.split()[0]) * 1024
            elif k == "Pss":
                pss = int(v.split()[0]) * 1024
            elif k in ("Private_Clean", "Private_Dirty"):
                priv += int(v.split()[0]) * 1024
    return rss, priv, pss


def server_pids(root_pid, exe):
    """The daemon and its descendants that run the server binary itself."""
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root_pid]
    while todo:
        p = todo.pop()
        try:
            if os.path.realpath("/proc/%d/exe" % p) == exe:
                out.append(p)
        except OSError:
            pass
        todo += kids.get(p, [])
    return out


def total(root_pid, exe, with_daemon):
    """RSS and private bytes summed over the server's processes, and their number: with
    the daemon, or only its children (the sessions; the daemon's pages they share after
    fork count in their RSS, not in their private memory)."""
    pids = [p for p in server_pids(root_pid, exe) if with_daemon or p != root_pid]
    ms = [mem(p) for p in pids]
    return sum(m[0] for m in ms), sum(m[1] for m in ms), len(pids), sum(m[2] for m in ms)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def measure(binary, work, user, ukey):
    exe = os.path.realpath(binary)
    d = tempfile.mkdtemp(dir=work)
    link = os.path.join(d, "dropbear")
    os.symlink(exe, link)
    hk = os.path.join(d, "hk")
    # a multi-call binary makes its own key; Debian's dropbear has dropbearkey beside it
    keygen = [exe, "dropbearkey"] if exe.endswith("multi") else ["/usr/bin/dropbearkey"]
    subprocess.run(keygen + ["-t", "ed25519", "-f", hk], check=True, capture_output=True)
    port = free_port()
    log = open(os.path.join(d, "log"), "wb")
    srv = subprocess.Popen([link, "-F", "-E", "-p", "127.0.0.1:%d" % port, "-r", hk],
                           stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                           start_new_session=True)
    clients = []
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.5)
        idle = total(srv.pid, exe, True)
        for _ in range(N):
            clients.append(subprocess.Popen(
                ["ssh", "-F", "/dev/null", "-i", ukey, "-o", "IdentitiesOnly=yes",
                 "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                 "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                 "-p", str(port), "%s@127.0.0.1" % user, "echo up; exec sleep 300"],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL))
            # one at a time: servers bound unauthenticated connections per address
            if clients[-1].stdout.readline().strip() != b"up":
                raise SystemExit("a session did not start with %s:\n%s" %
                                 (binary, open(os.path.join(d, "log")).read()))
        time.sleep(1.0)
        busy = total(srv.pid, exe, False)
    finally:
        for c in clients:
            c.kill()
            c.wait()
        os.killpg(srv.pid, 9)
        srv.wait()
        log.close()
    return {"idle_rss": idle[0], "idle_priv": idle[1],
            "sess_rss": busy[0] / N, "sess_priv": busy[1] / N, "procs_per_sess": busy[2] / N,
            "sess_pss": busy[3] / N}


def main():
    peer = os.path.abspath(os.path.join(ROOT, "..", "shared", "peers", "dropbear-2026.94",
                                        "dropbearmulti"))
    if len(sys.argv) > 1:
        ours = os.path.abspath(sys.argv[1])
        pairs = [(ours, os.path.abspath(r)) for r in sys.argv[2:] or [peer]]
    else:
        pairs = [(os.path.join(ROOT, "build", "static", "dropbearmulti"), peer),
                 (os.path.join(ROOT, "build", "dropbearmulti"), "/usr/sbin/dropbear")]
        pairs = [p for p in pairs if os.path.exists(p[0]) and os.path.exists(p[1])]
        if not pairs:
            raise SystemExit("no binaries to compare (make, make STATIC=1; dropbear-bin)")
    bins = []
    for p in pairs:
        bins += [b for b in p if b not in bins]
    work = tempfile.mkdtemp(prefix="dbbench-")
    os.chmod(work, 0o755)
    user = "dbbm%d" % (os.getpid() % 100000)
    home = os.path.join(work, user)
    subprocess.run(["useradd", "-m", "-d", home, "-s", "/bin/sh", user], check=True)
    try:
        subprocess.run(["usermod", "-p", "*", user], check=True)  # not locked, no password
        ukey = os.path.join(work, "uk")
        subprocess.run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", ukey],
                       check=True)
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700)
        shutil.copy(ukey + ".pub", os.path.join(home, ".ssh", "authorized_keys"))
        subprocess.run(["chown", "-R", user, os.path.join(home, ".ssh")], check=True)
        res = {b: [] for b in bins}
        for _ in range(RUNS):  # interleaved
            for b in bins:
                res[b].append(measure(b, work, user, ukey))
    finally:
        subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        subprocess.run(["userdel", "-r", "-f", user], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    med = {b: {k: statistics.median(r[k] for r in res[b]) for k in res[b][0]} for b in res}
    print("memory, medians of %d runs, N=%d sessions (ssh ... sleep), kB" % (RUNS, N))
    print("%-26s %10s %9s %9s %9s %9s %9s %10s" % ("", "size", "idle RSS", "idle priv",
                                                   "RSS/sess", "priv/sess", "PSS/sess",
                                                   "procs/sess"))
    for b in bins:
        m = med[b]
        print("%-26s %10d %9.0f %9.0f %9.0f %9.0f %9.0f %10.1f" % (
            name_of(b), os.path.getsize(b), m["idle_rss"] / 1024, m["idle_priv"] / 1024,
            m["sess_rss"] / 1024, m["sess_priv"] / 1024, m["sess_pss"] / 1024,
            m["procs_per_sess"]))
    for ours, ref in pairs:
        a, r = med[ours], med[ref]
        print("%-26s %10.2f %9.2f %9.2f %9.2f %9.2f %9.2f" % (
            name_of(ours) + " / " + name_of(ref), os.path.getsize(ours) / os.path.getsize(ref),
            a["idle_rss"] / r["idle_rss"], a["idle_priv"] / r["idle_priv"],
            a["sess_rss"] / r["sess_rss"], a["sess_priv"] / r["sess_priv"],
            a["sess_pss"] / r["sess_pss"]))
    for b in bins:
        print("%s: %s" % (name_of(b), b))
    out = os.environ.get("BENCH_JSON")
    if out:
        with open(out, "w") as f:
            json.dump({"n": N, "runs": RUNS, "rows": [dict(med[b], name=name_of(b), path=b,
                                                           size=os.path.getsize(b))
                                                      for b in bins]}, f, indent=1)


def name_of(b):
    if b.startswith(ROOT):
        return "ours" + (" (static)" if "/static/" in b else " (dynamic)")
    if "dropbear-2026.94" in b:
        return "dropbear-2026.94"
    if b.startswith("/usr/"):
        return "dropbear-2022.83 (Debian)"
    return os.path.basename(b)


if __name__ == "__main__":
    main()
