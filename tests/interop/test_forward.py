"""Forwarding on our server (issue #4) against OpenSSH's ssh: -L (direct-tcpip), -R
(tcpip-forward, forwarded-tcpip), cancel-tcpip-forward (paramiko), -A (agent forwarding)
and every restriction, each with a test that fails without it: -j, -k, -a,
no-port-forwarding, no-agent-forwarding, permitopen, permitlisten. The client side is in
test_forward_client.py.

Destinations are small echo servers on 127.0.0.1 free ports started here; nothing but
loopback is contacted; every wait is bounded; every process is killed by PID.
"""
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import Server, free_port
from fwdhelpers import (Proc, agent, big_roundtrip, echo, env, key_fp, listening,  # noqa: F401
                        roundtrip, wait_for)
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(),
                                reason="needs root (throwaway users)")


# ---------------------------------------------------------------- our server, OpenSSH ssh

class Rig:
    """One test's server, ssh processes and echo servers."""

    def __init__(self, env, tmp_path):
        self.env = env
        self.tmp = str(tmp_path)
        self.home = os.path.join(self.tmp, "home")
        os.makedirs(self.home, exist_ok=True)
        self.procs = []
        self.server = None

    def start_server(self, extra=(), options=None):
        self.env["user"].authorize(self.env["pub"], options=options)
        d = os.path.join(self.tmp, "srv")
        os.makedirs(d, exist_ok=True)
        self.server = Server(d, [self.env["hostkey"]], list(extra)).start()
        self.kh = os.path.join(self.tmp, "known_hosts")
        with open(self.kh, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (self.server.port, self.env["hostline"]))
        return self.server

    def ssh_args(self, args, command=None, agent=False):
        cmd = ["ssh", "-v", "-F", "/dev/null"] + list(args) + [
            "-i", self.env["key"], "-o", "IdentitiesOnly=yes",
            "-o", "UserKnownHostsFile=" + self.kh,
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "ConnectTimeout=10", "-o", "PreferredAuthentications=publickey",
            "-p", str(self.server.port), "%s@127.0.0.1" % self.env["user"].name]
        if not agent:
            cmd[1:1] = ["-o", "IdentityAgent=none"]
        if command is not None:
            cmd.append(command)
        return cmd

    def ssh_env(self, agent_sock=None):
        e = dict(os.environ, HOME=self.home)
        e.pop("SSH_AUTH_SOCK", None)
        if agent_sock:
            e["SSH_AUTH_SOCK"] = agent_sock
        return e

    def ssh_bg(self, args, ready=r"Entering interactive session"):
        """ssh -N with args in the background; waits until it is ready (or exited)."""
        p = Proc(self.ssh_args(["-N"] + list(args)),
                 os.path.join(self.tmp, "ssh%d.log" % len(self.procs)), env=self.ssh_env())
        self.procs.append(p)
        p.wait_log(ready, timeout=20)
        return p

    def ssh_fail(self, args, timeout=30):
        """ssh -N that must give up by itself (a forwarding refused with
        ExitOnForwardFailure); returns (returncode, log)."""
        r = subprocess.run(self.ssh_args(["-N"] + list(args)), capture_output=True,
                           timeout=timeout, stdin=subprocess.DEVNULL, env=self.ssh_env())
        return r.returncode, r.stderr.decode("utf-8", "replace")

    def ssh(self, args, command, timeout=30, agent_sock=None):
        r = subprocess.run(self.ssh_args(args, command, agent=bool(agent_sock)),
                           capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                           env=self.ssh_env(agent_sock))
        r.out = r.stdout.decode("utf-8", "replace")
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    def close(self):
        for p in self.procs:
            p.stop()
        if self.server:
            self.server.stop()


@pytest.fixture
def rig(env, tmp_path):
    r = Rig(env, tmp_path)
    yield r
    r.close()


def forward_ok(p):
    return p.proc.poll() is None and bool(p.wait_log(r"Entering interactive session",
                                                     timeout=1))


# ---- direct-tcpip (ssh -L)

def test_local_forward(rig, echo):
    e = echo()
    rig.start_server()
    lport = free_port()
    p = rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (lport, e.port)])
    assert forward_ok(p), p.log()[-3000:]
    data = b"direct-tcpip through dropbear\n" * 10
    assert roundtrip(lport, data) == data, p.log()[-3000:] + rig.server.log()[-3000:]
    # several at once, and one large enough to need many window adjustments both ways
    assert roundtrip(lport, b"x") == b"x"
    ok, n = big_roundtrip(lport, 4 * 1024 * 1024)
    assert ok, "echoed %d bytes" % n
    assert e.accepted == 3


def test_local_forward_connect_failure(rig):
    rig.start_server()
    lport, dead = free_port(), free_port()  # nothing listens on dead
    p = rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (lport, dead)])
    assert roundtrip(lport) == b""
    assert p.wait_log(r"open failed: connect failed"), p.log()[-3000:]
    # the connection goes on: a refused channel is not a protocol error
    assert p.proc.poll() is None


