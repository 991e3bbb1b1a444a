"""dbclient against OpenSSH's sshd (and, where it can, our own server).

sshd runs on 127.0.0.1 on a free port with a generated config in a temp dir (host keys
made by ssh-keygen there, UsePAM no, LogLevel DEBUG3 to a file), as root, killed by PID at
teardown. Logins are as a throwaway user (users.py). Every subprocess has a timeout;
only 127.0.0.1 is contacted.
"""
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, free_port, ssh_agent
from users import can_create_users, throwaway_user

SSHD = "/usr/sbin/sshd"
PASSWORD = "Secret-pw-1"

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root to create users"),
    pytest.mark.skipif(not os.access(SSHD, os.X_OK), reason="OpenSSH sshd not installed"),
]


def dbclient_path():
    d = os.path.join(os.path.dirname(BIN), "dbclient")
    if not os.path.exists(d):
        pytest.fail("%s not built" % d)
    return d


def run(args, timeout=60, **kw):
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)


class Sshd:
    def __init__(self, workdir, user, extra=""):
        self.dir = str(workdir)
        self.user = user
        self.extra = extra
        self.proc = None
        self.port = None
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.keys = {}
        for t in ("ed25519", "ecdsa", "rsa"):
            p = os.path.join(self.dir, "host_" + t)
            if not os.path.exists(p):
                r = run(["ssh-keygen", "-q", "-t", t, "-N", "", "-f", p], timeout=120)
                assert r.returncode == 0, r.stderr
            with open(p + ".pub") as f:
                self.keys[t] = " ".join(f.read().split()[:2])

    def config(self):
        sftp = "/usr/lib/openssh/sftp-server"
        if not os.path.exists(sftp):
            sftp = "internal-sftp"
        lines = [
            "Port %d" % self.port,
            "ListenAddress 127.0.0.1",
            "PidFile %s/sshd.pid" % self.dir,
            "UsePAM no",
            "StrictModes no",
            "PasswordAuthentication yes",
            "KbdInteractiveAuthentication yes",
            "PubkeyAuthentication yes",
            "AuthorizedKeysFile .ssh/authorized_keys",
            "PermitRootLogin no",
            "LogLevel DEBUG3",
            "Subsystem sftp %s" % sftp,
            "AllowUsers %s" % self.user.name,
            "MaxAuthTries 20",
        ]
        lines += ["HostKey %s/host_%s" % (self.dir, t) for t in ("ed25519", "ecdsa", "rsa")]
        cfg = os.path.join(self.dir, "sshd_config")
        with open(cfg, "w") as f:
            f.write("\n".join(lines) + "\n" + self.extra)
        return cfg

    def start(self):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(3):
            self.port = free_port()
            cfg = self.config()
            self.proc = subprocess.Popen([SSHD, "-D", "-f", cfg, "-E", self.log_path],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            end = time.time() + 10
            while time.time() < end and self.proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return self
                except OSError:
                    time.sleep(0.05)
            self.stop()
        pytest.fail("sshd did not start:\n" + self.log())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def offers(self, what):
        """Algorithms this sshd supports (ssh -Q)."""
        r = run(["ssh", "-Q", what])
        return r.stdout.decode().split()


class Env:
    """A user, a running sshd and a client home with known_hosts and keys."""

    def __init__(self, tmp, user, sshd):
        self.tmp = tmp
        self.user = user
        self.sshd = sshd
        self.home = os.path.join(tmp, "clienthome")
        os.makedirs(os.path.join(self.home, ".ssh"), mode=0o700, exist_ok=True)
        self.kh = os.path.join(self.home, ".ssh", "known_hosts")

    def env(self, **kw):
        e = dict(os.environ)
        for k in ("SSH_AUTH_SOCK", "DROPBEAR_PASSWORD", "SSH_ASKPASS", "DISPLAY"):
            e.pop(k, None)
        e["HOME"] = self.home
        e.update(kw)
        return e

    def args(self, *extra, user=True):
        a = [dbclient_path(), "-p", str(self.sshd.port)]
        a += list(extra)
        return a

    def dest(self):
        return "%s@127.0.0.1" % self.user.name

    def run(self, *args, input=None, timeout=60, env=None, **kw):
        return run(list(args), input=input, timeout=timeout, env=env or self.env(), **kw)

    def known_line(self, t="ed25519"):
        return "[127.0.0.1]:%d %s\n" % (self.sshd.port, self.sshd.keys[t])


@pytest.fixture(scope="module")
def user():
    with throwaway_user(password=PASSWORD) as u:
        yield u


@pytest.fixture(scope="module")
def sshd(tmp_path_factory, user):
    s = Sshd(tmp_path_factory.mktemp("sshd"), user).start()
    yield s
    s.stop()


@pytest.fixture
def env(tmp_path, user, sshd):
    return Env(str(tmp_path), user, sshd)


def keygen_openssh(path, t="ed25519"):
    r = run(["ssh-keygen", "-q", "-t", t, "-N", "", "-f", path], timeout=120)
    assert r.returncode == 0, r.stderr
    with open(path + ".pub") as f:
        return f.read().strip()


def keygen_dropbear(path, t="ed25519"):
    r = run([BIN, "dropbearkey", "-t", t, "-f", path], timeout=120)
    assert r.returncode == 0, r.stderr
    for line in r.stdout.decode().splitlines():
        if re.match(r"^(ssh-|ecdsa-)", line):
            return line.strip()
    pytest.fail("no public key line from dropbearkey")


def authorize_new_key(env, kind="dropbear", t="ed25519"):
    path = os.path.join(env.tmp, "id_%s_%s" % (kind, t))
    pub = keygen_dropbear(path, t) if kind == "dropbear" else keygen_openssh(path, t)
    env.user.authorize(pub)
    return path


# ---- host keys and login


def test_first_use_records_then_silent(env):
    key = authorize_new_key(env)
    r = env.run(*env.args("-y", "-i", key), env.dest(), "echo", "hello")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"hello\n"
    assert b"Permanently added" in r.stderr
    with open(env.kh) as f:
        lines = f.read().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("[127.0.0.1]:%d ssh-ed25519 " % env.sshd.port)
    assert lines[0].split()[1:3] == env.sshd.keys["ed25519"].split()
    # the second login is silent and changes nothing
    r = env.run(*env.args("-i", key), env.dest(), "echo", "again")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"again\n"
    assert r.stderr == b""
    with open(env.kh) as f:
        assert f.read().splitlines() == lines


def test_unknown_host_without_tty_refused(env):
    key = authorize_new_key(env)
    r = env.run(*env.args("-i", key), env.dest(), "true", stdin=subprocess.DEVNULL,
                start_new_session=True)
    assert r.returncode == 255
    assert b"not known" in r.stderr
    assert not os.path.exists(env.kh) or os.path.getsize(env.kh) == 0


@pytest.mark.parametrize("answer", [b"y\n", b"yes\n", b"n\n", b"\n"])
def test_unknown_host_answered_on_stdin(env, answer):
    """Without a terminal the question goes to stderr and the answer comes from stdin,
    as with Dropbear's dbclient; the rest of stdin is the session's (cat sees it)."""
    key = authorize_new_key(env)
    r = env.run(*env.args("-i", key), env.dest(), "cat", input=answer + b"session data\n",
                start_new_session=True)
    assert b"Do you want to continue connecting? (y/n)" in r.stderr, r.stderr
    if answer.startswith(b"y"):
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"session data\n"
        with open(env.kh) as f:
            assert f.read() == env.known_line()
    else:
        assert r.returncode == 255 and b"not accepted" in r.stderr, r.stderr
        assert not os.path.exists(env.kh) or os.path.getsize(env.kh) == 0


def test_changed_host_key_refused(env):
    key = authorize_new_key(env)
    other = keygen_openssh(os.path.join(env.tmp, "other"))
    with open(env.kh, "w") as f:
        f.write("# comment\n[127.0.0.1]:%d %s\n" % (env.sshd.port, " ".join(other.split()[:2])))
    r = env.run(*env.args("-y", "-i", key), env.dest(), "echo", "should-not-run")
    assert r.returncode == 255
    assert b"should-not-run" not in r.stdout
    err = r.stderr.decode()
    assert "mismatch" in err and env.kh in err and "line 2" in err
    assert len(err.strip().splitlines()) == 1
    # -yy skips the check (with a warning)
    r = env.run(*env.args("-yy", "-i", key), env.dest(), "echo", "ok")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"ok\n"


def test_hashed_entry_honoured(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line("ed25519"))
    r = run(["ssh-keygen", "-H", "-f", env.kh])
    assert r.returncode == 0
    with open(env.kh) as f:
        hashed = f.read()
    assert hashed.startswith("|1|") and "127.0.0.1" not in hashed
    r = env.run(*env.args("-o", "StrictHostKeyChecking=yes", "-i", key), env.dest(), "echo", "h")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"h\n"
    with open(env.kh) as f:
        assert f.read() == hashed


@pytest.mark.parametrize("t", ["ed25519", "ecdsa", "rsa"])
def test_known_type_preferred(env, t):
    """A host known only by one key type is asked for that type (so every host key type
    sshd has is negotiated and verified), not asked about a new one."""
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line(t))
    r = env.run(*env.args("-v", "-o", "StrictHostKeyChecking=yes", "-i", key), env.dest(),
                "echo", "r")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"r\n"
    want = {"ed25519": "ssh-ed25519", "ecdsa": "ecdsa-sha2-nistp256", "rsa": "rsa-sha2-512"}[t]
    assert ("host key %s" % want) in r.stderr.decode()


