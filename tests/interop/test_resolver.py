"""Host names through the binary's resolver: the static build's own stub resolver
(common/dns.c, DB_OWN_RESOLVER) and the dynamic build's getaddrinfo alike.

"localhost" for dbclient's host, -L's listen address and target (resolved by our server)
and -R's target (resolved by dbclient). Names from /etc/hosts and from DNS run the
binary under `unshare --mount` with a hosts file and a resolv.conf of the test's own
bind-mounted over /etc/hosts and /etc/resolv.conf (the machine's files are never
touched); the DNS server is a fake one in this process on 127.1.2.53:53, answering
A 127.0.0.1 for "sshd.dbtest" and NXDOMAIN for the rest, logging every question.
"""
import os
import re
import socket
import struct
import subprocess
import threading

import pytest

from conftest import Server, free_port
from fwdhelpers import echo, env, listening, roundtrip, wait_for  # noqa: F401
from test_forward_client import crig  # noqa: F401
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(),
                                reason="needs root (throwaway users, mount namespaces)")

DNS_ADDR = "127.1.2.53"
MOUNTS = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && ' \
         'shift 2 && exec "$@"'


def can_unshare():
    r = subprocess.run(["unshare", "--mount", "true"], capture_output=True, timeout=30)
    return r.returncode == 0


