"""Sessions on our server (issue #4 part 5) against OpenSSH's ssh, scp, sftp, rsync and
paramiko: exit status and signals, stdout and stderr kept apart, bulk data both ways,
ptys and window changes, env requests, commands that leave background jobs, many
channels on one connection, the session options (-e -m -K -I -M -W -c) and the
authorized_keys options enforced at session time, utmp/wtmp/lastlog records.

Every test uses a throwaway user (home under /tmp) and servers on 127.0.0.1 killed at
teardown; OpenSSH's ssh runs with -F /dev/null, a temporary HOME and known_hosts.
"""
import hashlib
import os
import re
import shutil
import struct
import subprocess
import threading
import time

import paramiko
import pytest

from conftest import BIN, option, run
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def ukey(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("sesskey") / "id")
    r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
    assert r.returncode == 0, r.stderr
    with open(p + ".pub") as f:
        line = " ".join(f.read().split()[:2])
    return p, line


@pytest.fixture(scope="module")
def user(ukey):
    with throwaway_user(password="Secret-pw-1") as u:
        u.authorize(ukey[1])
        yield u


@pytest.fixture
def start(server_factory, hostkeys):
    def make(*extra, env=None):
        keys = [hostkeys["ed25519"].path]
        if env is None:
            return server_factory(keys, extra=list(extra))
        # the server's own environment (-e): through env(1) in front of the binary
        return server_factory(keys, extra=list(extra),
                              wrap=["env"] + ["%s=%s" % kv for kv in env.items()])
    return make


@pytest.fixture(scope="module")
def srv(tmp_path_factory, hostkeys):
    """One server with default options for the tests that need nothing special."""
    from conftest import Server
    s = Server(tmp_path_factory.mktemp("sesssrv"), [hostkeys["ed25519"].path])
    s.start()
    yield s
    s.stop()


class SSH:
    def __init__(self, workdir, key):
        self.dir = str(workdir)
        self.home = os.path.join(self.dir, "chome")
        os.makedirs(self.home, exist_ok=True)
        self.key = key

    def base(self, port, tool="ssh"):
        opts = ["-F", "/dev/null",
                "-o", "UserKnownHostsFile=" + os.path.join(self.dir, "known_hosts"),
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
                "-o", "ConnectTimeout=10", "-i", self.key]
        if tool == "ssh":
            return ["ssh"] + opts + ["-p", str(port)]
        return [tool] + opts + ["-P", str(port)]

    def env(self, extra=None):
        e = dict(os.environ, HOME=self.home)
        e.pop("SSH_AUTH_SOCK", None)
        e.update(extra or {})
        return e

    def run(self, port, user, command, opts=(), timeout=60, input=None, env=None):
        cmd = self.base(port) + list(opts) + ["%s@127.0.0.1" % user.name, command]
        r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=self.env(env),
                           input=input, stdin=None if input is not None else subprocess.DEVNULL)
        r.out = r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
        r.err = r.stderr.decode("utf-8", "replace").replace("\r\n", "\n")
        return r


@pytest.fixture
def ssh(tmp_path, ukey):
    return SSH(tmp_path, ukey[0])


def pm_connect(port, user, key):
    t = paramiko.Transport(("127.0.0.1", port))
    t.banner_timeout = 10
    t.start_client(timeout=10)
    t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(key))
    assert t.is_authenticated()
    return t


def read_all(chan, stream="stdout", timeout=30):
    data = []
    end = time.time() + timeout
    recv = chan.recv if stream == "stdout" else chan.recv_stderr
    chan.settimeout(timeout)
    while time.time() < end:
        d = recv(65536)
        if not d:
            break
        data.append(d)
    return b"".join(data)


# ---- exit status, streams, data


def test_exit_status(srv, ssh, user):
    r = ssh.run(srv.port, user, "exit 42")
    assert r.returncode == 42, r.err
    r = ssh.run(srv.port, user, "true")
    assert r.returncode == 0, r.err


