"""The built-in SFTP server (issue #10), continued: the extensions real clients send only on
request (fsync@openssh.com from `put -f`, copy-data from `cp`) driven by OpenSSH's sftp
9.2 and 10.5 and, for what they cannot send (offsets, lengths, bad handles), by raw
requests over paramiko's channel; pipelining with 64 and 1000 requests in flight; the
handle bound. Effects are checked on the files (SHA-256), and what the clients sent on
their -vvv debug lines. The server and user are test_sftp.py's: a server where no system
sftp-server can be reached, so the built-in one answers."""
import grp
import hashlib
import os
import pwd
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, option
from test_sftp import (PEER, Client, blob, clients, pm_sftp, raw_channel, recv_exact, reply, s,  # noqa
                       sha, srv, start_openssh10, status_of, stop_proc, ukey, user)
from users import can_create_users

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

FXP_OPEN, FXP_CLOSE, FXP_READ, FXP_WRITE, FXP_OPENDIR = 3, 4, 5, 6, 11
FXP_STAT, FXP_EXTENDED = 17, 200
FXP_STATUS, FXP_HANDLE, FXP_DATA, FXP_ATTRS = 101, 102, 103, 105
READ, WRITE, CREAT, TRUNC = 1, 2, 8, 16
OK, EOF, FAILURE = 0, 1, 4


@pytest.mark.parametrize("tools", clients())
def test_put_fsync_and_cp(srv, user, ukey, tmp_path, tools):
    """`put -f` makes the client send fsync@openssh.com after the upload, `cp` sends
    copy-data (both only when the server advertises them); the batch fails if either
    request fails, the copies are checked by hash."""
    sftp, scp, extra = tools
    c = Client(tmp_path, ukey[0], (sftp, scp, extra + ["-vvv"]))
    src = blob(str(tmp_path / "src.bin"), (5 << 20) + 12345, 3)
    r = c.batch(srv.port, user, "put -f %s fs.bin\ncp fs.bin cp.bin\nget -f cp.bin %s\n"
                % (src, tmp_path / "back.bin"))
    assert r.returncode == 0, r.err[-3000:]
    assert "Sent message fsync@openssh.com" in r.err, r.err[-3000:]
    assert 'Sent message copy-data "' in r.err, r.err[-3000:]
    assert "does not support" not in r.err
    want = sha(src)
    assert sha(os.path.join(user.home, "fs.bin")) == want
    assert sha(os.path.join(user.home, "cp.bin")) == want
    assert sha(str(tmp_path / "back.bin")) == want
    # cp onto an existing file replaces its contents (sftp opens it with TRUNC)
    with open(os.path.join(user.home, "cp.bin"), "ab") as f:
        f.write(b"tail" * 1000)
    r = c.batch(srv.port, user, "cp fs.bin cp.bin\n")
    assert r.returncode == 0, r.err[-3000:]
    assert sha(os.path.join(user.home, "cp.bin")) == want
    os.unlink(os.path.join(user.home, "fs.bin"))
    os.unlink(os.path.join(user.home, "cp.bin"))


class Raw:
    """SFTP requests written by hand over a paramiko channel: any number sent before any
    reply is read."""

    def __init__(self, port, user, key):
        self.t, self.ch = raw_channel(port, user, key)
        self.ch.sendall(pkt(1, struct.pack(">I", 3)))
        r = reply(self.ch)
        assert r[0] == 2, r
        self.exts = r
        self.id = 1000

    def send(self, typ, body):
        self.id += 1
        self.ch.sendall(pkt(typ, struct.pack(">I", self.id) + body))
        return self.id

    def recv(self):
        r = reply(self.ch)
        return r[0], struct.unpack(">I", r[1:5])[0], r[5:]

    def call(self, typ, body):
        rid = self.send(typ, body)
        t, got, rest = self.recv()
        assert got == rid
        return t, rest

    def open(self, path, flags):
        t, rest = self.call(FXP_OPEN, s(path) + struct.pack(">II", flags, 0))
        assert t == FXP_HANDLE, (t, rest)
        return rest[4:4 + struct.unpack(">I", rest[:4])[0]]

    def close(self, h):
        t, rest = self.call(FXP_CLOSE, s(h))
        assert t == FXP_STATUS and struct.unpack(">I", rest[:4])[0] == OK

    def ext(self, name, body):
        return self.call(FXP_EXTENDED, s(name) + body)

    def done(self):
        self.t.close()


