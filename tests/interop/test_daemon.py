"""The dropbear daemon: listening addresses (IPv4, [IPv6]), the pid file, backgrounding,
inetd mode (-i behind socat and systemd-socket-activate), the unauthenticated connection
limits held by the listener, -V / -h, and the log lines a log watcher knows.

Every server and helper is started in its own process group and killed by PID at
teardown; only loopback addresses are used (127.0.0.2.. are loopback too)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, free_port, run
from test_auth import Client, authed
from users import can_create_users, throwaway_user

needs_users = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")


@pytest.fixture
def client(tmp_path):
    return Client(tmp_path)


@pytest.fixture
def user():
    with throwaway_user(password="Secret-pw-1") as u:
        yield u


@pytest.fixture
def procs():
    """Helper processes (socat, systemd-socket-activate; a backgrounded daemon by its pid
    file): each in its own session, killed by its group id at teardown."""
    made = []
    yield made
    for p in made:
        if isinstance(p, str):  # a pid file: whatever daemon it names now
            try:
                with open(p) as f:
                    p = int(f.read().strip())
            except (OSError, ValueError):
                continue
        pid = p if isinstance(p, int) else p.pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except (ProcessLookupError, PermissionError):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        if not isinstance(p, int):
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def ident_or_eof(sock, timeout=5.0):
    """What the server does with a fresh connection: b"SSH-..." when it serves it, b""
    when it closes it at once."""
    sock.settimeout(timeout)
    try:
        return sock.recv(64)
    except (ConnectionResetError, BrokenPipeError):
        return b""


def connect_from(src, port):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def wait_port(port, host="127.0.0.1", timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


# ---- limits held by the listener

def ended(sock, timeout=5.0):
    """True when the server closes sock within timeout (what it sent before is skipped)."""
    end = time.time() + timeout
    try:
        while time.time() < end:
            sock.settimeout(max(0.01, end - time.time()))
            if sock.recv(65536) == b"":
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        pass
    return False


@needs_users
def test_unauth_limit_per_address(start, client, user):
    """One address holds at most DB_MAX_UNAUTH_PER_IP unauthenticated connections: each
    one beyond takes the place of that address's oldest, which the listener ends."""
    s = start()
    socks = []
    try:
        got = []
        for _ in range(12):
            c = connect_from("127.0.0.1", s.port)
            socks.append(c)
            got.append(ident_or_eof(c))
        assert all(g.startswith(b"SSH-2.0-") for g in got), got
        assert all(ended(c) for c in socks[:7]), s.log()
        assert not any(ended(c, 0.2) for c in socks[7:]), s.log()
        # the listener is fine, and another address still gets in
        r = client.run(s.port, user.name, password=user.password, prefer="password",
                       opts=["-o", "BindAddress=127.0.0.2"])
        assert authed(r, "password"), r.out + s.log()
        assert s.alive()
    finally:
        for c in socks:
            c.close()


@needs_users
def test_authenticated_connections_leave_the_count(start, user):
    """A connection stops counting against the limits once it authenticates (it closes
    the listener's pipe): 5 logged-in clients from one address are never displaced by
    unauthenticated ones from it."""
    import paramiko
    s = start()
    ts, socks = [], []
    try:
        for _ in range(5):
            t = paramiko.Transport(socket.create_connection(("127.0.0.1", s.port), timeout=10))
            ts.append(t)
            t.start_client(timeout=10)
            t.auth_password(user.name, user.password)
            assert t.is_authenticated()
        for _ in range(6):
            c = connect_from("127.0.0.1", s.port)
            socks.append(c)
            assert ident_or_eof(c).startswith(b"SSH-2.0-"), s.log()
        # the sixth displaced the oldest unauthenticated one, not a logged-in one
        assert ended(socks[0]), s.log()
        assert all(t.is_active() for t in ts)
        for t in ts:
            ch = t.open_session(timeout=10)
            ch.exec_command("true")
            assert ch.recv_exit_status() == 0
    finally:
        for t in ts:
            t.close()
        for c in socks:
            c.close()