def test_stdout_stderr_apart(srv, ssh, user):
    r = ssh.run(srv.port, user, "echo to-out; echo to-err >&2; echo more-out")
    assert r.returncode == 0, r.err
    assert r.out == "to-out\nmore-out\n"
    assert "to-err" in r.err and "out" not in r.err


def test_exit_signal(srv, ssh, user):
    # the shell kills itself: exit-signal, which ssh reports as status 255
    r = ssh.run(srv.port, user, "kill -TERM $$; echo after")
    assert r.returncode == 255
    assert "after" not in r.out


def test_cat_50mb_both_ways(srv, ssh, user, tmp_path):
    data = os.urandom(50 * 1024 * 1024)
    r = ssh.run(srv.port, user, "cat", input=data, timeout=180)
    assert r.returncode == 0, r.err[-2000:]
    assert len(r.stdout) == len(data)
    assert hashlib.sha256(r.stdout).hexdigest() == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("cipher", ["aes128-ctr", "aes192-ctr", "aes256-ctr",
                                    "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"])
def test_cat_each_aes_cipher(srv, ssh, user, cipher):
    # 3 MB both ways through each AES cipher: many packets, both directions, keystream
    # and GHASH across packet boundaries (AES-NI, or the portable code on a CPU
    # without it or in a build with DB_FAST_CRYPTO=0; aes192 is always portable)
    data = os.urandom(3 * 1024 * 1024 + 5)
    r = ssh.run(srv.port, user, "cat", input=data, opts=["-c", cipher], timeout=120)
    assert r.returncode == 0, r.err[-2000:]
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(data).digest()


def test_rekey_during_transfer(srv, ssh, user):
    # a key exchange every MB while data flows both ways: channel output waits for it
    data = os.urandom(12 * 1024 * 1024)
    mark = srv.mark()
    r = ssh.run(srv.port, user, "cat", input=data, opts=["-o", "RekeyLimit=1M"],
                timeout=120)
    assert r.returncode == 0, r.err[-2000:]
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(data).digest()
    assert len(re.findall(r"key exchange \d+ with", srv.log_since(mark))) >= 10


def test_background_child_returns_at_once(srv, ssh, user):
    t0 = time.time()
    r = ssh.run(srv.port, user, "sleep 10 & echo hi", timeout=30)
    assert r.returncode == 0, r.err
    assert r.out == "hi\n"
    assert time.time() - t0 < 8, "waited for the background job"


def test_slow_reader_bounded(srv, ssh, user, tmp_path):
    """A client that does not read: the server stops reading the command's output (the
    window is closed) instead of buffering it; the command blocks, the server's memory
    stays flat, and everything still arrives once the client reads."""
    port = srv.port
    t = pm_connect(port, user, ssh.key)
    try:
        chan = t.open_session()
        chan.exec_command("head -c 30000000 /dev/zero; echo done >&2")
        time.sleep(2)  # paramiko reads into its window (2 MB by default), then stops
        # the connection process: the newest child of the listener with our user
        pids = subprocess.run(["pgrep", "-u", user.name, "-f", "dropbear"],
                              capture_output=True, text=True).stdout.split()
        rss = []
        for pid in pids:
            try:
                with open("/proc/%s/status" % pid) as f:
                    m = re.search(r"VmRSS:\s+(\d+)", f.read())
                    rss.append(int(m.group(1)))
            except FileNotFoundError:
                pass
        assert rss and max(rss) < 20000, rss  # KB: far below the 30 MB produced
        got = 0
        chan.settimeout(60)
        while True:
            d = chan.recv(1 << 20)
            if not d:
                break
            got += len(d)
        assert got == 30000000
        assert chan.recv_exit_status() == 0
    finally:
        t.close()


# ---- ptys