def pkt(t, body):
    m = bytes([t]) + body
    return struct.pack(">I", len(m)) + m


def code(t, rest):
    assert t == FXP_STATUS, (t, rest[:40])
    return struct.unpack(">I", rest[:4])[0]


def test_copy_data_offsets_and_fsync_raw(srv, user, ukey):
    """copy-data with a read offset, a length and a write offset (sftp's cp always sends 0
    0 0), a length past the end, onto the same file, from a handle opened write-only;
    fsync on a file, on a directory handle and on a closed handle (FAILURE)."""
    data = os.urandom(100000)
    with open(os.path.join(user.home, "cd-src"), "wb") as f:
        f.write(data)
    os.chown(os.path.join(user.home, "cd-src"), user.uid, user.gid)
    r = Raw(srv.port, user, ukey[0])
    try:
        assert b"copy-data" in r.exts and b"fsync@openssh.com" in r.exts
        src = r.open("cd-src", READ)
        dst = r.open("cd-dst", WRITE | CREAT | TRUNC)
        # 5000 bytes from offset 1000 to offset 200: bytes 0..199 are a hole (zeros)
        assert code(*r.ext("copy-data", s(src) + struct.pack(">QQ", 1000, 5000) + s(dst) +
                           struct.pack(">Q", 200))) == OK
        # length 0: to the end of the source, here from 99000 (1000 bytes) to 50000
        assert code(*r.ext("copy-data", s(src) + struct.pack(">QQ", 99000, 0) + s(dst) +
                           struct.pack(">Q", 50000))) == OK
        # a length past the end copies what there is
        assert code(*r.ext("copy-data", s(src) + struct.pack(">QQ", 99990, 1 << 20) +
                           s(dst) + struct.pack(">Q", 60000))) == OK
        assert code(*r.ext("fsync@openssh.com", s(dst))) == OK
        # the write handle cannot be read from: a failure status, nothing written
        assert code(*r.ext("copy-data", s(dst) + struct.pack(">QQ", 0, 10) + s(dst) +
                           struct.pack(">Q", 70000))) != OK
        d = r.call(FXP_OPENDIR, s("."))
        assert d[0] == FXP_HANDLE
        dh = d[1][4:4 + struct.unpack(">I", d[1][:4])[0]]
        # a directory's handle syncs the directory (what a rename needs to be durable)
        assert code(*r.ext("fsync@openssh.com", s(dh))) == OK
        r.close(dh)
        r.close(dst)
        assert code(*r.ext("fsync@openssh.com", s(dst))) == FAILURE  # closed handle
        # onto itself, growing: a copy "to the end" stops at the size it had
        same = r.open("cd-same", WRITE | READ | CREAT | TRUNC)
        r.close(same)
        with open(os.path.join(user.home, "cd-same"), "wb") as f:
            f.write(data[:3000])
        same = r.open("cd-same", READ | WRITE)
        assert code(*r.ext("copy-data", s(same) + struct.pack(">QQ", 0, 0) + s(same) +
                           struct.pack(">Q", 3000))) == OK
        r.close(same)
        r.close(src)
    finally:
        r.done()
    with open(os.path.join(user.home, "cd-dst"), "rb") as f:
        got = f.read()
    want = bytearray(60010)
    want[200:5200] = data[1000:6000]
    want[50000:51000] = data[99000:]
    want[60000:60010] = data[99990:]
    assert got == bytes(want)
    with open(os.path.join(user.home, "cd-same"), "rb") as f:
        assert f.read() == data[:3000] * 2
    for n in ("cd-src", "cd-dst", "cd-same"):
        os.unlink(os.path.join(user.home, n))


