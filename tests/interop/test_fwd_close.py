"""No data lost when a forwarded connection closes (issue #15, item 1).

Through -L and -R, for 1 / 4000 / 40000 / 1,000,000 bytes, whichever end closes first
and however (shutdown(SHUT_WR) or close()), every byte arrives (SHA-256 of what was read
against what was sent) and EOF follows. The forwarders: our server with OpenSSH's ssh
and with our dbclient; our dbclient against OpenSSH's sshd and against upstream
Dropbear's server (../shared/peers, skipped when absent); dbclient -f -N and -B too.
Agent channels the same way, with a stand-in agent on a Unix socket. Also: dbclient
with a command waits for the forwarded connections still open when the session ends
(as OpenSSH's ssh does) and keeps the command's exit status; and 100 forwarded
connections leave no fd or memory growth in the server's connection process.

The far end ("peer") is a thread-driven server on 127.0.0.1 (or a Unix socket) started
here; the near end is a socket of the test. Every wait is bounded; processes are
killed by PID.
"""
import hashlib
import os
import re
import socket
import subprocess
import threading

import pytest

from conftest import ROOT, free_port
from fwdhelpers import Proc, echo, env, listening, wait_for  # noqa: F401
from test_forward import Rig
from test_forward_client import ClientRig
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(),
                                reason="needs root (throwaway users)")

SIZES = (1, 4000, 40000, 1000000)
IO_TIMEOUT = 30

UPSTREAM = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers", "dropbear-2026.94",
                                         "dropbearmulti"))


def payload(n, seed):
    """n reproducible bytes (a different stream per seed)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(b"%d:%d" % (seed, i)).digest()
        i += 1
    return bytes(out[:n])


def read_to_eof(s):
    """Everything until EOF; raises when the connection fails first (a reset, a
    timeout): losing the end of the stream is what these tests look for."""
    got = bytearray()
    while True:
        d = s.recv(65536)
        if not d:
            return bytes(got)
        got += d


# ---------------------------------------------------------------- the far end

class Peer:
    """A TCP server on 127.0.0.1 that does one thing per connection (mode):
      echo      read and echo back until EOF, then close (the near end half-closes);
      sink      read until EOF, then close (the near end fully closes);
      send      write its payload, then close() (send_late: the same, and the near
                end reads only once the peer is done);
      send_gated  write half of it, wait for the gate, write the rest, close();
      send_shut write its payload, shutdown(SHUT_WR), read until EOF, then close.
    What it read (or the exception that stopped it) is recorded per connection."""

    def __init__(self, unix_path=None):
        if unix_path:  # a stand-in for an ssh-agent, at the end of an agent channel
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.bind(unix_path)
            self.port = None
        else:
            self.sock = socket.socket()
            self.sock.bind(("127.0.0.1", 0))
            self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.mode, self.data = "echo", b""
        self.results = []
        self.accepted = 0
        self.gate = threading.Event()
        self.lock = threading.Lock()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def set(self, mode, data=b""):
        self.mode, self.data = mode, data

    def _run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            threading.Thread(target=self._serve, args=(conn, self.mode, self.data),
                             daemon=True).start()

    def _serve(self, conn, mode, data):
        conn.settimeout(IO_TIMEOUT)
        got, err = bytearray(), None
        if self.port is None and not self._agent_magic(conn):
            return
        try:
            if mode == "echo":
                while True:
                    d = conn.recv(65536)
                    if not d:
                        break
                    got += d
                    conn.sendall(d)
            elif mode == "sink":
                got += read_to_eof(conn)
            elif mode in ("send", "send_late"):
                conn.sendall(data)
            elif mode == "send_gated":  # half now, the rest once the test opens the gate
                conn.sendall(data[:len(data) // 2])
                if self.gate.wait(IO_TIMEOUT):
                    conn.sendall(data[len(data) // 2:])
            elif mode == "send_shut":
                conn.sendall(data)
                conn.shutdown(socket.SHUT_WR)
                got += read_to_eof(conn)
        except OSError as e:
            err = e
        finally:
            conn.close()
        with self.lock:
            self.results.append((bytes(got), err))

    def _agent_magic(self, conn):
        """As an agent stand-in: the test's connections begin with AGENT_MAGIC, maybe
        after the client's own questions (OpenSSH's ssh binds each forwarded agent
        connection to the session first); those and other connections of the client
        (its keys) are answered as an agent without keys would, and not recorded."""
        def exactly(n):
            b = b""
            while len(b) < n:
                d = conn.recv(n - len(b))
                if not d:
                    raise EOFError
                b += d
            return b
        try:
            while True:
                head = exactly(4)
                if head == AGENT_MAGIC:
                    return True
                body = exactly(int.from_bytes(head, "big"))
                # SSH_AGENTC_REQUEST_IDENTITIES (11): none; anything else: failure
                conn.sendall(b"\0\0\0\x05\x0c\0\0\0\0" if body[:1] == b"\x0b" else
                             b"\0\0\0\x01\x05")
        except (OSError, EOFError):
            pass
        conn.close()
        return False

    def result(self, n):
        """The n-th connection's (bytes read, exception), waiting for it (bounded)."""
        assert wait_for(lambda: len(self.results) > n, timeout=IO_TIMEOUT + 10), \
            "the peer's connection %d never ended" % n
        with self.lock:
            return self.results[n]

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def peer():
    p = Peer()
    yield p
    p.stop()