def test_revoked_refused(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line("ed25519"))
        f.write("@revoked * %s\n" % env.sshd.keys["ed25519"])
    r = env.run(*env.args("-i", key), env.dest(), "true")
    assert r.returncode == 255
    assert b"revoked" in r.stderr


@pytest.mark.parametrize("kind,t", [("dropbear", "ed25519"), ("dropbear", "ecdsa"),
                                    ("dropbear", "rsa"), ("openssh", "ed25519"),
                                    ("openssh", "ecdsa"), ("openssh", "rsa")])
def test_pubkey_login(env, kind, t):
    key = authorize_new_key(env, kind, t)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    mark = len(env.sshd.log())
    r = env.run(*env.args("-i", key), env.dest(), "id", "-un")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == env.user.name
    log = env.sshd.log()[mark:]
    assert re.search(r"Accepted publickey for %s" % env.user.name, log)
    if t == "rsa":
        # server-sig-algs lists rsa-sha2-512 first: that is what we sign with
        assert re.search(r"userauth_pubkey: authenticated 1 pkalg rsa-sha2-512", log)


def test_default_identity(env):
    key = authorize_new_key(env, "openssh", "ed25519")
    shutil.copy(key, os.path.join(env.home, ".ssh", "id_ed25519"))
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args(), env.dest(), "echo", "default")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"default\n"