def test_unauth_limit_total(start):
    """DB_MAX_UNAUTH_CLIENTS in all: one more from a new address displaces the oldest
    connection of an address holding the most, logged once."""
    s = start()
    socks = []
    try:
        for i in range(6):  # 6 addresses x 5 = 30, the total limit
            for _ in range(5):
                c = connect_from("127.0.0.%d" % (i + 1), s.port)
                socks.append(c)
                assert ident_or_eof(c).startswith(b"SSH-2.0-"), i
        c = connect_from("127.0.0.7", s.port)
        socks.append(c)
        assert ident_or_eof(c).startswith(b"SSH-2.0-")
        assert ended(socks[0]), s.log()
        assert not any(ended(c, 0.1) for c in socks[1:]), s.log()
        assert s.wait_log(r"Displacing the oldest unauthenticated connection from "
                          r"127\.0\.0\.1: all 30 unauthenticated slots are taken")
    finally:
        for c in socks:
            c.close()


# ---- listening, pid file, background

def test_listen_ipv4_and_ipv6(start):
    try:
        t = socket.socket(socket.AF_INET6)
        t.bind(("::1", 0))
        t.close()
    except OSError:
        pytest.skip("no IPv6 loopback")
    p6 = free_port()
    s = start("-p", "[::1]:%d" % p6)
    with socket.create_connection(("127.0.0.1", s.port), timeout=5) as c:
        assert ident_or_eof(c).startswith(b"SSH-2.0-")
    with socket.create_connection(("::1", p6), timeout=5) as c:
        assert ident_or_eof(c).startswith(b"SSH-2.0-")
    assert s.wait_log(r"Child connection from \[::1\]:\d+")
    assert s.wait_log(r"Child connection from 127\.0\.0\.1:\d+")


def test_pidfile_removed_on_sigterm(start):
    s = start()
    pidfile = os.path.join(s.dir, "dropbear.pid")
    with open(pidfile) as f:
        assert int(f.read().strip()) == s.proc.pid
    s.proc.send_signal(signal.SIGTERM)
    s.proc.wait(timeout=10)
    assert not os.path.exists(pidfile)


def test_background(tmp_path, hostkeys, procs):
    port = free_port()
    pidfile = str(tmp_path / "bg.pid")
    log = open(tmp_path / "bg.log", "wb")
    procs.append(pidfile)  # killed at teardown even if this test fails half-way
    r = subprocess.run([BIN, "dropbear", "-E", "-p", "127.0.0.1:%d" % port, "-P", pidfile,
                        "-r", hostkeys["ed25519"].path], stdin=subprocess.DEVNULL,
                       stdout=log, stderr=log, timeout=30, start_new_session=True)
    assert r.returncode == 0
    end = time.time() + 10
    pid = None
    while pid is None and time.time() < end:
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())  # the daemon may be writing it right now
        except (FileNotFoundError, ValueError):
            time.sleep(0.05)
    assert pid, "no pid file"
    os.kill(pid, 0)  # alive, and not the process we started (that one exited)
    assert wait_port(port)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
        assert ident_or_eof(c).startswith(b"SSH-2.0-")
    os.kill(pid, signal.SIGTERM)
    end = time.time() + 10
    while os.path.exists(pidfile) and time.time() < end:
        time.sleep(0.05)
    assert not os.path.exists(pidfile)
    assert "Not backgrounding" not in (tmp_path / "bg.log").read_text()


def test_version_and_help():
    r = run([BIN, "dropbear", "-V"])
    assert r.returncode == 0 and re.search(rb"Dropbear v\d", r.stdout + r.stderr)
    r = run([BIN, "dropbear", "-h"])
    assert r.returncode == 0 and b"-i" in r.stdout and b"-p [address:]port" in r.stdout


# ---- inetd mode

