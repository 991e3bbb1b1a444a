"""Unix-domain socket forwarding on our server (issue #15, item 3; OpenSSH's PROTOCOL
2.4), driven by OpenSSH's ssh:

- ssh -L PORT:/path (direct-streamlocal@openssh.com) reaches a Unix socket, and
  ssh -R /path:127.0.0.1:PORT (streamlocal-forward@openssh.com) makes one whose
  connections come back: 1 MB each way, checked by hash;
- the socket the server makes belongs to the user, mode 0600, and is removed when the
  forward ends (ssh exits, or -O cancel is not needed: the connection's end does it);
- every file operation is the user's: a socket in a directory only root may write or
  enter is refused both ways, and nothing is created there;
- refused under restrict, no-port-forwarding and a forced command.

Every wait is bounded; processes are killed by PID.
"""
import hashlib
import os
import shutil
import socket
import stat
import tempfile
import threading

import pytest

from conftest import free_port
from fwdhelpers import Proc, env, listening, wait_for  # noqa: F401
from test_forward import Rig
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(),
                                reason="needs root (throwaway users)")

SIZE = 1000000


class UnixEcho:
    """Echoes every connection on a Unix socket at path until EOF."""

    def __init__(self, path, mode=0o666):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.bind(path)
        os.chmod(path, mode)
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.accepted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn):
        conn.settimeout(30)
        try:
            while True:
                d = conn.recv(65536)
                if not d:
                    break
                conn.sendall(d)
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        conn.close()

    def stop(self):
        self.stopping = True
        self.sock.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


class TcpEcho(UnixEcho):
    def __init__(self):  # noqa: super not called: a TCP socket instead
        self.path = None
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.accepted = 0
        threading.Thread(target=self._run, daemon=True).start()

    def stop(self):
        self.stopping = True
        self.sock.close()


def echo_check(connect):
    """Sends SIZE random bytes through a socket made by connect(), reads the echo while
    sending; True when every byte came back in order, then EOF."""
    data = os.urandom(SIZE)
    s = connect()
    s.settimeout(30)
    got = bytearray()

    def reader():
        while True:
            try:
                d = s.recv(65536)
            except OSError:
                return
            if not d:
                return
            got.extend(d)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(40)
    s.close()
    return hashlib.sha256(bytes(got)).digest() == hashlib.sha256(data).digest()


def unix_connect(path):
    def f():
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(30)
        s.connect(path)
        return s
    return f


@pytest.fixture
def rig(env, tmp_path):
    r = Rig(env, tmp_path)
    yield r
    r.close()


@pytest.fixture
def udir(env):
    """A directory in the user's home, the user's own."""
    u = env["user"]
    d = os.path.join(u.home, "sl%d" % free_port())
    os.mkdir(d, 0o755)
    os.chown(d, u.uid, u.gid)
    yield d


@pytest.fixture
def rootdir():
    """A directory under /tmp that everyone may enter but only root may write (0755),
    with one inside that only root may enter (0700)."""
    d = tempfile.mkdtemp(prefix="sl-root-", dir="/tmp")
    os.chmod(d, 0o755)
    os.mkdir(os.path.join(d, "private"), 0o700)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_local_to_unix_socket(rig, udir):
    rig.start_server()
    peer = UnixEcho(os.path.join(udir, "peer.sock"))
    try:
        lport = free_port()
        p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes", "-L",
                        "%d:%s" % (lport, peer.path)])
        assert p.proc.poll() is None, p.log()[-3000:]
        ok = echo_check(lambda: socket.create_connection(("127.0.0.1", lport), timeout=30))
        assert ok, p.log()[-2000:] + rig.server.log()[-3000:]
        assert peer.accepted == 1
    finally:
        peer.stop()