@pytest.mark.parametrize("t", ["ed25519", "rsa"])
def test_agent_login(env, t):
    key = authorize_new_key(env, "openssh", t)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    sock = os.path.join(env.tmp, "agent.sock")
    with ssh_agent(sock):
        r = run(["ssh-add", key], env=env.env(SSH_AUTH_SOCK=sock))
        assert r.returncode == 0, r.stderr
        mark = len(env.sshd.log())
        r = env.run(*env.args(), env.dest(), "echo", "agent", env=env.env(SSH_AUTH_SOCK=sock))
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"agent\n"
        log = env.sshd.log()[mark:]
        assert "Accepted publickey" in log
        if t == "rsa":
            assert re.search(r"userauth_pubkey: authenticated 1 pkalg rsa-sha2-512", log)


def test_password_env(env):
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args(), env.dest(), "echo", "pw",
                env=env.env(DROPBEAR_PASSWORD=PASSWORD))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"pw\n"
    r = env.run(*env.args(), env.dest(), "echo", "pw",
                env=env.env(DROPBEAR_PASSWORD="wrong"))
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr
    assert len(r.stderr.decode().strip().splitlines()) == 1


def test_password_only_server(env, tmp_path, user):
    """password (not keyboard-interactive) when that is all the server offers."""
    s = Sshd(str(tmp_path), user, extra="KbdInteractiveAuthentication no\n").start()
    try:
        with open(env.kh, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, s.keys["ed25519"]))
        r = env.run(dbclient_path(), "-p", str(s.port), env.dest(), "echo", "pwonly",
                    env=env.env(DROPBEAR_PASSWORD=PASSWORD))
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"pwonly\n"
        assert "Accepted password" in s.log()
    finally:
        s.stop()