def test_tt_gets_pty(srv, ssh, user):
    r = ssh.run(srv.port, user, "tty; echo TERM=$TERM; echo SSH_TTY=$SSH_TTY", opts=["-tt"],
                env={"TERM": "vt100"})
    assert r.returncode == 0, r.err
    assert re.search(r"^/dev/pts/\d+$", r.out, re.M), r.out
    assert "TERM=vt100" in r.out
    assert re.search(r"SSH_TTY=/dev/pts/\d+", r.out)
    r = ssh.run(srv.port, user, "tty")
    assert "not a tty" in r.out


def test_ssh_tt_stty_follows_window_change(srv, ssh, user):
    """OpenSSH's ssh on a terminal of ours: the size goes over in pty-req, and a
    SIGWINCH after a resize sends window-change, which the remote stty sees."""
    import fcntl
    import select
    import signal
    import termios
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    cmd = ssh.base(srv.port) + ["-tt", "%s@127.0.0.1" % user.name,
                                "stty size; read x; stty size"]
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=ssh.env())
    os.close(slave)
    out = b""

    def read_until(pat, timeout=15):
        nonlocal out
        end = time.time() + timeout
        while not re.search(pat, out) and time.time() < end:
            r, _, _ = select.select([master], [], [], 0.2)
            if r:
                try:
                    out += os.read(master, 4096)
                except OSError:
                    break
        return re.search(pat, out)

    try:
        assert read_until(rb"24 80"), out
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 132, 0, 0))
        p.send_signal(signal.SIGWINCH)
        time.sleep(0.5)
        os.write(master, b"\n")
        assert read_until(rb"50 132"), out
        assert p.wait(timeout=15) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)
        os.close(master)


def test_window_change_and_modes(srv, ssh, user):
    t = pm_connect(srv.port, user, ssh.key)
    try:
        chan = t.open_session()
        chan.get_pty(term="xterm", width=80, height=24)
        chan.exec_command("stty size; stty -a | grep -o -- '-echo '; read x; stty size")
        chan.settimeout(10)
        buf = b""
        while b"\n" not in buf:
            buf += chan.recv(100)
        assert buf.split(b"\n")[0].strip() == b"24 80"
        chan.resize_pty(width=132, height=50)
        time.sleep(0.3)
        chan.send(b"\n")
        out = buf + read_all(chan, timeout=10)
        assert b"50 132" in out, out
        assert chan.recv_exit_status() == 0
    finally:
        t.close()


def test_pty_modes_applied(srv, ssh, user):
    t = pm_connect(srv.port, user, ssh.key)
    try:
        chan = t.open_session()
        # paramiko sends no modes: ECHO is the default; ask for it off by ourselves
        m = paramiko.Message()
        m.add_byte(paramiko.common.cMSG_CHANNEL_REQUEST)
        m.add_int(chan.remote_chanid)
        m.add_string("pty-req")
        m.add_boolean(True)
        m.add_string("vt100")
        for v in (80, 24, 0, 0):
            m.add_int(v)
        m.add_string(bytes([53, 0, 0, 0, 0, 0]))  # ECHO 0, TTY_OP_END
        chan.event.clear()
        t._send_user_message(m)
        chan._wait_for_event()
        chan.exec_command("stty -a")
        out = read_all(chan, timeout=10)
        assert re.search(rb"(^|\s)-echo(\s|$)", out), out
    finally:
        t.close()


# ---- environment


def test_sendenv_lang(srv, ssh, user):
    r = ssh.run(srv.port, user, "echo L=$LANG C=$LC_TIME F=$DBFOO",
                opts=["-o", "SendEnv=LANG LC_TIME DBFOO"],
                env={"LANG": "fr_FR.UTF-8", "LC_TIME": "de_DE.UTF-8", "DBFOO": "nope"})
    assert r.returncode == 0, r.err
    assert "L=fr_FR.UTF-8 C=de_DE.UTF-8 F=\n" == r.out