def close_case(port, peer, mode, size, k):
    """One connection to the forwarded port in one mode; asserts every byte both ways
    and EOF. k numbers the peer's connections."""
    data = payload(size, k)
    digest = hashlib.sha256(data).hexdigest()
    peer.set(mode, data)
    s = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
    try:
        if mode == "echo":
            # we half-close first; the echo must come back whole, then EOF
            box = {}
            t = threading.Thread(target=lambda: box.update(r=_safe_read(s)), daemon=True)
            t.start()
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            t.join(IO_TIMEOUT + 5)
            got = box.get("r")
        elif mode == "sink":
            # we close first, fully: the peer must read it all, then EOF
            s.sendall(data)
            s.close()
            got = None
        elif mode == "send":
            got = _safe_read(s)
        elif mode == "send_late":
            # we read only once the peer is gone: its bytes and its EOF wait in the
            # forwarders' queues and the windows meanwhile (a million bytes may not
            # fit: then we start reading when the wait ends, unasserted)
            wait_for(lambda: len(peer.results) > k, timeout=5)
            got = _safe_read(s)
        else:  # send_shut: the peer half-closes; we read it all, then answer and close
            got = _safe_read(s)
            if isinstance(got, bytes):
                s.sendall(b"ack")
                s.shutdown(socket.SHUT_WR)
    finally:
        s.close()
    pgot, perr = peer.result(k)
    what = "%s %d bytes" % (mode, size)
    if mode in ("echo", "sink"):
        assert perr is None, "%s: the peer's read failed: %r" % (what, perr)
        assert (len(pgot), hashlib.sha256(pgot).hexdigest()) == (size, digest), \
            "%s: the peer got %d bytes" % (what, len(pgot))
    if mode != "sink":
        assert isinstance(got, bytes), "%s: our read failed: %r" % (what, got)
        assert (len(got), hashlib.sha256(got).hexdigest()) == (size, digest), \
            "%s: we got %d bytes" % (what, len(got))
    if mode == "send_shut":
        assert (pgot, perr) == (b"ack", None), "%s: the peer got %r, %r" % (what, pgot, perr)


def _safe_read(s):
    try:
        return read_to_eof(s)
    except OSError as e:
        return e


MODES = ("echo", "sink", "send", "send_late", "send_shut")


def run_cases(port, peer, logs):
    k = 0
    for mode in MODES:
        for size in SIZES:
            try:
                close_case(port, peer, mode, size, k)
            except AssertionError as e:
                raise AssertionError("%s\n%s" % (e, logs()[-4000:])) from None
            k += 1


# ---------------------------------------------------------------- the forwarders

