"""The built-in SFTP server (issue #10) against OpenSSH's sftp and scp (Debian's 9.2 and the
10.5p1 peer), paramiko's SFTPClient, and raw malformed requests; the sftp-server face
behind OpenSSH's sshd.

Our server runs in a private mount namespace with an empty directory over
/usr/lib/openssh, and without -S: no sftp-server exists for it, so what answers is the
built-in one (its log line says so). Files are compared by SHA-256. SFTP_TEST_MB sets the
size of the big file sent each way through the built-in server (default 100, the issue's
case: about 10 s per client here); the runs behind OpenSSH's sshd use 8 MB.
"""
import hashlib
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import tempfile
import time

import paramiko
import pytest

from conftest import BIN, free_port, run
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PEER = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers", "openssh-10"))
MB = int(os.environ.get("SFTP_TEST_MB", "100"))
HIDDEN = ("/usr/lib/openssh", "/usr/libexec/openssh", "/usr/libexec", "/usr/lib/ssh")


def clients():
    out = [pytest.param(("/usr/bin/sftp", "/usr/bin/scp", []), id="openssh-9.2")]
    p = os.path.join(PEER, "bin")
    mark = [] if os.path.exists(os.path.join(p, "sftp")) else \
        [pytest.mark.skip(reason="no OpenSSH 10 peer")]
    out.append(pytest.param((os.path.join(p, "sftp"), os.path.join(p, "scp"),
                             ["-S", os.path.join(p, "ssh")]), id="openssh-10", marks=mark))
    return out


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def blob(path, size, seed):
    """size bytes, different per seed, written fast (a repeated random block + counter)."""
    base = os.urandom(65536)
    with open(path, "wb") as f:
        for i in range(0, size, 65536):
            f.write((struct.pack(">QQ", seed, i) + base)[:min(65536, size - i)])
    return path


@pytest.fixture(scope="module")
def ukey(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("sftpkey") / "id")
    r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
    assert r.returncode == 0, r.stderr
    with open(p + ".pub") as f:
        return p, " ".join(f.read().split()[:2])


@pytest.fixture(scope="module")
def user(ukey):
    with throwaway_user(password="Secret-pw-1") as u:
        u.authorize(ukey[1])
        yield u


def hide_sftp_servers(tmp):
    """A wrapper that runs the server where no system sftp-server can be reached."""
    empty = os.path.join(str(tmp), "empty")
    os.makedirs(empty, exist_ok=True)
    script = "set -e; for d in %s; do [ -d \"$d\" ] && mount --bind \"$0\" \"$d\"; done; " \
             "exec \"$@\"" % " ".join(HIDDEN)
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, empty]


@pytest.fixture(scope="module")
def srv(tmp_path_factory, hostkeys):
    from conftest import Server
    if run(["unshare", "-m", "true"]).returncode != 0:
        pytest.skip("cannot make a mount namespace")
    d = tmp_path_factory.mktemp("sftpsrv")
    s = Server(d, [hostkeys["ed25519"].path], wrap=hide_sftp_servers(d))
    s.start()
    yield s
    s.stop()


class Client:
    def __init__(self, tmp, key, tools):
        self.dir = str(tmp)
        self.home = os.path.join(self.dir, "chome")
        os.makedirs(self.home, exist_ok=True)
        self.key = key
        self.sftp, self.scp, self.extra = tools

    def opts(self, port):
        return ["-F", "/dev/null",
                "-o", "UserKnownHostsFile=" + os.path.join(self.dir, "known_hosts"),
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "ConnectTimeout=10", "-i", self.key, "-P", str(port)] + self.extra

    def env(self):
        e = dict(os.environ, HOME=self.home)
        e.pop("SSH_AUTH_SOCK", None)
        return e

    def batch(self, port, user, script, timeout=300):
        path = os.path.join(self.dir, "batch")
        with open(path, "w") as f:
            f.write(script)
        cmd = [self.sftp] + self.opts(port) + ["-b", path, "%s@127.0.0.1" % user.name]
        r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=self.env(),
                           stdin=subprocess.DEVNULL)
        r.out = r.stdout.decode("utf-8", "replace")
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    def scp_run(self, port, args, timeout=120):
        cmd = [self.scp] + self.opts(port) + ["-q"] + args
        return subprocess.run(cmd, capture_output=True, timeout=timeout, env=self.env(),
                              stdin=subprocess.DEVNULL)