def test_remote_unix_socket(rig, udir, env):
    rig.start_server()
    e = TcpEcho()
    path = os.path.join(udir, "fwd.sock")
    try:
        p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes", "-R",
                        "%s:127.0.0.1:%d" % (path, e.port)])
        assert wait_for(lambda: os.path.exists(path) or p.proc.poll() is not None,
                        timeout=20), rig.server.log()[-3000:]
        st = os.stat(path)
        assert stat.S_ISSOCK(st.st_mode)
        assert st.st_uid == env["user"].uid, "made as uid %d" % st.st_uid
        assert stat.S_IMODE(st.st_mode) == 0o600, oct(st.st_mode)
        assert echo_check(unix_connect(path)), p.log()[-2000:] + rig.server.log()[-3000:]
        assert echo_check(unix_connect(path))
        # a second forward to the same path is refused; the first one keeps its file
        r = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes", "-R",
                          "%s:127.0.0.1:%d" % (path, e.port)])
        assert r[0] != 0 and os.path.exists(path), r[1][-2000:]
        assert echo_check(unix_connect(path))
        p.stop()
        # the forward ends with the connection: the file goes
        assert wait_for(lambda: not os.path.exists(path), timeout=20), \
            rig.server.log()[-3000:]
    finally:
        e.stop()


def test_remote_socket_not_writable_refused(rig, rootdir):
    rig.start_server()
    for path in (os.path.join(rootdir, "x.sock"),
                 os.path.join(rootdir, "private", "x.sock")):
        rc, log = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes", "-R",
                                "%s:127.0.0.1:9" % path])
        assert rc != 0, log[-2000:]
        assert not os.path.exists(path)
        assert "streamlocal-forward %s failed: Permission denied" % path in \
            rig.server.log(), rig.server.log()[-3000:]


def test_local_socket_not_reachable_refused(rig, rootdir):
    rig.start_server()
    peer = UnixEcho(os.path.join(rootdir, "private", "peer.sock"))
    try:
        lport = free_port()
        p = rig.ssh_bg(["-L", "%d:%s" % (lport, peer.path)])
        s = socket.create_connection(("127.0.0.1", lport), timeout=20)
        s.settimeout(20)
        s.sendall(b"x")
        try:
            got = s.recv(10)
        except ConnectionResetError:
            got = b""
        s.close()
        assert got == b"" and peer.accepted == 0
        assert wait_for(lambda: "direct-streamlocal to %s failed: Permission denied"
                        % peer.path in rig.server.log(), timeout=10), \
            p.log()[-2000:] + rig.server.log()[-3000:]
    finally:
        peer.stop()


@pytest.mark.parametrize("options", ["restrict", "no-port-forwarding",
                                     'command="cat"'])
def test_refused_when_restricted(rig, udir, options):
    rig.start_server(options=options)
    peer = UnixEcho(os.path.join(udir, "peer.sock"))
    try:
        path = os.path.join(udir, "r.sock")
        rc, log = rig.ssh_fail(["-o", "ExitOnForwardFailure=yes", "-R",
                                "%s:127.0.0.1:9" % path])
        assert rc != 0 and not os.path.exists(path), log[-2000:]
        lport = free_port()
        rig.ssh_bg(["-L", "%d:%s" % (lport, peer.path)])
        s = socket.create_connection(("127.0.0.1", lport), timeout=20)
        s.settimeout(20)
        try:
            got = s.recv(10)
        except ConnectionResetError:
            got = b""
        s.close()
        assert got == b"" and peer.accepted == 0
        why = "a forced command" if options.startswith("command") else "no-port-forwarding"
        assert wait_for(lambda: "direct-streamlocal to %s refused: %s" % (peer.path, why)
                        in rig.server.log(), timeout=10), rig.server.log()[-3000:]
    finally:
        peer.stop()


# ---------------------------------------------------------------- dbclient's side

@pytest.fixture
def crig(env, tmp_path):
    from test_forward_client import ClientRig
    r = ClientRig(env, tmp_path)
    yield r
    r.close()


def client_server(crig, kind):
    return crig.dropbear() if kind == "ours" else crig.sshd()


@pytest.mark.parametrize("kind", ["ours", "sshd"])
def test_dbclient_local_to_remote_socket(crig, udir, kind):
    """dbclient -L PORT:/path: direct-streamlocal@openssh.com."""
    s = client_server(crig, kind)
    peer = UnixEcho(os.path.join(udir, "peer.sock"))
    try:
        lport = free_port()
        p = crig.bg(["-o", "ExitOnForwardFailure=yes", "-L", "%d:%s" % (lport, peer.path)],
                    crig.dest(s))
        assert wait_for(lambda: listening(lport) or p.proc.poll() is not None, timeout=20)
        assert echo_check(lambda: socket.create_connection(("127.0.0.1", lport), timeout=30)), \
            p.log()[-2000:] + s.log()[-3000:]
        assert peer.accepted == 1
    finally:
        peer.stop()