def specs(direction, fport, peer):
    return [("-L" if direction == "L" else "-R"), "%d:127.0.0.1:%d" % (fport, peer.port)]


@pytest.fixture
def rig(env, tmp_path):
    r = Rig(env, tmp_path)
    yield r
    r.close()


@pytest.fixture
def crig(env, tmp_path):
    r = ClientRig(env, tmp_path)
    yield r
    r.close()


class Upstream:
    """Upstream Dropbear's server on 127.0.0.1:port (a Dropbear-format host key)."""

    def __init__(self, d, hostkey):
        self.dir = str(d)
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = os.path.join(self.dir, "upstream.log")
        self.hostkey = hostkey

    def start(self):
        for _ in range(3):
            self.port = free_port()
            self.p = Proc([UPSTREAM, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % self.port,
                           "-r", self.hostkey], self.log_path)
            if wait_for(lambda: self.p.proc.poll() is not None or
                        "Not backgrounding" in self.p.log(), timeout=10) and \
                    self.p.proc.poll() is None:
                return self
            self.p.stop()
        pytest.fail("upstream dropbear did not start:\n" + self.p.log()[-2000:])

    def log(self):
        return self.p.log()

    def stop(self):
        self.p.stop()


def upstream_server(crig):
    if not os.access(UPSTREAM, os.X_OK):
        pytest.skip("no upstream Dropbear at %s" % UPSTREAM)
    s = Upstream(os.path.join(crig.tmp, "upstream"), crig.env["hostkey"]).start()
    crig.sshds.append(s)
    with open(crig.kh, "a") as f:
        f.write("[127.0.0.1]:%d %s\n" % (s.port, crig.env["hostline"]))
    return s


def dbclient_server(crig, kind):
    if kind == "ours":
        return crig.dropbear()
    if kind == "sshd":
        return crig.sshd()
    return upstream_server(crig)


def wait_forward(p, port):
    assert wait_for(lambda: listening(port) or p.proc.poll() is not None, timeout=20)
    assert listening(port), p.log()[-3000:]


@pytest.mark.parametrize("direction", ["L", "R"])
def test_close_openssh_client_our_server(rig, peer, direction):
    rig.start_server()
    fport = free_port()
    p = rig.ssh_bg(specs(direction, fport, peer))
    wait_forward(p, fport)
    run_cases(fport, peer, lambda: p.log()[-2000:] + rig.server.log())


@pytest.mark.parametrize("kind", ["ours", "sshd", "upstream"])
@pytest.mark.parametrize("direction", ["L", "R"])
def test_close_dbclient(crig, peer, direction, kind):
    s = dbclient_server(crig, kind)
    fport = free_port()
    p = crig.bg(specs(direction, fport, peer), crig.dest(s))
    wait_forward(p, fport)
    run_cases(fport, peer, lambda: p.log()[-2000:] + s.log())


# ---------------------------------------------------------------- the session ends first

def session_end_case(p, stdin, fport, peer, mode, over, status=3):
    """A forwarded connection open while the session ends (its command exits when we
    close its stdin): the forwarder must wait for it, carry every byte, then exit by
    itself once it is done."""
    size = 1000000
    data = payload(size, 99)
    peer.set(mode, data)
    n = len(peer.results)
    s = socket.create_connection(("127.0.0.1", fport), timeout=IO_TIMEOUT)
    try:
        if mode == "sink":
            s.sendall(data[:1])  # the channel is open end to end once the peer has it
        assert wait_for(lambda: peer.accepted > n, timeout=20)
        stdin.close()  # the remote `cat` exits: the session channel closes
        assert wait_for(lambda: p.proc.poll() is not None or
                        re.search(over, p.log()), timeout=20), p.log()
        if mode == "send_gated":
            peer.gate.set()
            got = _safe_read(s)
            assert isinstance(got, bytes), "read failed: %r\n%s" % (got, p.log()[-3000:])
            assert len(got) == size and hashlib.sha256(got).digest() == \
                hashlib.sha256(data).digest(), "got %d bytes\n%s" % (len(got), p.log()[-3000:])
        else:
            try:
                s.sendall(data[1:])
            except OSError:
                pass
            s.close()
            pgot, perr = peer.result(n)
            assert perr is None and pgot == data, \
                "the peer got %d bytes (%r)\n%s" % (len(pgot), perr, p.log()[-3000:])
    finally:
        s.close()
    # then the forwarder leaves by itself, with the command's status (3)
    assert wait_for(lambda: p.proc.poll() is not None, timeout=20), p.log()[-3000:]
    assert p.proc.returncode == status, p.log()[-3000:]