def test_dropbear_environment(srv, ssh, user):
    r = ssh.run(srv.port, user, "env")
    env = dict(l.split("=", 1) for l in r.out.splitlines() if "=" in l)
    assert env["USER"] == user.name and env["LOGNAME"] == user.name
    assert env["HOME"] == user.home and env["SHELL"] == "/bin/sh"
    assert env["PATH"] == "/usr/local/bin:/usr/bin:/bin:/usr/games"  # Debian's default
    assert re.match(r"127\.0\.0\.1 \d+ 127\.0\.0\.1 %d$" % srv.port, env["SSH_CONNECTION"])
    assert re.match(r"127\.0\.0\.1 \d+ %d$" % srv.port, env["SSH_CLIENT"])
    assert "SSH_ORIGINAL_COMMAND" not in env and "TERM" not in env
    assert os.getcwd() != user.home and r.returncode == 0
    r = ssh.run(srv.port, user, "pwd")
    assert r.out.strip() == user.home


def test_pass_env_e(start, ssh, user):
    s = start("-e", env={"DBT_MARK": "from-server"})
    r = ssh.run(s.port, user, "echo M=$DBT_MARK U=$USER")
    assert r.out.strip() == "M=from-server U=%s" % user.name, r.err
    s2 = start(env={"DBT_MARK": "from-server"})
    r = ssh.run(s2.port, user, "echo M=$DBT_MARK")
    assert r.out.strip() == "M="


# ---- motd


def login_shell_output(port, user, key):
    t = pm_connect(port, user, key)
    try:
        chan = t.open_session()
        chan.get_pty(term="vt100", width=80, height=24)
        chan.invoke_shell()
        chan.send(b"echo END-OF-LOGIN; exit\n")
        return read_all(chan, timeout=15).decode("utf-8", "replace")
    finally:
        t.close()


def motd_line():
    try:
        with open("/etc/motd") as f:
            lines = [l.strip() for l in f if l.strip()]
    except FileNotFoundError:
        lines = []
    if not lines:
        pytest.skip("/etc/motd is empty here")
    return lines[0]


def test_motd_m_hushlogin(start, ssh, user):
    line = motd_line()
    s = start()
    out = login_shell_output(s.port, user, ssh.key)
    assert "END-OF-LOGIN" in out and line in out
    s2 = start("-m")
    out = login_shell_output(s2.port, user, ssh.key)
    assert "END-OF-LOGIN" in out and line not in out
    hl = user.write(".hushlogin", "")
    try:
        out = login_shell_output(s.port, user, ssh.key)
        assert "END-OF-LOGIN" in out and line not in out
    finally:
        os.unlink(hl)
    # an exec on a pty is not a login: no motd
    r = ssh.run(s.port, user, "echo x", opts=["-tt"])
    assert line not in r.out


# ---- timers and window


def test_keepalive_K(start, ssh, user):
    s = start("-K", "1")
    r = ssh.run(s.port, user, "sleep 3", opts=["-v"])
    assert r.returncode == 0, r.err[-2000:]
    assert "rtype keepalive@openssh.com want_reply 1" in r.err
    s2 = start()
    r = ssh.run(s2.port, user, "sleep 3", opts=["-v"])
    assert "keepalive@openssh.com" not in r.err


def test_idle_timeout_I(start, ssh, user):
    s = start("-I", "2")
    t0 = time.time()
    r = ssh.run(s.port, user, "sleep 6; echo finished", timeout=30)
    assert r.returncode == 255 and "finished" not in r.out
    assert time.time() - t0 < 5.5
    assert s.wait_log(r"Idle timeout")
    # data keeps it alive
    r = ssh.run(s.port, user, "for i in 1 2 3 4; do echo $i; sleep 1; done; echo finished",
                timeout=30)
    assert r.returncode == 0 and "finished" in r.out, r.err
    s2 = start()
    r = ssh.run(s2.port, user, "sleep 3; echo finished", timeout=30)
    assert r.returncode == 0 and "finished" in r.out