def test_64_writes_and_reads_in_flight(srv, user, ukey):
    """64 WRITEs of 32 KiB sent before any reply is read (OpenSSH's sftp keeps 64 in
    flight), then 64 READs the same way: every reply comes back with its id, the file is
    the data."""
    data = os.urandom(64 * 32768)
    r = Raw(srv.port, user, ukey[0])
    try:
        h = r.open("pipe.bin", WRITE | CREAT | TRUNC)
        ids = [r.send(FXP_WRITE, s(h) + struct.pack(">Q", i * 32768) +
                      s(data[i * 32768:(i + 1) * 32768])) for i in range(64)]
        got = [r.recv() for _ in ids]
        assert [g[1] for g in got] == ids
        assert all(g[0] == FXP_STATUS and struct.unpack(">I", g[2][:4])[0] == OK
                   for g in got)
        r.close(h)
        assert sha_bytes(open(os.path.join(user.home, "pipe.bin"), "rb").read()) == \
            sha_bytes(data)
        h = r.open("pipe.bin", READ)
        # in reverse order, and one past the end (EOF)
        ids = [r.send(FXP_READ, s(h) + struct.pack(">QI", i * 32768, 32768))
               for i in reversed(range(65))]
        got = [r.recv() for _ in ids]
        assert [g[1] for g in got] == ids
        assert got[0][0] == FXP_STATUS and struct.unpack(">I", got[0][2][:4])[0] == EOF
        back = b""
        for t, _, rest in reversed(got[1:]):
            assert t == FXP_DATA
            back += rest[4:4 + struct.unpack(">I", rest[:4])[0]]
        assert back == data
        r.close(h)
    finally:
        r.done()
    os.unlink(os.path.join(user.home, "pipe.bin"))


def session_rss_kb(srv):
    """The resident memory of every process under the server (the connection and the
    user's session running the built-in SFTP server), in kB."""
    kids, total = {srv.proc.pid}, 0
    for _ in range(4):
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                st = open("/proc/%s/stat" % p).read()
            except OSError:
                continue
            if int(st.rsplit(")", 1)[1].split()[1]) in kids:
                kids.add(int(p))
    for p in kids - {srv.proc.pid}:
        try:
            for line in open("/proc/%d/status" % p):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def test_1000_outstanding_requests_bounded(srv, user, ukey):
    """1000 READs of 64 KiB (62.5 MiB of answers) sent before reading any reply: the
    server stops reading while its answers wait (channel window, bounded queue), its
    memory does not grow with the answers owed, and every request gets its answer, in
    order; then 1000 small STATs the same way."""
    size = 4 << 20
    with open(os.path.join(user.home, "many.bin"), "wb") as f:
        f.write(os.urandom(size))
    os.chown(os.path.join(user.home, "many.bin"), user.uid, user.gid)
    r = Raw(srv.port, user, ukey[0])
    try:
        h = r.open("many.bin", READ)
        base = session_rss_kb(srv)
        ids = [r.send(FXP_READ, s(h) + struct.pack(">QI", (i * 65536) % size, 65536))
               for i in range(1000)]
        time.sleep(1.0)  # the server has read what it could and is waiting on us
        stalled = session_rss_kb(srv)
        # what is owed is 62.5 MiB; what the server may hold is its window and queue
        print("session RSS kB: before %d, with 1000 READs owed %d" % (base, stalled))
        assert stalled - base < 16 * 1024, (base, stalled)
        h2 = hashlib.sha256()
        want = hashlib.sha256()
        blob_ = open(os.path.join(user.home, "many.bin"), "rb").read()
        for i, rid in enumerate(ids):
            t, got, rest = r.recv()
            assert (t, got) == (FXP_DATA, rid)
            n = struct.unpack(">I", rest[:4])[0]
            h2.update(rest[4:4 + n])
            off = (i * 65536) % size
            want.update(blob_[off:off + 65536])
        assert h2.hexdigest() == want.hexdigest()
        ids = [r.send(FXP_STAT, s("many.bin")) for _ in range(1000)]
        for rid in ids:
            t, got, rest = r.recv()
            assert (t, got) == (FXP_ATTRS, rid)
        r.close(h)
    finally:
        r.done()
    assert srv.alive()
    os.unlink(os.path.join(user.home, "many.bin"))