class FakeDns:
    """A UDP DNS server: A 127.0.0.1 for sshd.dbtest, no AAAA, NXDOMAIN for the rest."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((DNS_ADDR, 53))
        self.sock.settimeout(0.2)
        self.questions = []
        self.done = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done:
            try:
                m, peer = self.sock.recvfrom(600)
            except socket.timeout:
                continue
            except OSError:
                return
            r = self.answer(m)
            if r:
                self.sock.sendto(r, peer)

    def answer(self, m):
        if len(m) < 17:
            return None
        labels, p = [], 12
        while p < len(m) and m[p] and m[p] < 64:
            labels.append(m[p + 1:p + 1 + m[p]].decode("ascii", "replace"))
            p += 1 + m[p]
        if p + 5 > len(m):
            return None
        qtype = struct.unpack(">H", m[p + 1:p + 3])[0]
        name = ".".join(labels).lower()
        self.questions.append((name, qtype))
        q = m[12:p + 5]
        ours = name == "sshd.dbtest"
        flags = 0x8180 if ours else 0x8183
        an = b""
        if ours and qtype == 1:
            an = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([127, 0, 0, 1])
        return m[:2] + struct.pack(">HHHHH", flags, 1, 1 if an else 0, 0, 0) + q + an

    def stop(self):
        self.done = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def names(tmp_path):
    """A hosts file and a resolv.conf for the namespace, and the fake DNS server."""
    if not can_unshare():
        pytest.skip("unshare --mount not available")
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n# 10.0.0.1 dbtest-hosts\n"
                     "127.0.0.1\tdbtest-hosts.example   DBTEST-Alias  # ours\n")
    conf = tmp_path / "resolv.conf"
    conf.write_text("nameserver %s\nsearch dbtest\noptions timeout:5 attempts:2\n" % DNS_ADDR)
    try:
        dns = FakeDns()
    except OSError as e:
        pytest.skip("cannot bind %s:53: %s" % (DNS_ADDR, e))
    yield {"wrap": ["unshare", "--mount", "sh", "-c", MOUNTS, "sh", str(hosts), str(conf)],
           "dns": dns}
    dns.stop()


def trust(crig, name, port, hostline):
    with open(crig.kh, "a") as f:
        f.write("[%s]:%d %s\n" % (name, port, hostline))


def run_named(crig, wrap, opts, host, port, command):
    dest = "%s@%s/%d" % (crig.env["user"].name, host, port)
    r = subprocess.run(wrap + crig.args(opts, dest, command), capture_output=True,
                       timeout=60, env=crig.env_vars())
    r.err = r.stderr.decode("utf-8", "replace")
    return r


def test_client_connects_to_localhost(crig):
    s = crig.sshd()
    trust(crig, "localhost", s.port, s.hostline)
    r = run_named(crig, [], [], "localhost", s.port, "echo by-name")
    assert r.returncode == 0 and r.stdout == b"by-name\n", r.err


def test_forwarding_localhost(crig, echo):
    """-L localhost:P:localhost:E through our server (the target resolved there), -R
    P:localhost:E (the target resolved by dbclient)."""
    e = echo()
    d = crig.dropbear()
    lport, rport = free_port(), free_port()
    p = crig.bg(["-L", "localhost:%d:localhost:%d" % (lport, e.port)], crig.dest(d))
    assert wait_for(lambda: listening(lport) or p.proc.poll() is not None, timeout=20)
    assert listening(lport) and set(listening(lport)) <= {"127.0.0.1", "::1"}, p.log()
    assert roundtrip(lport, b"L by name\n") == b"L by name\n", p.log()[-2000:]
    assert re.search(r"direct-tcpip to localhost:%d from" % e.port, d.log()), d.log()[-2000:]
    q = crig.bg(["-R", "%d:localhost:%d" % (rport, e.port)], crig.dest(d))
    assert wait_for(lambda: listening(rport) or q.proc.poll() is not None, timeout=20)
    assert roundtrip(rport, b"R by name\n") == b"R by name\n", q.log()[-2000:]


def test_hosts_file_names(crig, echo, names):
    """Names and aliases of /etc/hosts, in any case, for dbclient's host, a -R target
    (dbclient) and a -L target (our server, under the same namespace); never asked of
    DNS."""
    e = echo()
    s = crig.sshd()
    trust(crig, "dbtest-alias", s.port, s.hostline)
    r = run_named(crig, names["wrap"], [], "dbtest-alias", s.port, "echo hosts")
    assert r.returncode == 0 and r.stdout == b"hosts\n", r.err
    d = Server(os.path.join(crig.tmp, "named-dropbear"), [crig.env["hostkey"]],
               wrap=names["wrap"])
    os.makedirs(d.dir, exist_ok=True)
    d.start()
    crig.sshds.append(d)
    trust(crig, "127.0.0.1", d.port, crig.env["hostline"])
    lport, rport = free_port(), free_port()
    p = subprocess.Popen(names["wrap"] + crig.args(
        ["-N", "-L", "%d:DBTEST-HOSTS.example:%d" % (lport, e.port),
         "-R", "%d:dbtest-alias:%d" % (rport, e.port)], crig.dest(d)),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env=crig.env_vars(), start_new_session=True)
    try:
        assert wait_for(lambda: (listening(lport) and listening(rport)) or
                        p.poll() is not None, timeout=20)
        assert roundtrip(lport, b"L hosts\n") == b"L hosts\n", d.log()[-2000:]
        assert roundtrip(rport, b"R hosts\n") == b"R hosts\n", d.log()[-2000:]
    finally:
        p.kill()
        p.wait(timeout=10)
    assert not [q for q in names["dns"].questions if "dbtest-" in q[0]], \
        names["dns"].questions


def test_dns_names(crig, names):
    """A name through the fake DNS server, directly and through the search list; an
    unknown one is refused with the resolver's error."""
    s = crig.sshd()
    for host in ("sshd.dbtest", "sshd.dbtest.", "sshd"):
        trust(crig, host, s.port, s.hostline)
        r = run_named(crig, names["wrap"], [], host, s.port, "echo dns")
        assert r.returncode == 0 and r.stdout == b"dns\n", (host, r.err)
    asked = {q[0] for q in names["dns"].questions}
    assert "sshd.dbtest" in asked, names["dns"].questions
    r = run_named(crig, names["wrap"], [], "nosuch.example", s.port, "true")
    assert r.returncode != 0
    assert re.search(r"cannot resolve nosuch\.example: (Name does not resolve|"
                     r"Name or service not known)", r.err), r.err
    assert "nosuch.example" in {q[0] for q in names["dns"].questions}