def test_max_session_M(start, ssh, user):
    s = start("-M", "2")
    t0 = time.time()
    r = ssh.run(s.port, user, "for i in 1 2 3 4 5 6; do echo $i; sleep 1; done; echo finished",
                timeout=30)
    assert r.returncode == 255 and "finished" not in r.out
    assert time.time() - t0 < 5.5
    assert s.wait_log(r"Maximum session time")


def test_receive_window_W(start, ssh, user):
    for args, want in ((("-W", "65536"), 65536), ((), option("DB_RECV_WINDOW"))):
        s = start(*args)
        t = pm_connect(s.port, user, ssh.key)
        try:
            chan = t.open_session()
            assert chan.out_window_size == want
            chan.exec_command("cat")
            data = os.urandom(3 * want + 17)
            chan.sendall(data)
            chan.shutdown_write()
            got = read_all(chan)
            assert got == data
        finally:
            t.close()


# ---- forced commands and authorized_keys options


def test_forced_command_c(start, ssh, user):
    s = start("-c", "echo forced:$SSH_ORIGINAL_COMMAND")
    r = ssh.run(s.port, user, "echo hello world")
    assert r.out == "forced:echo hello world\n", r.err
    # a shell request: no original command
    r = ssh.run(s.port, user, "", opts=["-T"])
    assert r.out == "forced:\n"


def test_authorized_keys_command_over_c(start, ssh, user, ukey):
    user.authorize(ukey[1], options='command="echo keycmd:$SSH_ORIGINAL_COMMAND"')
    try:
        s = start("-c", "echo server-forced")
        r = ssh.run(s.port, user, "id")
        assert r.out == "keycmd:id\n", r.err
    finally:
        user.authorize(ukey[1])


def test_no_pty_and_restrict(start, ssh, user, ukey):
    s = start()
    for opts in ("no-pty", "restrict"):
        user.authorize(ukey[1], options=opts)
        try:
            r = ssh.run(s.port, user, "tty", opts=["-tt"])
            assert "PTY allocation request failed" in r.err, (opts, r.err)
            assert "/dev/pts" not in r.out
            t = pm_connect(s.port, user, ssh.key)
            try:
                with pytest.raises(paramiko.SSHException):
                    t.open_session().get_pty()
            finally:
                t.close()
        finally:
            user.authorize(ukey[1])
    r = ssh.run(s.port, user, "tty", opts=["-tt"])
    assert re.search(r"/dev/pts/\d+", r.out)


def test_authorized_keys_environment(start, ssh, user, ukey):
    """environment=: set when DB_AUTHKEYS_ENVIRONMENT is on; otherwise the key still logs
    in and the value is dropped, like OpenSSH's PermitUserEnvironment no."""
    user.authorize(ukey[1], options='environment="DBT_KEYENV=yes"')
    try:
        s = start()
        r = ssh.run(s.port, user, "echo E=${DBT_KEYENV-unset}")
        assert r.returncode == 0, r.err
        want = "E=yes" if option("DB_AUTHKEYS_ENVIRONMENT") else "E=unset"
        assert r.out.strip() == want, r.err
    finally:
        user.authorize(ukey[1])


# ---- subsystems and file transfer tools


def make_tree(root):
    files = {}
    for i in range(12):
        sub = os.path.join(root, "d%d" % (i % 3), "e%d" % (i % 2))
        os.makedirs(sub, exist_ok=True)
        p = os.path.join(sub, "f%d.bin" % i)
        data = os.urandom(1000 * i * i + i)
        with open(p, "wb") as f:
            f.write(data)
        files[os.path.relpath(p, root)] = hashlib.sha256(data).hexdigest()
    return files


def tree_sums(root):
    out = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, root)] = hashlib.sha256(f.read()).hexdigest()
    return out


