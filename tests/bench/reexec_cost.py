#!/usr/bin/python3
"""What re-executing per connection (DB_REEXEC) costs: the handshake latency (connect
to NEWKEYS both ways, rawssh's curve25519 + ed25519) and the memory of one idle
pre-auth connection process, for two builds side by side in one run, interleaved.

    tests/bench/reexec_cost.py BIN_REEXEC BIN_FORK HOSTKEY [N]

Servers run on 127.0.0.1 free ports and are killed by PID at the end.
"""
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "interop"))
import rawssh  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start(binary, key, d):
    port = free_port()
    log = open(os.path.join(d, "log%d" % port), "wb")
    p = subprocess.Popen([binary, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port,
                          "-P", os.path.join(d, "pid%d" % port), "-r", key],
                         stdout=log, stderr=log, start_new_session=True)
    end = time.time() + 10
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("server %s did not start" % binary)


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(x) for x in f.read().split()]


def mem_kb(pid):
    """(VmRSS, Pss) of a process in KB."""
    rss = pss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    return rss, pss


def main():
    rx, fk, key = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    d = tempfile.mkdtemp(prefix="reexec-bench-")
    servers = {name: start(b, key, d) for name, b in (("reexec", rx), ("fork", fk))}
    times = {name: [] for name in servers}
    mem = {name: [] for name in servers}
    try:
        for i in range(n):
            for name, (proc, port) in servers.items():
                t0 = time.perf_counter()
                c = rawssh.RawClient(port)
                c.handshake()
                times[name].append(time.perf_counter() - t0)
                if i % 10 == 0:
                    kids = children(proc.pid)
                    mem[name].append(mem_kb(kids[0]))
                c.close()
                end = time.time() + 5
                while children(proc.pid) and time.time() < end:
                    time.sleep(0.002)
        for name in servers:
            t = sorted(times[name])
            print("%-7s handshake median %.2f ms, p90 %.2f ms; connection process "
                  "VmRSS %d KB, Pss %d KB" %
                  (name, 1000 * statistics.median(t), 1000 * t[int(len(t) * 0.9)],
                   statistics.median(m[0] for m in mem[name]),
                   statistics.median(m[1] for m in mem[name])))
        print("ratio reexec/fork: latency %.2f" %
              (statistics.median(times["reexec"]) / statistics.median(times["fork"])))
    finally:
        for proc, _ in servers.values():
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