@pytest.mark.parametrize("kind", ["ours", "sshd"])
def test_dbclient_remote_socket(crig, udir, env, kind):
    """dbclient -R /path:host:port: streamlocal-forward@openssh.com."""
    s = client_server(crig, kind)
    e = TcpEcho()
    path = os.path.join(udir, "fwd.sock")
    try:
        p = crig.bg(["-o", "ExitOnForwardFailure=yes", "-R",
                     "%s:127.0.0.1:%d" % (path, e.port)], crig.dest(s))
        assert wait_for(lambda: os.path.exists(path) or p.proc.poll() is not None,
                        timeout=20), p.log()[-2000:] + s.log()[-3000:]
        assert os.stat(path).st_uid == env["user"].uid
        assert echo_check(unix_connect(path)), p.log()[-2000:] + s.log()[-3000:]
        p.stop()
        if kind == "ours":  # OpenSSH's sshd leaves the file (its StreamLocalBindUnlink)
            assert wait_for(lambda: not os.path.exists(path), timeout=20), s.log()[-3000:]
    finally:
        e.stop()


def test_dbclient_local_socket_listener(crig, tmp_path):
    """dbclient -L /path:host:port listens on a Unix socket (mode 0600), removed at exit;
    and -R PORT:/path connects to a local Unix socket."""
    s = crig.dropbear()
    e = TcpEcho()
    lpath = os.path.join(str(tmp_path), "l.sock")
    peer = UnixEcho(os.path.join(str(tmp_path), "peer.sock"))
    try:
        rport = free_port()
        p = crig.bg(["-o", "ExitOnForwardFailure=yes",
                     "-L", "%s:127.0.0.1:%d" % (lpath, e.port),
                     "-R", "%d:%s" % (rport, peer.path)], crig.dest(s))
        assert wait_for(lambda: (os.path.exists(lpath) and listening(rport)) or
                        p.proc.poll() is not None, timeout=20), p.log()[-2000:]
        assert stat.S_IMODE(os.stat(lpath).st_mode) == 0o600
        assert echo_check(unix_connect(lpath)), p.log()[-2000:] + s.log()[-3000:]
        assert echo_check(lambda: socket.create_connection(("127.0.0.1", rport), timeout=30)), \
            p.log()[-2000:] + s.log()[-3000:]
        p.stop()
        assert wait_for(lambda: not os.path.exists(lpath), timeout=10), p.log()[-2000:]
    finally:
        e.stop()
        peer.stop()


def test_dbclient_remote_socket_refused_restricted(crig, udir, env):
    crig.env["user"].authorize(env["pub"], options="restrict")
    s = crig.dropbear()
    path = os.path.join(udir, "r.sock")
    r = crig.run(["-N", "-o", "ExitOnForwardFailure=yes", "-R", "%s:127.0.0.1:9" % path],
                 crig.dest(s), timeout=30)
    assert r.returncode == 255 and "forwarding failed for listen path" in r.err, r.err
    assert not os.path.exists(path)


def test_socket_removed_when_connection_process_terminated(rig, udir):
    """SIGTERM to the server's connection process (a daemon being stopped) still removes
    the socket file it made."""
    from test_fwd_close import children
    rig.start_server()
    path = os.path.join(udir, "term.sock")
    p = rig.ssh_bg(["-o", "ExitOnForwardFailure=yes", "-R", "%s:127.0.0.1:9" % path])
    assert wait_for(lambda: os.path.exists(path) or p.proc.poll() is not None, timeout=20), \
        rig.server.log()[-3000:]
    # the connection process: the child of the listener that runs as the user
    uid = rig.env["user"].uid
    procs = [c for c in children(rig.server.proc.pid)
             if os.stat("/proc/%d" % c).st_uid == uid]
    assert len(procs) == 1, procs
    os.kill(procs[0], 15)
    assert wait_for(lambda: not os.path.exists(path), timeout=10), rig.server.log()[-3000:]