def test_batchmode_never_prompts(env):
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args("-o", "BatchMode=yes"), env.dest(), "true",
                stdin=subprocess.DEVNULL, start_new_session=True, timeout=30)
    assert r.returncode == 255
    assert b"Permission denied" in r.stderr


def test_exit_status_and_stderr(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args("-i", key), env.dest(), "echo out; echo err >&2; exit 42")
    assert r.returncode == 42
    assert r.stdout == b"out\n"
    assert r.stderr == b"err\n"
    r = env.run(*env.args("-i", key), env.dest(), "kill -TERM $$")
    assert r.returncode == 255
    assert b"signal TERM" in r.stderr


def test_stdin_eof(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args("-i", key), env.dest(), "wc", "-c", input=b"x" * 100000)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == "100000"


def test_connection_refused(env):
    port = free_port()
    r = env.run(dbclient_path(), "-p", str(port), "-y", "127.0.0.1", "true")
    assert r.returncode == 255
    err = r.stderr.decode().strip().splitlines()
    assert len(err) == 1 and "refused" in err[0].lower()


def test_openssh_style_options_ignored(env):
    """What scp, git and rsync pass must work; harmless options are quiet."""
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(dbclient_path(), "-x", "-oForwardAgent=no", "-oPermitLocalCommand=no",
                "-oClearAllForwardings=yes", "-oRemoteCommand=none", "-oRequestTTY=no",
                "-oControlMaster=no", "-o", "SendEnv=GIT_PROTOCOL", "-i", key,
                "-oPort=%d" % env.sshd.port, "-l", env.user.name, "--", "127.0.0.1",
                "echo", "fine")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"fine\n"
    assert r.stderr == b""
    r = env.run(dbclient_path(), "-oFrobnicate=yes", "-i", key, "-p", str(env.sshd.port),
                env.dest(), "echo", "x")
    assert r.returncode == 0
    assert b"Frobnicate" in r.stderr


def test_ssh_config(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    with open(os.path.join(env.home, ".ssh", "config"), "w") as f:
        f.write("Host other\n  User nobody\n"
                "Host my*  !mybad\n  HostName 127.0.0.1\n  Port %d\n  User %s\n"
                "  IdentityFile %s\n  UnknownThing yes\n"
                % (env.sshd.port, env.user.name, key))
    r = env.run(dbclient_path(), "myhost", "echo", "cfg")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"cfg\n"
    assert b"UnknownThing" in r.stderr
    # Include with a glob, relative to ~/.ssh; Match host sees HostName; -F replaces it
    os.makedirs(os.path.join(env.home, ".ssh", "conf.d"))
    with open(os.path.join(env.home, ".ssh", "conf.d", "a.conf"), "w") as f:
        f.write("Host inc\n  HostName 127.0.0.1\nMatch host 127.0.0.*\n  Port %d\n"
                "  User %s\n  IdentityFile %s\n" % (env.sshd.port, env.user.name, key))
    with open(os.path.join(env.home, ".ssh", "config"), "w") as f:
        f.write("Include conf.d/*.conf\n")
    r = env.run(dbclient_path(), "inc", "echo", "included")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"included\n"
    alt = os.path.join(env.tmp, "alt_config")
    with open(alt, "w") as f:
        f.write("Host alt\n  HostName 127.0.0.1\n  Port %d\n  User %s\n  IdentityFile %s\n"
                % (env.sshd.port, env.user.name, key))
    r = env.run(dbclient_path(), "-F", alt, "alt", "echo", "alt")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"alt\n"


def hash_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def test_50mb_both_ways(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    src = os.path.join(env.tmp, "big")
    with open(src, "wb") as f:
        f.write(os.urandom(50 * 1024 * 1024))
    want = hash_of(src)
    with open(src, "rb") as f:
        r = env.run(*env.args("-i", key), env.dest(), "cat > big && sha256sum big", stdin=f,
                    timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split()[0] == want
    dst = os.path.join(env.tmp, "back")
    with open(dst, "wb") as f:
        r = subprocess.run(env.args("-i", key) + [env.dest(), "cat big"], stdout=f,
                           stderr=subprocess.PIPE, timeout=300, env=env.env())
    assert r.returncode == 0, r.stderr
    assert hash_of(dst) == want


def algo_params():
    out = []
    for c in ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
              "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"]:
        out.append(("-c", c))
    for m in ["hmac-sha2-256", "hmac-sha2-512", "hmac-sha2-256-etm@openssh.com",
              "hmac-sha2-512-etm@openssh.com"]:
        out.append(("-m", m))
    for k in ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256",
              "ecdh-sha2-nistp384", "ecdh-sha2-nistp521", "diffie-hellman-group16-sha512",
              "diffie-hellman-group14-sha256"]:
        out.append(("kex", k))
    out.append(("compression", "yes"))
    return out


@pytest.mark.parametrize("what,alg", algo_params())
def test_algorithms(env, what, alg):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    kind = {"-c": "cipher", "-m": "mac", "kex": "kex", "compression": None}[what]
    if kind and alg not in env.sshd.offers(kind):
        pytest.skip("sshd does not offer %s" % alg)
    if what == "kex":
        opts = ["-o", "KexAlgorithms=%s" % alg]
    elif what == "compression":
        opts = ["-C"]
    else:
        opts = [what, alg]
        if what == "-m":
            opts += ["-c", "aes128-ctr"]  # an AEAD cipher would make the MAC moot
    mark = len(env.sshd.log())
    r = env.run(*env.args("-v", "-i", key, *opts), env.dest(), "head -c 200000 /dev/zero | sha256sum")
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().split()[0] == hashlib.sha256(b"\0" * 200000).hexdigest()
    log = env.sshd.log()[mark:]
    if what == "compression":
        assert "compression: zlib" in log or "zlib@openssh.com" in r.stderr.decode()
    else:
        assert alg in log or alg in r.stderr.decode()


# ---- programs that run ssh


def make_tree(root):
    os.makedirs(os.path.join(root, "sub", "deeper"))
    files = {"a.txt": b"alpha\n", "sub/b.bin": os.urandom(300000),
             "sub/deeper/c": os.urandom(5000), "empty": b""}
    for rel, data in files.items():
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)
    return files