def test_handle_bound_answers_failure(srv, user, ukey):
    """Opening files without closing them: exactly DB_SFTP_MAX_HANDLES succeed (files and
    directories share the table), the next OPEN and OPENDIR get a FAILURE status and the
    session goes on; closing one makes room again."""
    lim = option("DB_SFTP_MAX_HANDLES")
    assert lim
    r = Raw(srv.port, user, ukey[0])
    try:
        ids = [r.send(FXP_OPEN, s("/etc/hostname") + struct.pack(">II", READ, 0))
               for _ in range(lim - 1)]
        hs = []
        for rid in ids:
            t, got, rest = r.recv()
            assert (t, got) == (FXP_HANDLE, rid)
            hs.append(rest[4:4 + struct.unpack(">I", rest[:4])[0]])
        t, rest = r.call(FXP_OPENDIR, s("/"))
        assert t == FXP_HANDLE
        t, rest = r.call(FXP_OPEN, s("/etc/hostname") + struct.pack(">II", READ, 0))
        assert code(t, rest) == FAILURE
        t, rest = r.call(FXP_OPENDIR, s("/"))
        assert code(t, rest) == FAILURE
        t, rest = r.call(FXP_STAT, s("/"))
        assert t == FXP_ATTRS
        r.close(hs.pop())
        hs.append(r.open("/etc/hostname", READ))
        t, rest = r.call(FXP_READ, s(hs[-1]) + struct.pack(">QI", 0, 100))
        assert t == FXP_DATA
    finally:
        r.done()
    assert srv.alive()


def sha_bytes(b):
    return hashlib.sha256(b).hexdigest()


@pytest.mark.skipif(not os.path.exists(os.path.join(PEER, "sbin", "sshd")),
                    reason="no OpenSSH 10 peer")
def test_face_start_directory_tokens(user, ukey, tmp_path):
    """The face behind OpenSSH's sshd with `-d %d/start`: the session starts in the
    user's home's start-USER/ (OpenSSH's %d, %u and %% tokens); an unknown token is refused
    with one line (-e: on stderr) and exit status 1."""
    d = tempfile.mkdtemp(prefix="dbt-face-")
    os.chmod(d, 0o755)
    face = os.path.join(d, "sftp-server")
    os.symlink(BIN, face)
    start = os.path.join(user.home, "start-" + user.name)
    os.mkdir(start)
    os.chown(start, user.uid, user.gid)
    c = Client(tmp_path, ukey[0], ("/usr/bin/sftp", "/usr/bin/scp", []))
    try:
        p, port, sd, log = start_openssh10(tmp_path, user, face + " -e -d %d/start-%u")
        try:
            r = c.batch(port, user, "pwd\n")
            assert r.returncode == 0, r.err
            assert "Remote working directory: %s\n" % start in r.out, r.out
        finally:
            stop_proc(p)
            shutil.rmtree(sd, ignore_errors=True)
        # sshd drops a subsystem's stderr: an unknown token is seen run directly
        r = subprocess.run([face, "-e", "-d", "%h/x"], capture_output=True, text=True,
                           timeout=10, stdin=subprocess.DEVNULL)
        assert r.returncode == 1
        assert r.stderr == "sftp-server: -d %h/x: only %d, %u and %% may follow a %\n", r
    finally:
        shutil.rmtree(d, ignore_errors=True)
        os.rmdir(start)


def name1(t, rest):
    """The one name of a NAME reply."""
    assert t == 104 and struct.unpack(">I", rest[:4])[0] == 1, (t, rest[:40])
    n = struct.unpack(">I", rest[4:8])[0]
    return rest[8:8 + n].decode()