@pytest.mark.parametrize("mode", ["send_gated", "sink"])
@pytest.mark.parametrize("kind", ["ours", "upstream"])
@pytest.mark.parametrize("direction", ["L", "R"])
def test_dbclient_waits_for_forwarded(crig, peer, direction, kind, mode):
    s = dbclient_server(crig, kind)
    fport = free_port()
    p = Proc(crig.args(["-v"] + specs(direction, fport, peer), crig.dest(s), "cat; exit 3"),
             os.path.join(crig.tmp, "dbclient-wait.log"), env=crig.env_vars(),
             stdin=subprocess.PIPE)
    crig.procs.append(p)
    wait_forward(p, fport)
    session_end_case(p, p.proc.stdin, fport, peer, mode, r"session over: waiting for 1 ")


@pytest.mark.parametrize("mode", ["send_gated", "sink"])
@pytest.mark.parametrize("direction", ["L", "R"])
def test_dbclient_netcat_waits_for_forwarded(crig, peer, echo, direction, mode):
    """-B with -L / -R: when the -B channel ends, forwarded connections still open go
    on to their end as after a session, and dbclient then exits 0."""
    e = echo()
    s = crig.dropbear()
    fport = free_port()
    p = Proc(crig.args(["-v", "-B", "127.0.0.1:%d" % e.port] + specs(direction, fport, peer),
                       crig.dest(s)),
             os.path.join(crig.tmp, "dbclient-B-wait.log"), env=crig.env_vars(),
             stdin=subprocess.PIPE)
    crig.procs.append(p)
    wait_forward(p, fport)
    session_end_case(p, p.proc.stdin, fport, peer, mode, r"session over: waiting for 1 ",
                     status=0)


@pytest.mark.parametrize("mode", ["send_gated", "sink"])
def test_openssh_waits_for_forwarded(rig, peer, mode):
    """The reference behaviour the dbclient test matches (OpenSSH's ssh, our server)."""
    rig.start_server()
    fport = free_port()
    p = Proc(rig.ssh_args(specs("L", fport, peer), "cat; exit 3"),
             os.path.join(rig.tmp, "ssh-wait.log"), env=rig.ssh_env(), stdin=subprocess.PIPE)
    rig.procs.append(p)
    wait_forward(p, fport)
    session_end_case(p, p.proc.stdin, fport, peer, mode, r"free: client-session")


# ---------------------------------------------------------------- no growth

def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open("/proc/%s/stat" % d).read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


RSS_SLACK_KB = 256  # allocator noise; a leak per connection would be far more


@pytest.mark.parametrize("direction", ["L", "R"])
def test_no_growth_after_100_connections(rig, peer, direction):
    """100 forwarded connections opened and closed (half of them closed by the peer
    first, half by us) leave the server's connection process with the fds and, within
    a small slack, the memory it had before."""
    srv = rig.start_server()
    fport = free_port()
    p = rig.ssh_bg(specs(direction, fport, peer))
    wait_forward(p, fport)
    m = srv.wait_log(r"dropbear\[(\d+)\]: Child connection from", timeout=10)
    assert m, srv.log()
    pid = int(m.group(1))
    assert pid in children(srv.proc.pid)
    k = 0

    def batch(count):
        nonlocal k
        for i in range(count):
            close_case(fport, peer, ("echo", "send", "sink", "send_shut")[i % 4], 4000, k)
            k += 1

    batch(8)  # warm-up: buffers and the allocator reach their working size
    fds = wait_for(lambda: fd_count(pid), timeout=10)
    rss = rss_kb(pid)
    batch(100)
    # the last channels' CLOSE may still be in flight: wait (bounded) for the fds to go
    assert wait_for(lambda: fd_count(pid) <= fds, timeout=20), \
        (fds, sorted(os.listdir("/proc/%d/fd" % pid)), srv.log()[-2000:])
    assert fd_count(pid) == fds
    assert rss_kb(pid) <= rss + RSS_SLACK_KB, (rss, rss_kb(pid))


