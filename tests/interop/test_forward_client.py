"""Forwarding on our client (issue #5) against OpenSSH's sshd: -L, -g, -R (port 0
too), ExitOnForwardFailure, -B (netcat mode), -J / ProxyCommand, multihop
user@127.0.0.1/P1,user@127.0.0.1/P2 through two sshd (each hop our own binary executed
directly, never through a shell), ProxyJump, and -A; and multihop and -B through two of
our own servers.

Each sshd is /usr/sbin/sshd -D on 127.0.0.1:FREEPORT with a generated config, host key,
pid file and DEBUG3 log in a temp dir, killed by PID at teardown.
"""
import errno
import os
import re
import signal
import socket
import subprocess

import pytest

from conftest import BIN, Server, free_port
from fwdhelpers import (Proc, agent, big_roundtrip, echo, env, key_fp, listening,  # noqa: F401
                        roundtrip, wait_for)
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(),
                                reason="needs root (throwaway users)")


class Sshd:
    """OpenSSH's sshd on 127.0.0.1:port with a config, host key and log in a temp dir."""

    def __init__(self, d, extra_config=""):
        self.dir = str(d)
        os.makedirs(self.dir, exist_ok=True)
        self.hostkey = os.path.join(self.dir, "ssh_host_ed25519_key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.hostkey],
                       check=True, timeout=30, capture_output=True)
        self.hostline = " ".join(open(self.hostkey + ".pub").read().split()[:2])
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.extra = extra_config
        self.proc = None

    def start(self, attempts=3):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(attempts):
            self.port = free_port()
            conf = os.path.join(self.dir, "sshd_config")
            with open(conf, "w") as f:
                f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n"
                        "PidFile %s\nAuthorizedKeysFile .ssh/authorized_keys\n"
                        "UsePAM no\nStrictModes no\nPasswordAuthentication no\n"
                        "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
                        "AllowTcpForwarding yes\nAllowAgentForwarding yes\n"
                        "GatewayPorts no\nLogLevel DEBUG3\n%s\n"
                        % (self.port, self.hostkey, os.path.join(self.dir, "sshd.pid"),
                           self.extra))
            self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-E", self.log_path,
                                          "-f", conf], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL,
                                         start_new_session=True)
            if wait_for(lambda: self.proc.poll() is not None or
                        "Server listening on 127.0.0.1 port %d" % self.port in self.log(),
                        timeout=10) and self.proc.poll() is None:
                return self
            self.stop()
        pytest.fail("sshd did not start:\n" + self.log()[-3000:])

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)


class ClientRig:
    """dbclient against one or more sshd, confined to a temporary HOME."""

    def __init__(self, env, tmp_path):
        self.env = env
        self.tmp = str(tmp_path)
        self.home = os.path.join(self.tmp, "chome")
        os.makedirs(self.home, exist_ok=True)
        self.kh = os.path.join(self.tmp, "known_hosts")
        self.sshds = []
        self.procs = []
        env["user"].authorize(env["pub"])

    def sshd(self, extra_config=""):
        s = Sshd(os.path.join(self.tmp, "sshd%d" % len(self.sshds)), extra_config)
        self.sshds.append(s)
        s.start()
        with open(self.kh, "a") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, s.hostline))
        return s

    def args(self, opts, hosts, command=None):
        a = [BIN, "dbclient"] + list(opts) + [
            "-i", self.env["key"], "-o", "UserKnownHostsFile=" + self.kh,
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "PasswordAuthentication=no", "-o", "ConnectTimeout=10", hosts]
        if command is not None:
            a.append(command)
        return a

    def dropbear(self, extra=()):
        """Our own server, for runs where both ends are ours."""
        d = os.path.join(self.tmp, "dropbear%d" % len(self.sshds))
        os.makedirs(d, exist_ok=True)
        s = Server(d, [self.env["hostkey"]], list(extra)).start()
        self.sshds.append(s)
        with open(self.kh, "a") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, self.env["hostline"]))
        return s

    def dest(self, s, user=None):
        return "%s@127.0.0.1/%d" % (user or self.env["user"].name, s.port)

    def env_vars(self, agent_sock=None):
        e = dict(os.environ, HOME=self.home)
        e.pop("SSH_AUTH_SOCK", None)
        if agent_sock:
            e["SSH_AUTH_SOCK"] = agent_sock
        return e

    def run(self, opts, hosts, command=None, timeout=60, input=b"", agent_sock=None):
        r = subprocess.run(self.args(opts, hosts, command), input=input,
                           capture_output=True, timeout=timeout,
                           env=self.env_vars(agent_sock))
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    def bg(self, opts, hosts):
        p = Proc(self.args(["-N"] + list(opts), hosts),
                 os.path.join(self.tmp, "dbclient%d.log" % len(self.procs)),
                 env=self.env_vars())
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            p.stop()
        for s in self.sshds:
            s.stop()