def test_tilde_paths_raw(srv, user, ukey):
    """The `~` paths of the issue. OpenSSH's sftp(1) (9.2 and 10.5) never expands them: in
    a batch `ls ~/x` asks for "<cwd>/~/x", as it does against OpenSSH's own server; scp
    sends them (test_scp_sftp_mode: "~/one" and "~user/one"). What the server answers for
    each form, raw: expand-path@openssh.com and home-directory."""
    h = os.path.realpath(user.home)
    os.makedirs(os.path.join(h, "tw"), exist_ok=True)
    r = Raw(srv.port, user, ukey[0])
    try:
        assert b"expand-path@openssh.com" in r.exts and b"home-directory" in r.exts
        assert name1(*r.ext("expand-path@openssh.com", s("~"))) == h
        assert name1(*r.ext("expand-path@openssh.com", s("~/"))) == h
        assert name1(*r.ext("expand-path@openssh.com", s("~/tw"))) == h + "/tw"
        # a last component that does not exist yet (the name of an upload)
        assert name1(*r.ext("expand-path@openssh.com", s("~/tw/new"))) == h + "/tw/new"
        assert name1(*r.ext("expand-path@openssh.com", s("~%s/tw" % user.name))) == h + "/tw"
        assert name1(*r.ext("expand-path@openssh.com", s("~root"))) == \
            os.path.realpath(os.path.expanduser("~root"))
        assert name1(*r.ext("expand-path@openssh.com", s("tw/../tw"))) == h + "/tw"
        assert code(*r.ext("expand-path@openssh.com", s("~nosuchuser0x/tw"))) == 2
        assert code(*r.ext("expand-path@openssh.com", s("~/no/such/dir"))) == 2
        assert name1(*r.ext("home-directory", s(""))) == user.home
        assert name1(*r.ext("home-directory", s(user.name))) == user.home
        assert code(*r.ext("home-directory", s("nosuchuser0x"))) == 2
        # malformed: a trailing byte, a missing string
        assert code(*r.ext("expand-path@openssh.com", s("~") + b"x")) == 5
        assert code(*r.ext("home-directory", b"")) == 5
    finally:
        r.done()
        shutil.rmtree(os.path.join(h, "tw"), ignore_errors=True)


def test_users_groups_by_id_raw(srv, user, ukey):
    """users-groups-by-id@openssh.com (what sftp(1)'s ls -l asks): the names the system
    gives each uid and gid (the static build reads /etc/passwd and /etc/group itself),
    an empty name for an id nobody has; and the long names of a listing carry the
    owner's and group's names."""
    gname = grp.getgrgid(user.gid).gr_name
    unused = 3999999
    while True:
        try:
            pwd.getpwuid(unused)
            unused += 1
        except KeyError:
            try:
                grp.getgrgid(unused)
                unused += 1
            except KeyError:
                break
    r = Raw(srv.port, user, ukey[0])
    try:
        assert b"users-groups-by-id@openssh.com" in r.exts
        uids = struct.pack(">III", user.uid, 0, unused)
        gids = struct.pack(">II", user.gid, unused)
        t, rest = r.ext("users-groups-by-id@openssh.com", s(uids) + s(gids))
        assert t == 201, (t, rest[:40])

        def strings(b):
            n = struct.unpack(">I", b[:4])[0]
            inner, b = b[4:4 + n], b[4 + n:]
            out = []
            while inner:
                k = struct.unpack(">I", inner[:4])[0]
                out.append(inner[4:4 + k].decode())
                inner = inner[4 + k:]
            return out, b

        users, rest = strings(rest)
        groups, rest = strings(rest)
        assert users == [user.name, pwd.getpwuid(0).pw_name, ""] and rest == b"", users
        assert groups == [gname, ""], groups
    finally:
        r.done()
    t, c = pm_sftp(srv.port, user, ukey[0])
    try:
        with c.open("owned", "wb") as f:
            f.write(b"x")
        a = [x for x in c.listdir_attr(".") if x.filename == "owned"][0]
        assert a.longname.split()[2:4] == [user.name, gname], a.longname
        c.remove("owned")
    finally:
        t.close()