def test_local_forward_refused_by_j(rig, echo):
    e = echo()
    rig.start_server(["-j"])
    lport = free_port()
    p = rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (lport, e.port)])
    assert roundtrip(lport) == b""
    assert p.wait_log(r"open failed: administratively prohibited"), \
        p.log()[-3000:]
    assert e.accepted == 0
    assert rig.server.wait_log(r"direct-tcpip to 127\.0\.0\.1:%d refused" % e.port)


def test_permitopen(rig, echo):
    allowed, other = echo(), echo()
    rig.start_server(options='permitopen="127.0.0.1:%d"' % allowed.port)
    l1, l2 = free_port(), free_port()
    p = rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (l1, allowed.port),
                    "-L", "%d:127.0.0.1:%d" % (l2, other.port)])
    assert roundtrip(l1, b"ok") == b"ok"
    assert roundtrip(l2, b"no") == b""
    assert p.wait_log(r"open failed: administratively prohibited")
    assert other.accepted == 0 and allowed.accepted == 1
    assert rig.server.wait_log(r"refused: not in permitopen")


def test_no_port_forwarding(rig, echo):
    e = echo()
    rig.start_server(options="no-port-forwarding")
    lport, rport = free_port(), free_port()
    p = rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (lport, e.port)])
    assert roundtrip(lport) == b""
    assert p.wait_log(r"open failed: administratively prohibited")
    assert e.accepted == 0
    rc, err = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes", "-R",
                 "%d:127.0.0.1:%d" % (rport, e.port)])
    assert rc == 255, err[-3000:]
    assert "remote port forwarding failed for listen port %d" % rport in err
    assert listening(rport) == []


# ---- tcpip-forward (ssh -R)

def test_remote_forward(rig, echo):
    e = echo()
    rig.start_server()
    rport = free_port()
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes",
                    "-R", "%d:127.0.0.1:%d" % (rport, e.port)])
    assert forward_ok(p), p.log()[-3000:] + rig.server.log()[-3000:]
    data = b"forwarded-tcpip back to the client\n"
    assert roundtrip(rport, data) == data
    ok, n = big_roundtrip(rport, 2 * 1024 * 1024)
    assert ok, "echoed %d bytes" % n
    # without -a: loopback only, although ssh asked for "localhost"
    assert set(listening(rport)) <= {"127.0.0.1", "::1"}, listening(rport)
    # the listener goes with the connection
    p.stop()
    assert wait_for(lambda: listening(rport) == [], timeout=10)


def test_remote_forward_port0(rig, echo):
    e = echo()
    rig.start_server()
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes",
                    "-R", "0:127.0.0.1:%d" % e.port],
                   ready=r"Allocated port (\d+) for remote forward")
    m = re.search(r"Allocated port (\d+) for remote forward", p.log())
    assert m, p.log()[-3000:]
    port = int(m.group(1))
    assert roundtrip(port, b"dynamic") == b"dynamic"


def test_remote_forward_all_addresses_needs_a(rig, echo):
    """ssh -R *:port asks for every address: only with -a may the server do so."""
    e = echo()
    rig.start_server()
    rport = free_port()
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes",
                    "-R", "*:%d:127.0.0.1:%d" % (rport, e.port)])
    assert forward_ok(p), p.log()[-3000:]
    addrs = listening(rport)
    assert addrs and set(addrs) <= {"127.0.0.1", "::1"}, addrs
    assert roundtrip(rport, b"lo") == b"lo"


def test_remote_forward_all_addresses_with_a(rig, echo):
    e = echo()
    rig.start_server(["-a"])
    rport = free_port()
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes",
                    "-R", "*:%d:127.0.0.1:%d" % (rport, e.port)])
    assert forward_ok(p), p.log()[-3000:]
    addrs = listening(rport)
    assert "0.0.0.0" in addrs or "::" in addrs, addrs
    assert roundtrip(rport, b"any") == b"any"


def test_remote_forward_refused_by_k(rig, echo):
    e = echo()
    rig.start_server(["-k"])
    rport = free_port()
    rc, err = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes",
                 "-R", "%d:127.0.0.1:%d" % (rport, e.port)])
    assert rc == 255, err[-3000:]
    assert "remote port forwarding failed for listen port %d" % rport in err
    assert listening(rport) == []
    assert rig.server.wait_log(r"remote forwarding disabled \(-k\)")


def test_permitlisten(rig, echo):
    e = echo()
    ok_port, bad_port = free_port(), free_port()
    rig.start_server(options='permitlisten="%d"' % ok_port)
    rc, err = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes",
                 "-R", "%d:127.0.0.1:%d" % (bad_port, e.port)])
    assert rc == 255, err[-3000:]
    assert "remote port forwarding failed for listen port %d" % bad_port in err
    assert rig.server.wait_log(r"refused: not in permitlisten")
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes",
                    "-R", "%d:127.0.0.1:%d" % (ok_port, e.port)])
    assert forward_ok(p), p.log()[-3000:]
    assert roundtrip(ok_port, b"permitted") == b"permitted"