@pytest.fixture
def crig(env, tmp_path):
    r = ClientRig(env, tmp_path)
    yield r
    r.close()


def test_client_local_forward(crig, echo):
    e = echo()
    s = crig.sshd()
    lport = free_port()
    p = crig.bg(["-L", "%d:127.0.0.1:%d" % (lport, e.port)], crig.dest(s))
    assert wait_for(lambda: listening(lport) or p.proc.poll() is not None, timeout=20)
    assert set(listening(lport)) <= {"127.0.0.1", "::1"} and listening(lport), p.log()
    data = b"dbclient -L through sshd\n"
    assert roundtrip(lport, data) == data, p.log()[-3000:]
    ok, n = big_roundtrip(lport, 4 * 1024 * 1024)
    assert ok, "echoed %d bytes" % n
    assert re.search(r"direct_tcpip: originator .* target 127\.0\.0\.1 port %d\r?\n" % e.port,
                     s.log()), s.log()[-3000:]


def test_client_local_forward_gateway(crig, echo):
    e = echo()
    s = crig.sshd()
    lport = free_port()
    p = crig.bg(["-g", "-L", "%d:127.0.0.1:%d" % (lport, e.port)], crig.dest(s))
    assert wait_for(lambda: listening(lport) or p.proc.poll() is not None, timeout=20)
    addrs = listening(lport)
    assert "0.0.0.0" in addrs or "::" in addrs, (addrs, p.log())
    assert roundtrip(lport, b"g") == b"g"


def test_client_remote_forward(crig, echo):
    e = echo()
    s = crig.sshd()
    rport = free_port()
    p = crig.bg(["-R", "%d:127.0.0.1:%d" % (rport, e.port)], crig.dest(s))
    assert wait_for(lambda: listening(rport) or p.proc.poll() is not None, timeout=20)
    assert listening(rport), p.log()[-3000:] + s.log()[-3000:]
    data = b"dbclient -R through sshd\n"
    assert roundtrip(rport, data) == data, p.log()[-3000:]
    ok, n = big_roundtrip(rport, 2 * 1024 * 1024)
    assert ok, "echoed %d bytes" % n


def test_client_remote_forward_port0(crig, echo):
    e = echo()
    s = crig.sshd()
    p = crig.bg(["-R", "0:127.0.0.1:%d" % e.port], crig.dest(s))
    m = p.wait_log(r"Allocated port (\d+) for remote forward", timeout=20)
    assert m, p.log()[-3000:]
    assert roundtrip(int(m.group(1)), b"zero") == b"zero"


def busy_port():
    """A port held on 127.0.0.1 and (when there is IPv6) ::1, so that nobody can listen
    on it on loopback; returns (port, sockets)."""
    for _ in range(20):
        a = socket.socket()
        a.bind(("127.0.0.1", 0))
        a.listen(1)
        port = a.getsockname()[1]
        try:
            b = socket.socket(socket.AF_INET6)
        except OSError:
            return port, [a]
        try:
            b.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            b.bind(("::1", port))
            b.listen(1)
            return port, [a, b]
        except OSError as e:
            b.close()
            if e.errno == errno.EADDRINUSE:
                a.close()
                continue
            return port, [a]  # no ::1 here
    pytest.fail("no free port on both loopback addresses")


def test_client_exit_on_forward_failure(crig):
    s = crig.sshd()
    port, held = busy_port()
    try:
        # the server cannot listen there: with ExitOnForwardFailure, dbclient gives up
        r = crig.run(["-o", "ExitOnForwardFailure=yes", "-R", "%d:127.0.0.1:9" % port],
                     crig.dest(s), "sleep 5; echo RAN")
        assert r.returncode == 255, r.err
        assert b"RAN" not in r.stdout
        assert "remote port forwarding failed for listen port %d" % port in r.err
        # without it: a warning, and the command runs
        r = crig.run(["-R", "%d:127.0.0.1:9" % port], crig.dest(s), "sleep 1; echo RAN")
        assert r.returncode == 0, r.err
        assert b"RAN" in r.stdout
        assert "remote port forwarding failed for listen port %d" % port in r.err
        # -L on a port in use: the same, locally
        r = crig.run(["-o", "ExitOnForwardFailure=yes", "-L", "%d:127.0.0.1:9" % port],
                     crig.dest(s), "echo RAN")
        assert r.returncode == 255 and b"RAN" not in r.stdout, r.err
        assert "cannot listen on port %d" % port in r.err
        r = crig.run(["-L", "%d:127.0.0.1:9" % port], crig.dest(s), "echo RAN")
        assert r.returncode == 0 and r.stdout == b"RAN\n", r.err
    finally:
        for h in held:
            h.close()