def test_scp_both_modes(srv, ssh, user, tmp_path):
    src = tmp_path / "scpsrc"
    src.mkdir()
    files = make_tree(str(src))
    for mode, name in ((["-O"], "legacy"), ([], "sftp")):
        cmd = ssh.base(srv.port, "scp") + mode + ["-q", "-r", str(src),
                                                  "%s@127.0.0.1:%s" % (user.name, name)]
        r = subprocess.run(cmd, capture_output=True, timeout=60, env=ssh.env())
        assert r.returncode == 0, (name, r.stderr)
        assert tree_sums(os.path.join(user.home, name)) == files
        back = tmp_path / ("back-" + name)
        cmd = ssh.base(srv.port, "scp") + mode + ["-q", "-r",
                                                  "%s@127.0.0.1:%s" % (user.name, name),
                                                  str(back)]
        r = subprocess.run(cmd, capture_output=True, timeout=60, env=ssh.env())
        assert r.returncode == 0, (name, r.stderr)
        assert tree_sums(str(back)) == files


def test_sftp_batch(srv, ssh, user, tmp_path):
    data = os.urandom(300000)
    (tmp_path / "up.bin").write_bytes(data)
    batch = tmp_path / "batch"
    batch.write_text("mkdir sftpdir\nput %s sftpdir/up.bin\nget sftpdir/up.bin %s\nls sftpdir\n"
                     % (tmp_path / "up.bin", tmp_path / "down.bin"))
    cmd = ssh.base(srv.port, "sftp") + ["-b", str(batch), "%s@127.0.0.1" % user.name]
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=ssh.env())
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "down.bin").read_bytes() == data
    with open(os.path.join(user.home, "sftpdir", "up.bin"), "rb") as f:
        assert f.read() == data


def test_sftp_server_option_S(start, ssh, user, tmp_path):
    # -S names the program: a wrapper that leaves a mark, then runs the real one
    real = next((p for p in ("/usr/lib/openssh/sftp-server",
                             "/usr/libexec/openssh/sftp-server") if os.path.exists(p)), None)
    if not real:
        pytest.skip("no sftp-server installed")
    mark = os.path.join(user.home, "sftp-mark")
    wrapper = user.write("wrap-sftp", "#!/bin/sh\necho used > %s\nexec %s\n" % (mark, real),
                         mode=0o755)
    s = start("-S", wrapper)
    batch = tmp_path / "batch"
    batch.write_text("ls\n")
    cmd = ssh.base(s.port, "sftp") + ["-b", str(batch), "%s@127.0.0.1" % user.name]
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=ssh.env())
    assert r.returncode == 0, r.stderr
    with open(mark) as f:
        assert f.read().strip() == "used"
    os.unlink(mark)


def test_rsync_tree(srv, ssh, user, tmp_path):
    if not shutil.which("rsync"):
        pytest.skip("rsync not installed")
    src = tmp_path / "rsrc"
    src.mkdir()
    files = make_tree(str(src))
    rsh = " ".join(ssh.base(srv.port))
    r = subprocess.run(["rsync", "-a", "-e", rsh, str(src) + "/",
                        "%s@127.0.0.1:rdest/" % user.name],
                       capture_output=True, timeout=120, env=ssh.env())
    assert r.returncode == 0, r.stderr
    assert tree_sums(os.path.join(user.home, "rdest")) == files
    back = tmp_path / "rback"
    r = subprocess.run(["rsync", "-a", "-e", rsh, "%s@127.0.0.1:rdest/" % user.name,
                        str(back) + "/"], capture_output=True, timeout=120, env=ssh.env())
    assert r.returncode == 0, r.stderr
    assert tree_sums(str(back)) == files


# ---- many channels, signals