def tree_hashes(root):
    out = {}
    for d, _, fs in os.walk(root):
        for n in fs:
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = hash_of(p)
    return out


def ready_env(env):
    key = authorize_new_key(env)
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    return key


def test_rsync(env):
    key = ready_env(env)
    src = os.path.join(env.tmp, "src")
    make_tree(src)
    ssh = "%s -p %d -i %s" % (dbclient_path(), env.sshd.port, key)
    r = env.run("rsync", "-a", "-e", ssh, src + "/", env.dest() + ":pushed/", timeout=120)
    assert r.returncode == 0, r.stderr
    r = env.run(dbclient_path(), "-p", str(env.sshd.port), "-i", key, env.dest(),
                "cd pushed && find . -type f | sort | xargs sha256sum")
    assert r.returncode == 0, r.stderr
    remote = {l.split()[1][2:]: l.split()[0] for l in r.stdout.decode().splitlines()}
    assert remote == tree_hashes(src)
    back = os.path.join(env.tmp, "back")
    r = env.run("rsync", "-a", "-e", ssh, env.dest() + ":pushed/", back + "/", timeout=120)
    assert r.returncode == 0, r.stderr
    assert tree_hashes(back) == tree_hashes(src)


@pytest.mark.parametrize("mode", ["-O", "-s"])
def test_scp(env, mode):
    key = ready_env(env)
    src = os.path.join(env.tmp, "file")
    with open(src, "wb") as f:
        f.write(os.urandom(1000000))
    base = ["scp", mode, "-S", dbclient_path(), "-P", str(env.sshd.port), "-i", key, "-q"]
    r = env.run(*base, src, env.dest() + ":copied", timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stderr == b""  # the options scp passes are taken quietly
    back = os.path.join(env.tmp, "back")
    r = env.run(*base, env.dest() + ":copied", back, timeout=120)
    assert r.returncode == 0, r.stderr
    assert hash_of(back) == hash_of(src)


def test_sftp_batch(env):
    key = ready_env(env)
    src = os.path.join(env.tmp, "up")
    with open(src, "wb") as f:
        f.write(os.urandom(200000))
    batch = os.path.join(env.tmp, "batch")
    back = os.path.join(env.tmp, "down")
    with open(batch, "w") as f:
        f.write("mkdir sftpdir\nput %s sftpdir/up\nls sftpdir\nget sftpdir/up %s\n" % (src, back))
    r = env.run("sftp", "-S", dbclient_path(), "-P", str(env.sshd.port), "-i", key, "-b", batch,
                env.dest(), timeout=120)
    assert r.returncode == 0, r.stderr
    assert b"sftpdir/up" in r.stdout
    assert r.stderr == b""
    assert hash_of(back) == hash_of(src)


@pytest.mark.parametrize("variant", ["simple", "ssh"])
def test_git_clone(env, variant):
    key = ready_env(env)
    repo = os.path.join(env.user.home, "repo-%s.git" % variant)
    work = os.path.join(env.tmp, "work")
    genv = env.env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                   GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    assert run(["git", "init", "-q", work]).returncode == 0
    with open(os.path.join(work, "README"), "w") as f:
        f.write("hello git\n")
    for cmd in (["add", "README"], ["commit", "-q", "-m", "first"]):
        r = run(["git", "-C", work] + cmd, env=genv)
        assert r.returncode == 0, r.stderr
    r = run(["git", "clone", "-q", "--bare", work, repo])
    assert r.returncode == 0, r.stderr
    subprocess.run(["chown", "-R", "%d:%d" % (env.user.uid, env.user.gid), repo], check=True)
    clone = os.path.join(env.tmp, "clone")
    if variant == "simple":
        url = "%s:%s" % (env.dest(), repo)
        ssh = "%s -p %d -i %s" % (dbclient_path(), env.sshd.port, key)
    else:
        url = "ssh://%s:%d%s" % (env.dest(), env.sshd.port, repo)
        ssh = "%s -i %s" % (dbclient_path(), key)
    r = run(["git", "clone", "-q", url, clone], timeout=120,
            env=dict(genv, GIT_SSH_COMMAND=ssh, GIT_SSH_VARIANT=variant))
    assert r.returncode == 0, r.stderr
    with open(os.path.join(clone, "README")) as f:
        assert f.read() == "hello git\n"


# ---- a person at a terminal (tmux)


class Tmux:
    def __init__(self, tmp, cmd, env, width=100, height=30):
        self.sock = os.path.join(tmp, "tmux.sock")
        self.name = "t"
        self.base = ["tmux", "-S", self.sock, "-f", "/dev/null"]
        r = run(self.base + ["new-session", "-d", "-s", self.name, "-x", str(width), "-y",
                             str(height), cmd], env=env, timeout=30)
        assert r.returncode == 0, r.stderr
        run(self.base + ["set-option", "-g", "status", "off"], timeout=10)

    def screen(self):
        return run(self.base + ["capture-pane", "-p", "-t", self.name], timeout=10).stdout.decode()

    def send(self, *keys):
        run(self.base + ["send-keys", "-t", self.name] + list(keys), timeout=10)

    def wait(self, pattern, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            m = re.search(pattern, self.screen())
            if m:
                return m
            time.sleep(0.1)
        pytest.fail("no %r on the screen:\n%s" % (pattern, self.screen()))

    def kill(self):
        run(self.base + ["kill-server"], timeout=10)


@pytest.fixture
def tmux_factory():
    made = []

    def make(*a, **kw):
        t = Tmux(*a, **kw)
        made.append(t)
        return t

    yield make
    for t in made:
        t.kill()


def test_interactive_session(env, tmux_factory):
    key = ready_env(env)
    before = os.path.join(env.tmp, "before")
    after = os.path.join(env.tmp, "after")
    done = os.path.join(env.tmp, "done")
    script = os.path.join(env.tmp, "run.sh")
    with open(script, "w") as f:
        f.write("stty -g > %s\n%s -p %d -i %s %s\necho \"status $?\" > %s\nstty -g > %s\n"
                "sleep 30\n" % (before, dbclient_path(), env.sshd.port, key, env.dest(), done,
                                after))
    t = tmux_factory(env.tmp, "sh " + script, env.env(TERM="xterm"))
    t.send("echo MARK$((6*7))", "Enter")
    t.wait(r"MARK42")
    t.send("stty size", "Enter")
    t.wait(r"\n30 100\s")
    run(t.base + ["resize-window", "-t", t.name, "-x", "120", "-y", "40"], timeout=10)
    time.sleep(0.5)
    t.send("clear; stty size", "Enter")
    t.wait(r"\n?40 120\s")
    # ~? lists the escapes; ~R rekeys (sshd sees a second KEXINIT); ~. ends it
    t.send("Enter")
    t.send("~?")
    t.wait(r"Supported escape sequences")
    kexinits = env.sshd.log().count("SSH2_MSG_KEXINIT received")
    t.send("Enter")
    t.send("~R")
    t.send("echo AFTER$((2+3))", "Enter")
    t.wait(r"AFTER5")
    assert env.sshd.log().count("SSH2_MSG_KEXINIT received") > kexinits
    t.send("Enter")
    t.send("~.")
    end = time.time() + 20
    while not (os.path.exists(after) and os.path.getsize(after) > 0) and time.time() < end:
        time.sleep(0.1)
    with open(done) as f:
        assert f.read().strip() == "status 255"
    with open(before) as f1, open(after) as f2:
        assert f1.read() == f2.read()


def test_password_prompt_on_tty(env, tmux_factory):
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    out = os.path.join(env.tmp, "out")
    cmd = "%s -p %d %s 'echo LOGGED$((1+1))' > %s 2>&1; sleep 30" % (
        dbclient_path(), env.sshd.port, env.dest(), out)
    t = tmux_factory(env.tmp, cmd, env.env())
    t.wait(r"[Pp]assword:")
    t.send(PASSWORD, "Enter")
    end = time.time() + 20
    while time.time() < end:
        if os.path.exists(out) and b"LOGGED2" in open(out, "rb").read():
            break
        time.sleep(0.1)
    with open(out, "rb") as f:
        assert b"LOGGED2" in f.read()
    assert PASSWORD not in t.screen()


# ---- our client against our server


@pytest.fixture
def our_server(tmp_path):
    d = str(tmp_path / "ours")
    os.makedirs(d)
    hk = os.path.join(d, "host_ed25519")
    r = run([BIN, "dropbearkey", "-t", "ed25519", "-f", hk], timeout=60)
    assert r.returncode == 0, r.stderr
    port = free_port()
    logf = open(os.path.join(d, "log"), "wb")
    proc = subprocess.Popen([BIN, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port, "-r", hk,
                             "-P", os.path.join(d, "pid")], stdin=subprocess.DEVNULL,
                            stdout=logf, stderr=logf, start_new_session=True)
    end = time.time() + 10
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield port, os.path.join(d, "log")
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)
    logf.close()


def test_basics_against_our_server(env, our_server):
    port, log = our_server
    key = authorize_new_key(env)
    base = [dbclient_path(), "-p", str(port)]
    r = env.run(*base, "-y", "-i", key, env.dest(), "echo hi; echo err >&2; exit 3",
                stdin=subprocess.DEVNULL)
    if r.returncode == 255 and (b"Permission denied" in r.stderr or b"session" in r.stderr):
        pytest.skip("our server cannot authenticate or run sessions yet: %s" % r.stderr)
    assert r.returncode == 3, r.stderr
    assert r.stdout == b"hi\n"
    assert b"err\n" in r.stderr
    with open(env.kh) as f:
        assert f.read().startswith("[127.0.0.1]:%d ssh-ed25519 " % port)
    r = env.run(*base, "-i", key, env.dest(), "wc -c", input=b"y" * 300000)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().strip() == "300000"
    assert r.stderr == b""
    r = env.run(*base, env.dest(), "echo pw", env=env.env(DROPBEAR_PASSWORD=PASSWORD),
                stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"pw\n"


def test_keepalive_and_idle_timeout(env):
    key = ready_env(env)
    mark = len(env.sshd.log())
    r = env.run(*env.args("-K", "1", "-i", key), env.dest(), "sleep 3; echo alive",
                stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"alive\n"
    assert "keepalive@openssh.com" in env.sshd.log()[mark:]
    t0 = time.time()
    r = env.run(*env.args("-I", "1", "-i", key), env.dest(), "sleep 20; echo late",
                stdin=subprocess.DEVNULL, timeout=30)
    assert r.returncode == 255
    assert b"Idle timeout" in r.stderr
    assert r.stdout == b""
    assert time.time() - t0 < 15


def test_askpass_without_tty(env):
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    ap = os.path.join(env.tmp, "askpass.sh")
    with open(ap, "w") as f:
        f.write("#!/bin/sh\necho '%s'\n" % PASSWORD)
    os.chmod(ap, 0o755)
    r = env.run(*env.args(), env.dest(), "echo viaaskpass", env=env.env(SSH_ASKPASS=ap),
                stdin=subprocess.DEVNULL, start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"viaaskpass\n"


def test_encrypted_openssh_key(env):
    path = os.path.join(env.tmp, "enc")
    r = run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "key-pass", "-f", path], timeout=60)
    assert r.returncode == 0
    with open(path + ".pub") as f:
        env.user.authorize(f.read())
    with open(env.kh, "w") as f:
        f.write(env.known_line())
    r = env.run(*env.args("-i", path, "-o", "PasswordAuthentication=no",
                          "-o", "KbdInteractiveAuthentication=no"), env.dest(), "echo enc",
                env=env.env(DROPBEAR_PASSPHRASE="key-pass"), stdin=subprocess.DEVNULL,
                start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"enc\n"


def test_new_host_asked_on_tty(env, tmux_factory):
    key = authorize_new_key(env)
    out = os.path.join(env.tmp, "out")
    cmd = "%s -p %d -i %s %s 'echo ACCEPTED' > %s 2>&1; sleep 30" % (
        dbclient_path(), env.sshd.port, key, env.dest(), out)
    t = tmux_factory(env.tmp, cmd, env.env())
    t.wait(r"continue connecting\? \(y/n\)")
    assert "SHA256:" in t.screen()
    t.send("y", "Enter")
    end = time.time() + 20
    while time.time() < end:
        if os.path.exists(out) and b"ACCEPTED" in open(out, "rb").read():
            break
        time.sleep(0.1)
    with open(out, "rb") as f:
        assert b"ACCEPTED" in f.read()
    with open(env.kh) as f:
        assert f.read().startswith("[127.0.0.1]:%d ssh-ed25519 " % env.sshd.port)


def test_rekey_during_transfer(env, tmp_path, user):
    """sshd rekeys every 1 MB: the client follows, keeps the host key, loses nothing."""
    s = Sshd(str(tmp_path), user, extra="RekeyLimit 1M\n").start()
    try:
        key = authorize_new_key(env)
        with open(env.kh, "w") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, s.keys["ed25519"]))
        data = os.urandom(8 * 1024 * 1024)
        r = env.run(dbclient_path(), "-p", str(s.port), "-i", key, "-b", "127.0.0.1",
                    env.dest(), "sha256sum; head -c 8000000 /dev/zero | sha256sum >&2",
                    input=data, timeout=120)
        assert r.returncode == 0, r.stderr
        assert r.stdout.decode().split()[0] == hashlib.sha256(data).hexdigest()
        assert r.stderr.decode().split()[0] == hashlib.sha256(b"\0" * 8000000).hexdigest()
        assert len(re.findall(r"SSH2_MSG_KEXINIT received", s.log())) >= 3
    finally:
        s.stop()


def test_command_line_errors_and_help():
    d = dbclient_path()
    r = run([d, "-h"])
    assert r.returncode == 0 and b"Usage" in r.stdout
    r = run([d, "-c", "help"])
    assert r.returncode == 0 and b"aes128-ctr" in r.stdout
    for args, what in (([], b"no host"), (["-p", "notaport", "h"], b"-p"),
                       (["-c", "bogus-cipher", "-p", "1", "127.0.0.1"], b"algorithm"),
                       (["-W", "0", "h"], b"-W"), (["-L", "nonsense", "h"], b"-L")):
        r = run([d] + args, timeout=30)
        assert r.returncode == 255, args
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and what in err[0], (args, r.stderr)


def test_throwaway_known_hosts_pattern(env):
    """-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no, as scripts write it."""
    key = authorize_new_key(env)
    r = env.run(*env.args("-o", "UserKnownHostsFile=/dev/null", "-o",
                          "StrictHostKeyChecking=no", "-i", key, "-q"), env.dest(), "echo nokh",
                stdin=subprocess.DEVNULL, start_new_session=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"nokh\n"
    assert not os.path.exists(env.kh)