# ---------------------------------------------------------------- -f and -B

def listener_pid(port):
    """The process holding the TCP socket that listens on 127.0.0.1:port (from /proc)."""
    inodes = set()
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        f = line.split()
        if int(f[1].split(":")[1], 16) == port and f[3] == "0A":
            inodes.add("socket:[%s]" % f[9])
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            for fd in os.listdir("/proc/%s/fd" % d):
                if os.readlink("/proc/%s/fd/%s" % (d, fd)) in inodes:
                    return int(d)
        except OSError:
            continue
    return None


@pytest.mark.parametrize("direction", ["L", "R"])
def test_close_dbclient_background(crig, peer, direction):
    """dbclient -f -N: the forwarding lives on in the background child, same rules."""
    s = crig.dropbear()
    fport = free_port()
    logp = os.path.join(crig.tmp, "dbclient-f.log")
    with open(logp, "wb") as logf:  # the background child keeps stdout and stderr
        r = subprocess.run(crig.args(["-f", "-N"] + specs(direction, fport, peer),
                                     crig.dest(s)), stdin=subprocess.DEVNULL, stdout=logf,
                           stderr=logf, env=crig.env_vars(), timeout=30)
    assert r.returncode == 0, open(logp).read()
    assert wait_for(lambda: listening(fport), timeout=20), s.log()[-2000:]
    # -L: the background child holds the listener; -R: it ends with the server, which
    # the teardown kills
    pid = listener_pid(fport) if direction == "L" else None
    try:
        run_cases(fport, peer, lambda: open(logp).read() + s.log())
    finally:
        if pid:
            os.kill(pid, 9)


@pytest.mark.parametrize("kind", ["ours", "sshd", "upstream"])
def test_close_dbclient_netcat(crig, peer, kind):
    """-B host:port: stdin and stdout through one direct-tcpip channel; what the peer
    sends before it closes reaches stdout whole, and our stdin reaches the peer whole."""
    s = dbclient_server(crig, kind)
    for k, size in enumerate((1, 1000000)):
        data = payload(size, k)
        peer.set("send")
        peer.data = data
        r = crig.run(["-B", "127.0.0.1:%d" % peer.port], crig.dest(s), input=b"")
        assert r.returncode == 0 and r.stdout == data, (len(r.stdout), r.err)
        peer.result(2 * k)
        peer.set("sink")
        r = crig.run(["-B", "127.0.0.1:%d" % peer.port], crig.dest(s), input=data)
        assert r.returncode == 0, r.err
        assert peer.result(2 * k + 1) == (data, None)


# ---------------------------------------------------------------- agent channels

AGENT_MAGIC = b"FWDC"

# Run on the server as the test user: the near end of an agent channel, talking to the
# "agent" (a Peer on a Unix socket) through $SSH_AUTH_SOCK; prints what it read.
AGENT_CASE = r'''
import hashlib, os, socket, sys, threading
mode, size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out, i = bytearray(), 0
while len(out) < size:
    out += hashlib.sha256(b"%d:%d" % (seed, i)).digest()
    i += 1
data = bytes(out[:size])
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(os.environ["SSH_AUTH_SOCK"])
s.sendall(b"FWDC")  # AGENT_MAGIC: one of the test's connections
got = bytearray()
if mode == "sink":
    s.sendall(data)
    s.close()
else:
    if mode == "echo":  # written by a thread: the echo comes back meanwhile
        def up():
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        threading.Thread(target=up, daemon=True).start()
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    if mode == "send_shut":
        s.sendall(b"ack")
        s.shutdown(socket.SHUT_WR)
    s.close()
print("GOT", len(got), hashlib.sha256(got).hexdigest())
'''