def test_builtin_is_used(srv, user, ukey, tmp_path):
    c = Client(tmp_path, ukey[0], ("/usr/bin/sftp", "/usr/bin/scp", []))
    m = srv.mark()
    r = c.batch(srv.port, user, "pwd\n")
    assert r.returncode == 0, r.err
    assert "Remote working directory: %s" % user.home in r.out
    assert srv.wait_log(r"sftp subsystem for '%s': built-in server" % user.name, since=m)
    assert srv.wait_log(r"session opened for local user %s from \[127\.0\.0\.1\]" % user.name,
                        since=m)
    assert srv.wait_log(r"session closed for local user %s" % user.name, since=m)
    # and no system sftp-server can be reached from the server's namespace
    assert "/usr/lib/openssh/sftp-server" not in srv.log_since(m)
    # as a command run by this server sees it: nothing in its PATH, none in the libexec
    # directories it would try (DB_SFTP_SERVER_PATHS), and -S is unset
    assert "-S" not in srv.extra
    opts = ["-p" if o == "-P" else o for o in c.opts(srv.port)]
    probe = "command -v sftp-server; for d in %s; do ls \"$d\"; done; echo PATH=$PATH" % \
        " ".join(HIDDEN)
    r = subprocess.run(["/usr/bin/ssh"] + opts + ["%s@127.0.0.1" % user.name, probe],
                       capture_output=True, text=True, timeout=60, env=c.env(),
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and "PATH=/" in r.stdout, r.stderr
    assert "sftp-server" not in r.stdout, r.stdout
    assert os.path.exists("/usr/lib/openssh/sftp-server")  # hidden, not absent


@pytest.mark.parametrize("tools", clients())
def test_sftp_batch_every_command(srv, user, ukey, tmp_path, tools):
    every_command(Client(tmp_path, ukey[0], tools), srv.port, user, tmp_path, MB)


def every_command(c, port, user, tmp_path, mb):
    """sftp -b with every command the issue lists; big files both ways, resumed too."""
    size = mb << 20
    up = blob(str(tmp_path / "up.bin"), size, 1)
    down = str(tmp_path / "down.bin")
    h = user.home
    work = os.path.join(h, "w")
    r = c.batch(port, user, "\n".join([
        "mkdir w", "cd w", "pwd", "put %s big" % up, "get big %s" % down,
        "ls -l", "rename big big2", "ln -s big2 sym", "ln big2 hard",
        "chmod 640 big2", "chown %d big2" % user.uid, "mkdir sub", "rmdir sub",
        "df -h", "df", "ls -l sym", "cd /", "cd", "pwd", "ls w", ""]), timeout=600)
    assert r.returncode == 0, r.err + r.out
    assert sha(down) == sha(up)
    assert sha(os.path.join(work, "big2")) == sha(up)
    assert os.readlink(os.path.join(work, "sym")) == "big2"
    assert os.stat(os.path.join(work, "hard")).st_ino == os.stat(os.path.join(work, "big2")).st_ino
    assert stat.S_IMODE(os.stat(os.path.join(work, "big2")).st_mode) == 0o640
    assert not os.path.exists(os.path.join(work, "sub"))
    assert "Remote working directory: %s/w" % h in r.out
    assert "Remote working directory: %s\n" % h in r.out  # cd: home again
    assert "big2" in r.out and "Size" in r.out
    # resume both ways: a half-sent upload and a half-fetched download
    with open(os.path.join(work, "big2"), "r+b") as f:
        f.truncate(size // 2)
    with open(down, "r+b") as f:
        f.truncate(size // 3)
    r = c.batch(port, user, "reput %s w/big2\nreget w/hard %s\nrm w/sym\nrm w/hard\n"
                "rm w/big2\nrmdir w\n" % (up, down))
    assert r.returncode == 0, r.err + r.out
    assert sha(down) == sha(up)
    assert not os.path.exists(work)
    return r.err


def make_tree(root):
    os.makedirs(os.path.join(root, "a", "b"))
    os.makedirs(os.path.join(root, "empty"))
    os.makedirs(os.path.join(root, "a", "emptier"))
    for i, rel in enumerate(["f0", "a/f1", "a/b/f2", "a/b/f3"]):
        with open(os.path.join(root, rel), "wb") as f:
            f.write(os.urandom(1000 * (i + 1)))
    os.chmod(os.path.join(root, "a", "f1"), 0o600)
    os.chmod(os.path.join(root, "a", "b", "f2"), 0o751)
    os.utime(os.path.join(root, "f0"), (1000000000, 1000000000))
    os.symlink("f0", os.path.join(root, "link"))


def tree(root):
    out = {}
    for d, dirs, names in os.walk(root):
        for n in dirs:
            out[os.path.relpath(os.path.join(d, n), root)] = "dir"
        for n in names:
            p = os.path.join(d, n)
            st = os.stat(p)
            out[os.path.relpath(p, root)] = (sha(p), stat.S_IMODE(st.st_mode))
    return out


@pytest.mark.parametrize("tools", clients())
def test_scp_sftp_mode(srv, user, ukey, tmp_path, tools):
    c = Client(tmp_path, ukey[0], tools)
    src = str(tmp_path / "tree")
    make_tree(src)
    dest = "%s@127.0.0.1:t" % user.name
    m = srv.mark()
    r = c.scp_run(srv.port, ["-r", "-p", src, dest])
    assert r.returncode == 0, r.stderr
    # scp's default mode: it asked for the sftp subsystem (the legacy mode runs "scp -t")
    assert srv.wait_log(r"sftp subsystem for '%s': built-in server" % user.name, since=m)
    assert "scp -t" not in srv.log_since(m)
    remote = os.path.join(user.home, "t")
    assert tree(remote) == tree(src)
    assert int(os.stat(os.path.join(remote, "f0")).st_mtime) == 1000000000
    back = str(tmp_path / "back")
    r = c.scp_run(srv.port, ["-r", "-p", dest, back])
    assert r.returncode == 0, r.stderr
    assert tree(back) == tree(src)
    assert int(os.stat(os.path.join(back, "f0")).st_mtime) == 1000000000
    # one file each way, named with ~ (scp asks expand-path@openssh.com)
    one = blob(str(tmp_path / "one"), 1 << 20, 7)
    r = c.scp_run(srv.port, [one, "%s@127.0.0.1:~/one" % user.name])
    assert r.returncode == 0, r.stderr
    assert sha(os.path.join(user.home, "one")) == sha(one)
    r = c.scp_run(srv.port, ["%s@127.0.0.1:~%s/one" % (user.name, user.name),
                             str(tmp_path / "one.back")])
    assert r.returncode == 0, r.stderr
    assert sha(str(tmp_path / "one.back")) == sha(one)
    shutil.rmtree(remote)


def pm_sftp(port, user, key):
    t = paramiko.Transport(("127.0.0.1", port))
    t.banner_timeout = 10
    t.start_client(timeout=10)
    t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(key))
    s = paramiko.SFTPClient.from_transport(t)
    s.get_channel().settimeout(60)
    return t, s


def test_paramiko(srv, user, ukey):
    t, s = pm_sftp(srv.port, user, ukey[0])
    try:
        s.mkdir("pm")
        s.chdir("pm")
        assert s.getcwd() == os.path.join(user.home, "pm")
        for i in range(1000):
            with s.open("f%04d" % i, "wb") as f:
                f.write(b"x%d" % i)
        names = sorted(a.filename for a in s.listdir_attr("."))
        assert names == ["f%04d" % i for i in range(1000)]
        attrs = {a.filename: a for a in s.listdir_attr(".")}
        assert attrs["f0999"].st_size == 4 and attrs["f0999"].longname.startswith("-rw")
        with s.open("big", "wb") as f:
            f.set_pipelined(True)
            f.write(b"z" * 300000)
        assert s.stat("big").st_size == 300000
        s.truncate("big", 1234)
        assert s.stat("big").st_size == 1234
        s.utime("big", (1500000000, 1600000000))
        st = s.stat("big")
        assert (st.st_atime, st.st_mtime) == (1500000000, 1600000000)
        s.chmod("big", 0o604)
        assert stat.S_IMODE(s.lstat("big").st_mode) == 0o604
        s.symlink("big", "ln")
        assert s.readlink("ln") == "big"
        assert stat.S_ISLNK(s.lstat("ln").st_mode)
        s.rename("big", "big2")
        with pytest.raises(IOError):
            s.rename("f0000", "f0001")  # draft 02: RENAME never replaces
        s.posix_rename("f0000", "f0001")
        with s.open("big2", "rb") as f:
            assert f.read() == b"z" * 1234
        with pytest.raises(FileNotFoundError):
            s.stat("nope")
        for a in s.listdir("."):
            s.remove(a)
        s.chdir("..")
        s.rmdir("pm")
    finally:
        s.close()
        t.close()


def raw_channel(port, user, key):
    t = paramiko.Transport(("127.0.0.1", port))
    t.banner_timeout = 10
    t.start_client(timeout=10)
    t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(key))
    ch = t.open_session(timeout=10)
    ch.settimeout(20)
    ch.invoke_subsystem("sftp")
    return t, ch


def recv_exact(ch, n):
    out = b""
    while len(out) < n:
        d = ch.recv(n - len(out))
        if not d:
            raise EOFError
        out += d
    return out


def pkt(t, body):
    m = bytes([t]) + body
    return struct.pack(">I", len(m)) + m


def reply(ch):
    n = struct.unpack(">I", recv_exact(ch, 4))[0]
    return recv_exact(ch, n)


def s(x):
    x = x.encode() if isinstance(x, str) else x
    return struct.pack(">I", len(x)) + x


def status_of(r):
    assert r[0] == 101, r
    return struct.unpack(">II", r[1:9])


def test_malformed_requests(srv, user, ukey):
    t, ch = raw_channel(srv.port, user, ukey[0])
    try:
        ch.sendall(pkt(1, struct.pack(">I", 3)))
        r = reply(ch)
        assert r[0] == 2 and b"limits@openssh.com" in r
        bad = [
            (3, struct.pack(">I", 10) + b"\x00\x00"),                 # OPEN: truncated path
            (3, struct.pack(">I", 11) + s("a\x00b") + b"\0" * 8),     # NUL in a path
            (5, struct.pack(">I", 12) + s("12345678") + b"\0" * 12),   # READ: stale handle
            (5, struct.pack(">I", 13) + s("x")),                       # READ: truncated
            (17, struct.pack(">I", 14) + s("/") + b"junk"),            # STAT: trailing
            (17, struct.pack(">I", 15) + s("x" * 10000)),              # path past PATH_MAX
            (9, struct.pack(">I", 16) + s("f") + struct.pack(">I", 0x80000000) +
             struct.pack(">I", 0xffffffff)),                           # attrs: huge ext count
            (200, struct.pack(">I", 17) + s("no-such@ext")),           # unknown extension
            (200, struct.pack(">I", 18) + s("copy-data") + s("h")),    # truncated copy-data
            (99, struct.pack(">I", 19)),                               # unknown type
        ]
        want = [5, 5, 4, 5, 5, 5, 5, 8, 5, 8]
        for (typ, body), code in zip(bad, want):
            ch.sendall(pkt(typ, body))
        for (typ, body), code in zip(bad, want):
            rid, got = status_of(reply(ch))
            assert got == code, (typ, rid, got)
        # the session goes on: a good request still works
        ch.sendall(pkt(17, struct.pack(">I", 50) + s(".")))
        r = reply(ch)
        assert r[0] == 105
        # a length past the limit ends the subsystem, not the server
        ch.sendall(struct.pack(">I", 1 << 30) + b"\x05")
        end = time.time() + 10
        while time.time() < end and not ch.exit_status_ready():
            time.sleep(0.05)
        assert ch.exit_status_ready()
    finally:
        t.close()
    assert srv.alive()


def test_handles_bounded(srv, user, ukey):
    t, s_ = pm_sftp(srv.port, user, ukey[0])
    try:
        lim = s_._request(paramiko.sftp.CMD_EXTENDED, "limits@openssh.com")
        handles = []
        with pytest.raises(IOError):
            for _ in range(2000):
                handles.append(s_.open(".profile" if False else "/etc/hostname", "r"))
        assert 0 < len(handles) <= 1024
        for h in handles:
            h.close()
        assert lim
    finally:
        s_.close()
        t.close()


def test_forced_internal_sftp(start, user, ukey, tmp_path):
    user.authorize(ukey[1], options='command="internal-sftp"')
    try:
        srv2 = start()
        c = Client(tmp_path, ukey[0], ("/usr/bin/sftp", "/usr/bin/scp", []))
        r = c.batch(srv2.port, user, "pwd\n")
        assert r.returncode == 0, r.err
        cmd = ["ssh"] + [o for o in c.opts(srv2.port) if o != "-P"]
        cmd[cmd.index(str(srv2.port))] = "-p%d" % srv2.port
        r = subprocess.run(cmd + ["%s@127.0.0.1" % user.name, "echo hi"], capture_output=True,
                           timeout=60, env=c.env(), stdin=subprocess.DEVNULL)
        assert r.returncode != 0 and b"sftp connections only" in r.stderr + r.stdout
    finally:
        user.authorize(ukey[1])


def start_openssh10(tmp, user, subsystem=None):
    """OpenSSH 10.5's sshd with "Subsystem sftp" our binary under the name sftp-server
    (or the given command line)."""
    run(["install", "-d", "-m", "0755", "-o", "root", "-g", "root", "/opt/openssh10/var/empty"])
    d = tempfile.mkdtemp(prefix="dbt-sftpd-")
    os.chmod(d, 0o755)
    face = os.path.join(d, "sftp-server")
    os.symlink(BIN, face)
    hk = os.path.join(d, "host_ed25519")
    r = run([os.path.join(PEER, "bin", "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "",
             "-f", hk])
    assert r.returncode == 0, r.stderr
    cfg = os.path.join(d, "sshd_config")
    with open(cfg, "w") as f:
        f.write("\n".join([
            "SshdSessionPath %s/libexec/sshd-session" % PEER,
            "SshdAuthPath %s/libexec/sshd-auth" % PEER,
            "Subsystem sftp %s" % (subsystem or face + " -e -l INFO"),
            "PidFile none", "ListenAddress 127.0.0.1", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "PerSourcePenalties no",
            "AllowUsers %s" % user.name, "LogLevel DEBUG1", ""]))
    log = os.path.join(d, "sshd.log")
    for _ in range(3):
        port = free_port()
        with open(log, "wb") as lf:
            p = subprocess.Popen([os.path.join(PEER, "sbin", "sshd"), "-f", cfg, "-D", "-e",
                                  "-p", str(port), "-h", hk], stdin=subprocess.DEVNULL,
                                 stdout=lf, stderr=lf, start_new_session=True)
        end = time.time() + 10
        while time.time() < end and p.poll() is None:
            with open(log, errors="replace") as lf:
                if "Server listening" in lf.read():
                    return p, port, d, log
            time.sleep(0.05)
        stop_proc(p)
    pytest.fail("OpenSSH 10 sshd did not start")


def stop_proc(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)


@pytest.mark.skipif(not os.path.exists(os.path.join(PEER, "sbin", "sshd")),
                    reason="no OpenSSH 10 peer")
@pytest.mark.parametrize("tools", clients())
def test_face_behind_openssh_sshd(user, ukey, tmp_path, tools):
    p, port, d, log = start_openssh10(tmp_path, user)
    face = os.path.join(d, "sftp-server")
    try:
        every_command(Client(tmp_path, ukey[0], tools), port, user, tmp_path, 100)
        with open(log, errors="replace") as f:
            text = f.read()
        # sshd ran the symlink to our binary: nothing else can have answered
        assert "subsystem: exec() %s" % face in text, text
    finally:
        stop_proc(p)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def start(server_factory, hostkeys):
    def make(*extra):
        return server_factory([hostkeys["ed25519"].path], extra=list(extra))
    return make


def test_asyncssh(srv, user, ukey):
    asyncssh = pytest.importorskip("asyncssh")
    import asyncio

    # asyncssh sends SYMLINK's arguments in OpenSSH's order only to servers whose version
    # string names OpenSSH or paramiko; ours (like Dropbear with OpenSSH's sftp-server)
    # follows OpenSSH, so it is told so
    handler = asyncssh.sftp.SFTPClientHandler
    if "dropbear" not in handler._nonstandard_symlink_impls:
        handler._nonstandard_symlink_impls = handler._nonstandard_symlink_impls + ["dropbear"]

    async def go():
        async with asyncssh.connect("127.0.0.1", srv.port, username=user.name,
                                    client_keys=[ukey[0]], known_hosts=None,
                                    agent_path=None) as conn:
            async with conn.start_sftp_client() as sftp:
                # absolute paths: asyncssh's chdir is its own and not applied to every
                # argument (a symlink's new path stays relative to the server's cwd)
                d = os.path.join(user.home, "as") + "/"
                await sftp.mkdir(d)
                for i in range(1000):
                    async with sftp.open(d + "f%04d" % i, "wb") as f:
                        await f.write(b"%d" % i)
                names = sorted(await sftp.listdir(d))
                assert [n for n in names if n not in (".", "..")] == \
                    ["f%04d" % i for i in range(1000)]
                attrs = {n.filename: n for n in await sftp.readdir(d)}
                assert attrs["f0999"].attrs.size == 3
                assert attrs["f0999"].longname.startswith("-rw")
                async with sftp.open(d + "big", "wb") as f:
                    await f.write(os.urandom(1 << 20))
                await sftp.truncate(d + "big", 4321)
                assert (await sftp.stat(d + "big")).size == 4321
                await sftp.utime(d + "big", (1500000000, 1600000000))
                st = await sftp.stat(d + "big")
                assert (st.atime, st.mtime) == (1500000000, 1600000000)
                await sftp.symlink("big", d + "ln")
                assert await sftp.readlink(d + "ln") == "big"
                await sftp.posix_rename(d + "big", d + "big2")
                await sftp.link(d + "big2", d + "hard")
                assert (await sftp.lstat(d + "hard")).size == 4321
                v = await sftp.statvfs(d)
                assert v.bsize > 0
                for n in await sftp.listdir(d):
                    if n not in (".", ".."):
                        await sftp.remove(d + n)
                await sftp.rmdir(d)

    asyncio.run(asyncio.wait_for(go(), 120))


def test_sshfs(srv, user, ukey, tmp_path):
    if not os.path.exists("/dev/fuse"):
        pytest.skip("no /dev/fuse")
    if not shutil.which("sshfs"):
        pytest.skip("sshfs not installed")
    c = Client(tmp_path, ukey[0], ("/usr/bin/sftp", "/usr/bin/scp", []))
    mnt = str(tmp_path / "mnt")
    os.makedirs(mnt)
    ssh_cmd = "ssh " + " ".join(o for o in c.opts(srv.port) if o not in ("-P", str(srv.port)))
    r = subprocess.run(["sshfs", "-p", str(srv.port), "-o", "ssh_command=" + ssh_cmd,
                        "%s@127.0.0.1:" % user.name, mnt], capture_output=True, timeout=30,
                       env=c.env(), stdin=subprocess.DEVNULL)
    if r.returncode != 0 and b"fuse" in r.stderr.lower() and b"permission" in r.stderr.lower():
        pytest.skip("cannot mount FUSE here: %s" % r.stderr.decode(errors="replace"))
    assert r.returncode == 0, r.stderr
    try:
        data = os.urandom(3 << 20)
        with open(os.path.join(mnt, "viafuse"), "wb") as f:
            f.write(data)
        with open(os.path.join(user.home, "viafuse"), "rb") as f:
            assert f.read() == data
        with open(os.path.join(mnt, "viafuse"), "rb") as f:
            assert f.read() == data
        os.mkdir(os.path.join(mnt, "d"))
        os.rename(os.path.join(mnt, "viafuse"), os.path.join(mnt, "d", "moved"))
        assert os.listdir(os.path.join(mnt, "d")) == ["moved"]
        os.unlink(os.path.join(mnt, "d", "moved"))
        os.rmdir(os.path.join(mnt, "d"))
    finally:
        u = subprocess.run(["fusermount", "-u", mnt], capture_output=True, timeout=30)
        if u.returncode != 0:
            subprocess.run(["umount", "-l", mnt], capture_output=True, timeout=30)


@pytest.mark.parametrize("opt", ["internal-sftp", "/nonexistent/sftp-server"])
def test_option_S_builtin(start, user, ukey, tmp_path, opt):
    """-S internal-sftp, or -S naming a program that does not exist: the built-in one."""
    s2 = start("-S", opt)
    c = Client(tmp_path, ukey[0], ("/usr/bin/sftp", "/usr/bin/scp", []))
    m = s2.mark()
    r = c.batch(s2.port, user, "pwd\n")
    assert r.returncode == 0, r.err
    assert s2.wait_log(r"sftp subsystem for '%s': built-in server" % user.name, since=m)


def test_make_install_face(tmp_path):
    """make install puts the sftp-server face in libexec (of the binary under test)."""
    # the build flavour of the binary under test (make check runs static and SAN=1 too)
    static = {"static": ["STATIC=1"], "san": ["SAN=1"]}.get(
        os.path.basename(os.path.dirname(BIN)), [])
    r = subprocess.run(["make", "-s", "install", "DESTDIR=" + str(tmp_path), "PREFIX=/usr",
                        "BUILD=" + os.path.dirname(BIN)] + static, cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    face = tmp_path / "usr" / "libexec" / "sftp-server"
    assert os.path.realpath(str(face)) == str(tmp_path / "usr" / "bin" / "dropbearmulti")
    p = subprocess.run([str(face), "-h"], capture_output=True, text=True, timeout=10)
    assert p.returncode == 0 and p.stdout.startswith("Usage: sftp-server"), p
    # its man page, from the same doc/sftp-server.opts as -h
    page = tmp_path / "usr" / "share" / "man" / "man8" / "sftp-server.8"
    assert page.exists() and "\\-d" in page.read_text()
    p = subprocess.run([str(face), "-Q", "requests"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 1 and "Usage: sftp-server" in p.stderr, p