def test_cancel_forward(rig):
    """cancel-tcpip-forward (RFC 4254 7.1) closes the listener; an unknown one fails."""
    import paramiko
    rig.start_server()
    t = paramiko.Transport(("127.0.0.1", rig.server.port))
    try:
        t.banner_timeout = t.auth_timeout = 10
        t.connect(username=rig.env["user"].name,
                  pkey=paramiko.Ed25519Key.from_private_key_file(rig.env["key"]))
        port = t.request_port_forward("localhost", 0)
        assert port and listening(port), port
        t.cancel_port_forward("localhost", port)
        assert wait_for(lambda: listening(port) == [], timeout=10), listening(port)
        # the connection is still usable: another forwarding works
        port2 = t.request_port_forward("localhost", 0)
        assert listening(port2)
        # cancelling something never forwarded fails, and touches nothing else
        other = port2 + 1 if port2 < 65535 else 1
        assert t.global_request("cancel-tcpip-forward", ("localhost", other), wait=True) is None
        assert listening(port2)
    finally:
        t.close()


def test_keepalive(rig, echo):
    """keepalive@openssh.com gets an answer (ssh gives up after ServerAliveCountMax
    unanswered ones), and the connection survives unknown global requests."""
    e = echo()
    rig.start_server()
    rport = free_port()
    p = rig.ssh_bg(["-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=1",
                    "-R", "%d:127.0.0.1:%d" % (rport, e.port)])
    assert forward_ok(p)
    time.sleep(3.5)  # three keepalives, each of which must be answered in time
    assert p.proc.poll() is None, p.log()[-3000:]
    assert "Timeout, server" not in p.log()
    assert roundtrip(rport, b"still") == b"still"


def test_backpressure_bounded_memory(rig):
    """A destination that never reads: the server must stop reading from ssh (windows),
    not buffer what the client keeps sending."""
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(1)
    rig.start_server()
    lport = free_port()
    rig.ssh_bg(["-L", "%d:127.0.0.1:%d" % (lport, sink.getsockname()[1])])
    c = socket.create_connection(("127.0.0.1", lport), timeout=10)
    sink.settimeout(10)
    held, _ = sink.accept()  # accepted, never read
    c.settimeout(2)
    sent = 0
    chunk = b"z" * 65536
    try:
        while sent < 256 * 1024 * 1024:
            sent += c.send(chunk)
    except (socket.timeout, BlockingIOError):
        pass
    # the connection's child: the server's child process that is not the listener
    kids = subprocess.run(["pgrep", "-P", str(rig.server.proc.pid)], capture_output=True,
                          text=True, timeout=10).stdout.split()
    rss = []
    for k in kids:
        try:
            st = open("/proc/%s/status" % k).read()
        except FileNotFoundError:
            continue
        m = re.search(r"VmRSS:\s+(\d+) kB", st)
        if m:
            rss.append(int(m.group(1)))
    c.close()
    held.close()
    sink.close()
    assert sent < 64 * 1024 * 1024, "sent %d bytes into a destination that reads nothing" % sent
    assert rss and max(rss) < 32 * 1024, rss


# ---- agent forwarding (ssh -A)
def test_agent_forwarding(rig, agent, env):
    rig.start_server()
    cmd = ('echo "SOCK=$SSH_AUTH_SOCK"; stat -c "DIR=%a %U" "$(dirname "$SSH_AUTH_SOCK")"; '
           'ssh-add -l')
    r = rig.ssh(["-A", "-T"], cmd, agent_sock=agent)
    assert r.returncode == 0, r.err[-3000:] + rig.server.log()[-3000:]
    assert key_fp(env["key"]) in r.out, r.out
    m = re.search(r"SOCK=(\S+)", r.out)
    assert m and m.group(1).startswith("/tmp/"), r.out
    assert "DIR=700 %s" % env["user"].name in r.out, r.out
    # gone with the session
    assert wait_for(lambda: not os.path.exists(m.group(1)), timeout=10)
    assert wait_for(lambda: not os.path.exists(os.path.dirname(m.group(1))), timeout=10)


def test_no_agent_forwarding(rig, agent):
    rig.start_server(options="no-agent-forwarding")
    r = rig.ssh(["-A", "-T"], 'echo "SOCK=$SSH_AUTH_SOCK"; ssh-add -l; echo "RC=$?"',
                agent_sock=agent)
    assert "SOCK=\n" in r.out, r.out
    assert "RC=2" in r.out, r.out  # ssh-add: cannot reach an agent
    assert rig.server.wait_log(r"agent forwarding refused: no-agent-forwarding")