def test_client_netcat(crig, echo):
    e = echo()
    s = crig.sshd()
    data = b"netcat mode\n" * 1000
    r = crig.run(["-B", "127.0.0.1:%d" % e.port], crig.dest(s), input=data)
    assert r.returncode == 0, r.err
    assert r.stdout == data
    # a destination nothing listens on: the channel is refused, exit status 255
    r = crig.run(["-B", "127.0.0.1:%d" % free_port()], crig.dest(s), input=b"x")
    assert r.returncode == 255 and r.stdout == b"", r.err


RELAY = r'''
import os, socket, sys, threading
open(sys.argv[3], "w").write("used\n")
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
def up():
    while True:
        d = os.read(0, 65536)
        if not d:
            s.shutdown(socket.SHUT_WR)
            return
        s.sendall(d)
threading.Thread(target=up, daemon=True).start()
while True:
    d = s.recv(65536)
    if not d:
        break
    os.write(1, d)
'''


def test_client_proxy_command(crig, tmp_path):
    s = crig.sshd()
    relay = tmp_path / "relay.py"
    relay.write_text(RELAY)
    mark = tmp_path / "relay-used"
    # %h and %p are the destination's, as ssh_config's ProxyCommand expands them
    cmd = "exec /usr/bin/python3 %s %%h %%p %s" % (relay, mark)
    r = crig.run(["-J", cmd], crig.dest(s), "echo through-proxy")
    assert r.returncode == 0, r.err
    assert r.stdout == b"through-proxy\n"
    assert mark.exists()
    r = crig.run(["-o", "ProxyCommand=" + cmd], crig.dest(s), "echo again")
    assert r.stdout == b"again\n", r.err


def test_client_multihop(crig, tmp_path):
    s1, s2 = crig.sshd(), crig.sshd()
    hops = "%s,%s" % (crig.dest(s1), crig.dest(s2))
    r = crig.run([], hops, "echo two-hops; echo $SSH_CONNECTION")
    assert r.returncode == 0, r.err
    out = r.stdout.decode()
    assert out.startswith("two-hops\n"), out
    # the first sshd opened the channel to the second one for us
    assert re.search(r"direct_tcpip: originator .* target 127\.0\.0\.1 port %d\r?\n" % s2.port,
                     s1.log()), \
        s1.log()[-3000:]
    assert "Accepted publickey for %s" % crig.env["user"].name in s2.log()
    # the second sshd saw the connection come from the first one's forwarding
    assert out.split("\n")[1].split()[3] == str(s2.port), out


def test_client_proxyjump(crig):
    """ProxyJump (ssh_config's [user@]host[:port] list) runs as multihop does."""
    s1, s2 = crig.sshd(), crig.sshd()
    jump = "%s@127.0.0.1:%d" % (crig.env["user"].name, s1.port)
    r = crig.run(["-o", "ProxyJump=" + jump], crig.dest(s2), "echo jumped")
    assert r.returncode == 0, r.err
    assert r.stdout == b"jumped\n"
    assert re.search(r"direct_tcpip: originator .* target 127\.0\.0\.1 port %d\r?\n" % s2.port,
                     s1.log()), s1.log()[-3000:]


def test_client_multihop_no_shell(crig, tmp_path):
    """Each hop is our binary executed directly: shell syntax in a hop stays text."""
    s1, s2 = crig.sshd(), crig.sshd()
    mark = tmp_path / "shell-ran"
    evil = "nobody$(touch %s)" % mark
    hops = "%s,%s" % (crig.dest(s1, user=evil), crig.dest(s2))
    r = crig.run([], hops, "echo unreachable", timeout=60)
    assert r.returncode == 255
    assert not mark.exists()


def test_client_agent_forwarding(crig, agent, env):
    s = crig.sshd()
    r = crig.run(["-A"], crig.dest(s), "ssh-add -l", agent_sock=agent)
    assert r.returncode == 0, r.err + s.log()[-2000:]
    assert key_fp(env["key"]) in r.stdout.decode()
    # without -A the remote side has no agent
    r = crig.run([], crig.dest(s), 'echo "SOCK=$SSH_AUTH_SOCK"', agent_sock=agent)
    assert r.stdout == b"SOCK=\n", r.err


def test_client_multihop_through_dropbear(crig, echo):
    """Both ends ours: dbclient through two of our servers, then -L and -B over them."""
    e = echo()
    d1, d2 = crig.dropbear(), crig.dropbear()
    hops = "%s,%s" % (crig.dest(d1), crig.dest(d2))
    r = crig.run([], hops, "echo both-ours")
    assert r.returncode == 0, r.err + d1.log()[-2000:] + d2.log()[-2000:]
    assert r.stdout == b"both-ours\n"
    # the first server made the connection to the second one for us
    assert re.search(r"direct-tcpip to 127\.0\.0\.1:%d from" % d2.port, d1.log()), \
        d1.log()[-2000:]
    data = b"netcat over two of ours\n" * 100
    r = crig.run(["-B", "127.0.0.1:%d" % e.port], hops, input=data)
    assert r.returncode == 0 and r.stdout == data, r.err