@needs_users
def test_inetd_socat(tmp_path, hostkeys, client, user, procs):
    port = free_port()
    log = open(tmp_path / "inetd.log", "wb")
    p = subprocess.Popen(["socat", "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork" % port,
                          "EXEC:%s dropbear -i -E -v -r %s" % (BIN, hostkeys["ed25519"].path)],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
    procs.append(p)
    assert wait_port(port)
    r = client.run(port, user.name, password=user.password, prefer="password")
    text = (tmp_path / "inetd.log").read_text()
    assert authed(r, "password"), r.out + text
    assert "Password auth succeeded for '%s'" % user.name in text


@needs_users
@pytest.mark.skipif(not shutil.which("systemd-socket-activate"),
                    reason="systemd-socket-activate not installed")
def test_inetd_systemd_socket_activate(tmp_path, hostkeys, client, user, procs):
    port = free_port()
    log = open(tmp_path / "sa.log", "wb")
    p = subprocess.Popen(["systemd-socket-activate", "-a", "--inetd",
                          "-l", "127.0.0.1:%d" % port, BIN, "dropbear", "-i", "-E",
                          "-r", hostkeys["ed25519"].path],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
    procs.append(p)
    assert wait_port(port)
    r = client.run(port, user.name, password=user.password, prefer="password")
    text = (tmp_path / "sa.log").read_text()
    assert authed(r, "password"), r.out + text
    # a real TCP socket on stdin: the peer is named in the log lines
    assert re.search(r"Password auth succeeded for '%s' from 127\.0\.0\.1:\d+" % user.name,
                     text), text


def test_inetd_pipes(hostkeys):
    """Two pipes instead of a socket: served through the relay, and it all ends at EOF."""
    r = subprocess.run([BIN, "dropbear", "-i", "-E", "-r", hostkeys["ed25519"].path],
                       input=b"SSH-2.0-OpenSSH_9.2\r\n", capture_output=True, timeout=30)
    assert r.stdout.startswith(b"SSH-2.0-dropbear"), (r.stdout, r.stderr)


@needs_users
def test_inetd_proxycommand(hostkeys, client, user):
    """ssh -o ProxyCommand='dropbear -i': pipes on both sides."""
    r = client.run(22, user.name, password=user.password, prefer="password",
                   opts=["-o", "ProxyCommand=%s dropbear -i -E -r %s"
                         % (BIN, hostkeys["ed25519"].path)],
                   command="echo via-proxy")
    assert authed(r, "password"), r.out
    assert "Password auth succeeded for '%s' from inetd" % user.name in r.out
    assert "via-proxy" in r.stdout.decode(), r.out


# ---- log lines as Dropbear words them

@needs_users
def test_log_lines(start, client, user):
    s = start()
    client.run(s.port, user.name, password="wrong", prefer="password")
    assert s.wait_log(r"Bad password attempt for '%s' from 127\.0\.0\.1:\d+" % user.name)
    assert s.wait_log(r"Exit before auth from <127\.0\.0\.1:\d+>: ")
    client.run(s.port, "nosuchuser%d" % os.getpid(), password="x", prefer="password")
    assert s.wait_log(r"Login attempt for nonexistent user from 127\.0\.0\.1:\d+")
    r = client.run(s.port, user.name, password=user.password, prefer="password")
    assert authed(r, "password")
    assert s.wait_log(r"Exit \(%s\) from <127\.0\.0\.1:\d+>: " % user.name)


# ---- host keys on the daemon's exit paths

def _bound_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


@pytest.mark.skipif(not shutil.which("valgrind"), reason="needs valgrind")
@pytest.mark.parametrize("case", ["port_in_use", "bad_second_key", "repeated_type"])
def test_hostkeys_freed_when_startup_fails(tmp_path, hostkeys, case):
    """A daemon that cannot start (its port taken, a key file that does not load or
    repeats a type) frees every host key it had loaded (key_free wipes each) before it
    exits: valgrind finds no block left behind."""
    held = _bound_port()
    try:
        keys = [hostkeys[k].path for k in ("ed25519", "ecdsa256", "rsa")]
        port = free_port()
        if case == "port_in_use":
            port = held.getsockname()[1]
        elif case == "bad_second_key":
            keys.insert(2, str(tmp_path / "missing"))
        else:
            keys.append(hostkeys["ed25519"].path)
        args = ["valgrind", "-q", "--leak-check=full", "--show-leak-kinds=all",
                "--errors-for-leak-kinds=all", "--error-exitcode=99", BIN, "dropbear",
                "-F", "-E", "-p", "127.0.0.1:%d" % port, "-P", str(tmp_path / "pid")]
        for k in keys:
            args += ["-r", k]
        r = run(args, timeout=120)
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 1, err
        assert "lost" not in err and "reachable" not in err, err
    finally:
        held.close()


# ---- a fresh address-space layout per connection (DB_REEXEC)

def _maps(pid):
    """The start addresses of the binary's first mapping, the heap and the stack."""
    with open("/proc/%d/maps" % pid) as f:
        lines = f.read().splitlines()
    exe = os.path.realpath("/proc/%d/exe" % pid)
    first = lambda pred: next((l.split("-")[0] for l in lines if pred(l)), None)
    return (first(lambda l: l.endswith(exe)), first(lambda l: l.endswith("[heap]")),
            first(lambda l: l.endswith("[stack]")))


def _children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(p) for p in f.read().split()]


def _two_connections(s, socks):
    """Open two connections to s (appended to socks), each answered with an
    identification, and return the pids of the two connection processes."""
    for _ in range(2):
        c = connect_from("127.0.0.1", s.port)
        socks.append(c)
        assert ident_or_eof(c).startswith(b"SSH-2.0-")
    end = time.time() + 10
    while len(_children(s.proc.pid)) < 2 and time.time() < end:
        time.sleep(0.05)
    kids = _children(s.proc.pid)
    assert len(kids) == 2, kids
    return kids


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
def test_connections_get_fresh_layouts(start):
    """Each connection's process is this binary executed again, not a fork of the
    daemon: two connections (and the daemon) show different memory layouts."""
    with open("/proc/sys/kernel/randomize_va_space") as f:
        if f.read().strip() == "0":
            pytest.skip("address-space randomisation is off on this machine")
    s = start()
    socks = []
    try:
        kids = _two_connections(s, socks)
        layouts = [_maps(p) for p in [s.proc.pid] + kids]
        assert all(l[0] and l[2] for l in layouts), layouts
        for i in range(3):
            for j in range(i + 1, 3):
                assert layouts[i][0] != layouts[j][0], layouts  # the binary
                assert layouts[i][2] != layouts[j][2], layouts  # the stack
    finally:
        for c in socks:
            c.close()


def _fd_targets(pid):
    d = "/proc/%d/fd" % pid
    out = {}
    for n in os.listdir(d):
        try:
            out[int(n)] = os.readlink(os.path.join(d, n))
        except OSError:
            pass
    return out


@pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="needs /proc")
def test_connection_holds_only_its_own_descriptors(start):
    """The listener spawns each connection's process straight from itself (no fork that
    closes what it should not keep): what reaches it is only 0-2, its socket, its pipe
    and its signer socket, none of the listener's (its listening socket) nor an earlier
    connection's."""
    s = start()
    socks = []
    try:
        kids = _two_connections(s, socks)
        daemon = _fd_targets(s.proc.pid)
        first, second = (_fd_targets(p) for p in kids)
        for fds in (first, second):
            extra = {n: t for n, t in fds.items() if n > 2}
            assert len(extra) == 3, fds
            assert sorted(t.split(":")[0] for t in extra.values()) == \
                ["pipe", "socket", "socket"], fds
        # the listener's sockets (listening, its ends of the signer sockets) are other
        # inodes than a connection's (accepted, its end of the signer socket), once the
        # listener has closed its copies of the latter (it may not have yet: the new
        # process can answer before the listener runs again after the spawn)
        theirs = set(first.values()) | set(second.values())
        end = time.time() + 5
        while True:
            ours = [t for t in daemon.values() if t.startswith("socket:")]
            shared = [t for t in ours if t in theirs]
            if not shared or time.time() > end:
                break
            time.sleep(0.05)
            daemon = _fd_targets(s.proc.pid)
        assert len(ours) >= 3, daemon
        assert not shared, (daemon, first, second)
        # nothing of the first connection reached the second
        assert not (set(t for n, t in first.items() if n > 2) &
                    set(t for n, t in second.items() if n > 2)), (first, second)
    finally:
        for c in socks:
            c.close()