def agent_cases(run, peer, modes=("echo", "sink", "send", "send_shut")):
    """run(command) -> (returncode, stdout, log) over a fresh connection with -A."""
    k = 0
    for mode in modes:
        for size in (1, 40000, 1000000):
            data = payload(size, k)
            peer.set(mode, data)
            rc, out, log = run("/usr/bin/python3 agentcase.py %s %d %d" % (mode, size, k))
            what = "agent %s %d bytes" % (mode, size)
            assert rc == 0, (what, out, log[-3000:])
            pgot, perr = peer.result(k)
            if mode in ("echo", "sink"):
                assert (pgot, perr) == (data, None), (what, len(pgot), perr)
            if mode == "send_shut":
                assert (pgot, perr) == (b"ack", None), (what, pgot, perr)
            want = 0 if mode == "sink" else size
            assert "GOT %d %s" % (want, hashlib.sha256(data[:want]).hexdigest()) in out, \
                (what, out, log[-3000:])
            k += 1


@pytest.fixture
def agent_peer(tmp_path):
    p = Peer(unix_path=str(tmp_path / "agent.sock"))
    p.path = str(tmp_path / "agent.sock")
    yield p
    p.stop()


def test_close_agent_openssh_client_our_server(rig, agent_peer, env):
    rig.start_server()
    env["user"].write("agentcase.py", AGENT_CASE)

    def run(cmd):
        r = rig.ssh(["-A", "-T"], cmd, timeout=60, agent_sock=agent_peer.path)
        return r.returncode, r.out, r.err + rig.server.log()
    # OpenSSH's ssh does not half-close agent connections (on EOF it stops reading the
    # agent: "FORCE input drain"), so only the cases where one end closes fully
    agent_cases(run, agent_peer, modes=("sink", "send"))


@pytest.mark.parametrize("kind", ["ours", "sshd"])
def test_close_agent_dbclient(crig, agent_peer, env, kind):
    s = dbclient_server(crig, kind)
    env["user"].write("agentcase.py", AGENT_CASE)

    def run(cmd):
        r = crig.run(["-A"], crig.dest(s), cmd, timeout=60, agent_sock=agent_peer.path)
        return r.returncode, r.stdout.decode(), r.err + s.log()
    agent_cases(run, agent_peer)


# ---------------------------------------------------------------- -R from the command

SEND_TO_PORT = ("/usr/bin/python3 -c \"import hashlib, socket, sys\n"
                "out = bytearray(); i = 0\n"
                "while len(out) < %d: out += hashlib.sha256(b'%%d:%%d' %% (%d, i)).digest(); i += 1\n"
                "s = socket.create_connection(('127.0.0.1', %d)); s.sendall(out[:%d]); s.close()\"")


def remote_sender_case(run, peer, rport):
    """The remote command connects to the -R port, writes and exits at once: the
    session ends while the data is on its way; all of it must reach the peer."""
    size, seed = 1000000, 7
    peer.set("sink")
    rc, log = run(SEND_TO_PORT % (size, seed, rport, size))
    assert rc == 0, log[-3000:]
    got, err = peer.result(0)
    assert (len(got), err) == (size, None) and got == payload(size, seed), \
        (len(got), err, log[-3000:])


@pytest.mark.parametrize("kind", ["ours", "upstream"])
def test_remote_command_sends_through_R_dbclient(crig, peer, kind):
    s = dbclient_server(crig, kind)
    rport = free_port()

    def run(cmd):
        r = crig.run(["-R", "%d:127.0.0.1:%d" % (rport, peer.port)], crig.dest(s), cmd)
        return r.returncode, r.err + s.log()
    remote_sender_case(run, peer, rport)


def test_remote_command_sends_through_R_openssh(rig, peer):
    rig.start_server()
    rport = free_port()

    def run(cmd):
        r = rig.ssh(["-R", "%d:127.0.0.1:%d" % (rport, peer.port)], cmd, timeout=60)
        return r.returncode, r.err + rig.server.log()
    remote_sender_case(run, peer, rport)