def test_paramiko_10_channels(srv, ssh, user):
    t = pm_connect(srv.port, user, ssh.key)
    try:
        size = 512 * 1024  # 10 channels: 5 MB each way in all
        chans, blobs, results = [], [], {}
        for i in range(10):
            c = t.open_session()
            c.exec_command("cat; exit %d" % (i + 3))
            chans.append(c)
            blobs.append(os.urandom(size))

        def pump(i):
            c = chans[i]
            w = threading.Thread(target=lambda: (c.sendall(blobs[i]), c.shutdown_write()))
            w.start()
            results[i] = (read_all(c, timeout=120), c.recv_exit_status())
            w.join(60)

        threads = [threading.Thread(target=pump, args=(i,)) for i in range(10)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(180)
        for i in range(10):
            data, status = results[i]
            assert hashlib.sha256(data).digest() == hashlib.sha256(blobs[i]).digest(), i
            assert status == i + 3
    finally:
        t.close()


def test_signal_request(srv, ssh, user):
    t = pm_connect(srv.port, user, ssh.key)
    try:
        chan = t.open_session()
        chan.exec_command("echo started; sleep 30; echo finished")
        chan.settimeout(10)
        assert chan.recv(100).startswith(b"started")
        m = paramiko.Message()
        m.add_byte(paramiko.common.cMSG_CHANNEL_REQUEST)
        m.add_int(chan.remote_chanid)
        m.add_string("signal")
        m.add_boolean(False)
        m.add_string("TERM")
        t0 = time.time()
        t._send_user_message(m)
        rest = read_all(chan, timeout=15)
        assert b"finished" not in rest
        assert time.time() - t0 < 10
        assert chan.recv_exit_status() != 0
    finally:
        t.close()


# ---- utmp / wtmp / lastlog


UTMP = struct.Struct("<hxxi32s4s32s256shhi2i4i20s")


def wtmp_records(name):
    recs = []
    try:
        with open("/var/log/wtmp", "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    for off in range(0, len(data) - UTMP.size + 1, UTMP.size):
        f = UTMP.unpack_from(data, off)
        recs.append((f[0], f[1], f[2].rstrip(b"\0").decode(), f[4].rstrip(b"\0").decode()))
    return recs


def elf_static(path):
    """True when the ELF file asks for no program interpreter (static or static-pie)."""
    with open(path, "rb") as f:
        h = f.read(64)
        phoff, = struct.unpack_from("<Q", h, 32)
        phentsize, phnum = struct.unpack_from("<HH", h, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    return all(struct.unpack_from("<I", ph, i * phentsize)[0] != 3 for i in range(phnum))


def file_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def test_wtmp_lastlog_for_pty(srv, ssh, user):
    if wtmp_records(user.name) is None:
        pytest.skip("no /var/log/wtmp")
    if elf_static(BIN):
        # The static (musl) build keeps no login records: it must leave wtmp and lastlog
        # as they were rather than write records of the wrong layout.
        before = file_bytes("/var/log/wtmp"), file_bytes("/var/log/lastlog")
        r = ssh.run(srv.port, user, "tty", opts=["-tt"])
        assert r.out.strip().startswith("/dev/pts/"), r.out
        time.sleep(1)
        assert (file_bytes("/var/log/wtmp"), file_bytes("/var/log/lastlog")) == before
        return
    r = ssh.run(srv.port, user, "tty", opts=["-tt"])
    line = r.out.strip().replace("/dev/", "")
    assert line.startswith("pts/"), r.out
    end = time.time() + 10
    while time.time() < end:
        recs = wtmp_records(user.name)
        logins = [x for x in recs if x[0] == 7 and x[3] == user.name and x[2] == line]
        logouts = [x for x in recs if x[0] == 8 and x[2] == line]
        if logins and logouts:
            break
        time.sleep(0.2)
    assert logins, "no USER_PROCESS record"
    assert logouts, "no DEAD_PROCESS record"
    # lastlog: the record at uid * 292 has the line
    if os.path.exists("/var/log/lastlog"):
        with open("/var/log/lastlog", "rb") as f:
            f.seek(user.uid * 292)
            rec = f.read(292)
        assert rec[4:4 + len(line)] == line.encode()
    # no pty: no record
    n = len([x for x in wtmp_records(user.name) if x[3] == user.name])
    ssh.run(srv.port, user, "true")
    time.sleep(0.5)
    assert len([x for x in wtmp_records(user.name) if x[3] == user.name]) == n
