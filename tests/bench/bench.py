#!/usr/bin/python3
"""make bench: every benchmark in one run, then one summary and a plot.

    sudo /usr/bin/python3 tests/bench/bench.py        (QUICK=1: under a minute)

1. Installs what it needs and is missing on a Debian machine (apt-get): OpenSSH's
   client and server (9.2 in bookworm) and dropbear-bin (2022.83); they are run by path
   on loopback ports, never as a service. ../shared/peers holds OpenSSH 10 and Dropbear
   2026.94 (not packaged).
2. throughput.py: MB/s per pair, cipher and direction, server and client cycles per byte.
3. kex.py: connect latency (median, p90), server and client CPU per connection.
4. memory.py: binary size, daemon idle RSS and private memory, RSS, private memory and
   processes per session: our static build next to Dropbear 2026.94 (static musl too),
   our dynamic build next to Debian's dynamic Dropbear 2022.83.
5. The goals' ratios in one table, build/bench/bench.svg: throughput per cipher and
   pair, memory per implementation (an SVG written here, no plotting library), and
   build/bench/report.md: every table of the run in Markdown (what README quotes).

The raw figures are in build/bench/*.json. Benchmarks assert nothing.
"""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "build", "bench")
PY = "/usr/bin/python3"
QUICK = os.environ.get("QUICK") == "1"
UPSTREAM = os.path.abspath(os.path.join(ROOT, "..", "shared", "peers", "dropbear-2026.94",
                                        "dropbearmulti"))
DEB_DROPBEAR = "/usr/sbin/dropbear"

# file that must exist -> Debian package that has it
NEEDS = [("/usr/bin/ssh", "openssh-client"), ("/usr/bin/ssh-keygen", "openssh-client"),
         ("/usr/sbin/sshd", "openssh-server"), ("/usr/sbin/dropbear", "dropbear-bin"),
         ("/usr/bin/dbclient", "dropbear-bin"), ("/usr/sbin/useradd", "passwd")]


def ensure_deps():
    missing = sorted({pkg for path, pkg in NEEDS if not os.path.exists(path)})
    if not missing:
        return
    print("installing %s (apt-get)" % " ".join(missing), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends"] + missing,
                   env=env, check=False)


def run_part(script, json_name, args=()):
    path = os.path.join(OUT, json_name)
    if os.path.exists(path):
        os.unlink(path)
    env = dict(os.environ, BENCH_JSON=path)
    t = time.time()
    subprocess.run([PY, os.path.join(HERE, script)] + list(args), env=env, check=False)
    print("(%s: %.0f s)\n" % (script, time.time() - t), flush=True)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def find(rows, **kw):
    for r in rows:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def fmt(x):
    return "%.2f" % x if x is not None else "n/a"


def summary(tp, kx, mem):
    """The goals of issue 12, each as a measured ratio."""
    lines = []
    if tp:
        rows = tp["rows"]
        for d in ("down", "up"):
            for c in ("chacha20-poly1305", "aes128-gcm", "aes128-ctr+hmac-sha2-256-etm"):
                ref = find(rows, pair="openssh-10 pair", cipher=c, dir=d)
                if not ref or ref["mbps"] is None:
                    continue
                for pair in ("ours+ours", "ssh10->ours"):
                    r = find(rows, pair=pair, cipher=c, dir=d)
                    if not r or r["mbps"] is None:
                        continue
                    lines.append(("throughput %s %s %s / openssh-10 pair" % (pair, c, d),
                                  r["mbps"] / ref["mbps"], ">= 1.0"))
                    if r["srv_cpb"] and ref["srv_cpb"]:
                        lines.append(("server cycles/byte %s %s %s / openssh-10 pair" %
                                      (pair, c, d), r["srv_cpb"] / ref["srv_cpb"], "<= 1.0"))
    if kx:
        rows = kx["rows"]

        def lat(client, server, kex):
            r = find(rows, client=client, server=server, kex=kex)
            return r["median_ms"] if r else None

        c = "curve25519-sha256"
        ours = lat("our dbclient", "ours", c)
        for label, ref, goal in (
                ("ours+ours c25519 / dropbear-2026.94 pair (its default kex, sntrup761)",
                 lat("upstream dbclient", "upstream dropbear",
                     "default (sntrup761x25519-sha512)"), "<= 0.7"),
                ("ours+ours c25519 / dropbear-2022.83 pair (c25519)",
                 lat("debian dbclient", "debian dropbear", "default (curve25519-sha256)"),
                 "<= 0.8")):
            if ours and ref:
                lines.append(("connect " + label, ours / ref, goal))
        a = lat("our dbclient", "ours", "sntrup761x25519-sha512")
        b = lat("upstream dbclient", "upstream dropbear", "default (sntrup761x25519-sha512)")
        if a and b:
            lines.append(("connect ours+ours sntrup761 / dropbear-2026.94 pair (same kex)",
                          a / b, "<= 0.7"))
        a = lat("openssh-10 ssh", "ours", c)
        b = lat("openssh-10 ssh", "upstream dropbear", c)
        if a and b:
            lines.append(("connect ssh10->ours / ssh10->dropbear-2026.94 (c25519)", a / b,
                          "<= 0.8"))
        # the same with our static musl build (kex.py's "ours static" rows, when built)
        st = lat("our static dbclient", "ours static", c)
        for label, ref, goal in (
                ("ours+ours static c25519 / dropbear-2026.94 pair (its default kex)",
                 lat("upstream dbclient", "upstream dropbear",
                     "default (sntrup761x25519-sha512)"), "<= 0.7"),
                ("ours+ours static c25519 / dropbear-2022.83 pair (c25519)",
                 lat("debian dbclient", "debian dropbear", "default (curve25519-sha256)"),
                 "<= 0.8")):
            if st and ref:
                lines.append(("connect " + label, st / ref, goal))
        a = lat("openssh-10 ssh", "ours static", c)
        if a and b:
            lines.append(("connect ssh10->ours static / ssh10->dropbear-2026.94 (c25519)",
                          a / b, "<= 0.8"))
    if mem:
        rows = {r["name"]: r for r in mem["rows"]}
        for o, r in (("ours (static)", "dropbear-2026.94"),
                     ("ours (dynamic)", "dropbear-2022.83 (Debian)")):
            if o not in rows or r not in rows:
                continue
            for k, label in (("idle_rss", "idle RSS"), ("sess_rss", "RSS per session")):
                if rows[r][k]:
                    lines.append(("memory %s %s / %s" % (o, label, r),
                                  rows[o][k] / rows[r][k], "<= 0.8 (issue 11)"))
    print("=" * 100)
    print("goals of issue 12, measured in this run (ratios)")
    print("%-78s %6s  %s" % ("", "ratio", "goal"))
    for label, v, goal in lines:
        print("%-78s %6s  %s" % (label, fmt(v), goal))
    return lines


# ---------------------------------------------------------------- SVG

COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
          "#7f7f7f"]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bars(title, groups, series, values, unit, x0, y0, w):
    """A grouped horizontal bar chart at (x0, y0): values[(group, series)] -> number.
    Returns (svg elements, height)."""
    out = ['<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>' %
           (x0, y0 + 16, esc(title))]
    vmax = max([v for v in values.values() if v] or [1])
    label_w, bar_h, gap = 210, 12, 10
    y = y0 + 30
    for g in groups:
        present = [s for s in series if values.get((g, s))]
        if not present:
            continue
        out.append('<text x="%d" y="%d" font-size="12" font-weight="bold">%s</text>' %
                   (x0, y + 10, esc(g)))
        y += 14
        for s in present:
            v = values[(g, s)]
            bw = (w - label_w - 70) * v / vmax
            col = COLORS[series.index(s) % len(COLORS)]
            out.append('<text x="%d" y="%d" font-size="11" text-anchor="end">%s</text>' %
                       (x0 + label_w - 6, y + 10, esc(s)))
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' %
                       (x0 + label_w, y, bw, bar_h, col))
            out.append('<text x="%.1f" y="%d" font-size="11">%.0f %s</text>' %
                       (x0 + label_w + bw + 4, y + 10, v, unit))
            y += bar_h + 2
        y += gap
    return out, y - y0


def write_svg(tp, mem, path):
    w = 760
    parts, y = [], 10
    if tp:
        for d in ("down", "up"):
            rows = [r for r in tp["rows"] if r["dir"] == d]
            if not rows:
                continue
            groups = []
            series = []
            vals = {}
            for r in rows:
                if r["cipher"] not in groups:
                    groups.append(r["cipher"])
                if r["pair"] not in series:
                    series.append(r["pair"])
                vals[(r["cipher"], r["pair"])] = r["mbps"]
            el, h = bars("Bulk throughput, %s (MB/s, %d MiB, median of %d runs)" % (
                {"down": "server to client", "up": "client to server"}[d], tp["size_mib"],
                tp["rounds"]), groups, series, vals, "MB/s", 10, y, w)
            parts += el
            y += h + 10
    if mem:
        groups = ["daemon idle RSS", "RSS per session", "private memory per session"]
        series = [r["name"] for r in mem["rows"]]
        vals = {}
        for r in mem["rows"]:
            vals[("daemon idle RSS", r["name"])] = r["idle_rss"] / 1024
            vals[("RSS per session", r["name"])] = r["sess_rss"] / 1024
            vals[("private memory per session", r["name"])] = r["sess_priv"] / 1024
        el, h = bars("Memory (kB, N=%d sessions, median of %d runs)" % (mem["n"], mem["runs"]),
                     groups, series, vals, "kB", 10, y, w)
        parts += el
        y += h + 10
    with open(path, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
                'font-family="sans-serif">\n<rect width="100%%" height="100%%" fill="white"/>\n'
                % (w, y + 10))
        f.write("\n".join(parts))
        f.write("\n</svg>\n")


def main():
    if os.geteuid() != 0:
        sys.exit("make bench needs root (throwaway users, sshd's privsep directory)")
    t0 = time.time()
    ensure_deps()
    os.makedirs(OUT, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print("machine: %s, %d CPUs; %s" % (cpu_model(), os.cpu_count(), started), flush=True)
    tp = run_part("throughput.py", "throughput.json")
    kx = run_part("kex.py", "kex.json")
    # memory.py's own pairs (issue 11's): our static build against Dropbear 2026.94 (a
    # static musl binary too), our dynamic build against Debian's dynamic 2022.83
    mem = run_part("memory.py", "memory.json")
    goals = summary(tp, kx, mem)
    svg = os.path.join(OUT, "bench.svg")
    write_svg(tp, mem, svg)
    md = os.path.join(OUT, "report.md")
    write_markdown(tp, kx, mem, goals, md, "`make bench`%s, %s, on %s (%d CPUs)." % (
        " (QUICK=1)" if QUICK else "", started, cpu_model(), os.cpu_count()))
    print("\nplot: %s\ntables (Markdown): %s\nraw figures: %s/*.json\nbench took %.0f s" % (
        svg, md, OUT, time.time() - t0))


def write_markdown(tp, kx, mem, goals, path, header):
    """The run as Markdown tables (build/bench/report.md): what README's Performance
    section quotes."""
    out = [header, ""]
    if goals:
        out += ["| goal | ratio | target |", "| --- | --- | --- |"]
        out += ["| %s | %s | %s |" % (label, fmt(v), goal) for label, v, goal in goals]
        out.append("")
    if tp:
        pairs = []
        for r in tp["rows"]:
            if r["pair"] not in pairs:
                pairs.append(r["pair"])
        ciphers = []
        for r in tp["rows"]:
            if r["cipher"] not in ciphers:
                ciphers.append(r["cipher"])
        for d, title in (("down", "download (server to client)"),
                         ("up", "upload (client to server)")):
            rows = [r for r in tp["rows"] if r["dir"] == d]
            if not rows:
                continue
            out.append("%s, MB/s (ratio to OpenSSH 10's pair), server / client cycles per "
                       "byte; median of %d runs of %d MiB:" % (title, tp["rounds"],
                                                                 tp["size_mib"]))
            out.append("")
            out.append("| cipher | " + " | ".join(pairs) + " |")
            out.append("| --- |" + " --- |" * len(pairs))
            for c in ciphers:
                cells = []
                for pr in pairs:
                    r = find(rows, pair=pr, cipher=c)
                    if not r or r["mbps"] is None:
                        cells.append("n/a")
                        continue
                    ratio = r["ratios"].get("/ossh10")
                    cells.append("%.0f (%s) %s / %s" % (
                        r["mbps"], fmt(ratio), "%.1f" % r["srv_cpb"] if r["srv_cpb"] else "-",
                        "%.1f" % r["cli_cpb"] if r["cli_cpb"] else "-"))
                if any(x != "n/a" for x in cells):
                    out.append("| %s | %s |" % (c, " | ".join(cells)))
            out.append("")
    if kx:
        out.append("connect latency (key exchange, public-key login, `true`), %s "
                   "connections per row:" % kx.get("n", "?"))
        out.append("")
        out += ["| client | server | kex | median ms | p90 ms | server CPU ms | client CPU ms |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in kx["rows"]:
            out.append("| %s | %s | %s | %.1f | %.1f | %.1f | %.1f |" % (
                r["client"], r["server"], r["kex"], r["median_ms"], r["p90_ms"],
                r["srv_cpu_ms"], r["cli_cpu_ms"]))
        out.append("")
    if mem:
        out.append("memory, N=%d idle sessions (OpenSSH's ssh), median of %d runs, kB:" %
                   (mem["n"], mem["runs"]))
        out.append("")
        out += ["| | size (bytes) | idle RSS | idle private | RSS / session | "
                "private / session | processes / session |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in mem["rows"]:
            out.append("| %s | %d | %.0f | %.0f | %.0f | %.0f | %.1f |" % (
                r["name"], r["size"], r["idle_rss"] / 1024, r["idle_priv"] / 1024,
                r["sess_rss"] / 1024, r["sess_priv"] / 1024, r["procs_per_sess"]))
        out.append("")
    with open(path, "w") as f:
        f.write("\n".join(out))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    return ln.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    main()
