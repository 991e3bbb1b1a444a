"""sntrup761x25519-sha512 and sntrup761x25519-sha512@openssh.com against real peers.

Each login runs `sha256sum` on 256 KiB of random input and compares the digest, and the
negotiated method is read from the client's -v output or the server's log:
- Debian's OpenSSH 9.2: its ssh against our server, our dbclient against its sshd (on a
  loopback port with a private config), with sntrup761x25519-sha512@openssh.com;
- OpenSSH 10.5p1 (../shared/peers/openssh-10): its ssh with
  -o KexAlgorithms=sntrup761x25519-sha512 against our server, our dbclient forcing each
  name against its sshd;
- upstream Dropbear 2026.94 (../shared/peers/dropbear-2026.94): its dbclient against our
  server (its first choice is sntrup761x25519-sha512: neither it nor our server can be
  told to prefer the alias), our dbclient forcing each name against its server.

Throwaway user and keys; every server on 127.0.0.1 is killed at teardown; every
subprocess has a timeout.
"""
import hashlib
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import BIN, ROOT, Server, free_port, make_key, run
from users import can_create_users, throwaway_user

PEERS = os.path.join(ROOT, "..", "shared", "peers")
OSSH10 = os.path.abspath(os.path.join(PEERS, "openssh-10"))
UPSTREAM = os.path.abspath(os.path.join(PEERS, "dropbear-2026.94", "dropbearmulti"))
DEBIAN_SSHD = "/usr/sbin/sshd"
NAMES = ["sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com"]

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

DATA = os.urandom(256 * 1024)
DIGEST = hashlib.sha256(DATA).hexdigest()


def need(path):
    if not os.access(path, os.X_OK):
        pytest.skip("%s not present" % path)


def dbclient():
    return os.path.join(os.path.dirname(BIN), "dbclient")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("pqkeys")
    os.chmod(str(d), 0o755)
    ossh = str(d / "id_openssh")
    r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", ossh])
    assert r.returncode == 0, r.stderr
    with open(ossh + ".pub") as f:
        ossh_pub = " ".join(f.read().split()[:2])
    db = str(d / "id_dropbear")
    r = run([BIN, "dropbearkey", "-t", "ed25519", "-f", db])
    assert r.returncode == 0, r.stderr
    db_pub = [l for l in r.stdout.decode().splitlines() if l.startswith("ssh-ed25519 ")][0]
    hk = make_key(str(d / "host_ed25519"), "ed25519")
    return {"ossh": ossh, "ossh_pub": ossh_pub, "db": db,
            "db_pub": " ".join(db_pub.split()[:2]), "host": hk, "dir": str(d)}


@pytest.fixture(scope="module")
def user(keys):
    with throwaway_user(password="Secret-pw-1") as u:
        u.authorize(keys["ossh_pub"], keys["db_pub"])
        yield u


@pytest.fixture(scope="module")
def ours(tmp_path_factory, keys):
    s = Server(tmp_path_factory.mktemp("pqsrv"), [keys["host"]])
    s.start()
    yield s
    s.stop()


def check_data(r):
    out = r.stdout.decode(errors="replace")
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-3000:]
    assert out.split()[0] == DIGEST, out


def ssh_cmd(ssh, port, keys, tmp, kex):
    return [ssh, "-v", "-F", "/dev/null", "-p", str(port), "-i", keys["ossh"],
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=" + os.path.join(str(tmp), "kh"),
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=accept-new",
            "-o", "KexAlgorithms=" + kex]


def dbclient_cmd(client, port, key, tmp, kex=None):
    a = [client, "-v", "-y", "-i", key, "-p", str(port)]
    if kex:
        a += ["-o", "KexAlgorithms=" + kex]
    return a


def client_env(tmp):
    e = dict(os.environ, HOME=str(tmp))
    for k in ("SSH_AUTH_SOCK", "DROPBEAR_PASSWORD", "SSH_ASKPASS", "DISPLAY"):
        e.pop(k, None)
    return e


# ---- OpenSSH's ssh (Debian 9.2 and 10.5p1) against our server


@pytest.mark.parametrize("ssh,kex", [
    ("/usr/bin/ssh", "sntrup761x25519-sha512@openssh.com"),
    (os.path.join(OSSH10, "bin", "ssh"), "sntrup761x25519-sha512"),
])
def test_openssh_client_to_our_server(ours, keys, user, tmp_path, ssh, kex):
    need(ssh)
    mark = ours.mark()
    r = run(ssh_cmd(ssh, ours.port, keys, tmp_path, kex) + ["%s@127.0.0.1" % user.name,
            "sha256sum"], input=DATA, timeout=60, env=client_env(tmp_path))
    check_data(r)
    assert re.search(rb"kex: algorithm: " + re.escape(kex.encode()) + rb"\r?\n", r.stderr)
    assert ours.wait_log(r"kex with <[^>]*>: %s, " % re.escape(kex), since=mark)


# ---- our dbclient against Debian's sshd 9.2


class DebianSshd:
    def __init__(self, workdir, user):
        self.dir = str(workdir)
        self.user = user
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.proc = None
        self.key = os.path.join(self.dir, "host_ed25519")
        r = run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key])
        assert r.returncode == 0, r.stderr

    def start(self, sshd, extra=()):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        for _ in range(3):
            self.port = free_port()
            cfg = os.path.join(self.dir, "sshd_config")
            lines = ["Port %d" % self.port, "ListenAddress 127.0.0.1",
                     "PidFile none", "StrictModes no", "PasswordAuthentication no",
                     "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
                     "AuthorizedKeysFile .ssh/authorized_keys", "LogLevel DEBUG1",
                     "AllowUsers %s" % self.user.name, "HostKey %s" % self.key] + list(extra)
            with open(cfg, "w") as f:
                f.write("\n".join(lines) + "\n")
            self.proc = subprocess.Popen([sshd, "-D", "-f", cfg, "-E", self.log_path],
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            end = time.time() + 10
            while time.time() < end and self.proc.poll() is None:
                if "Server listening on 127.0.0.1 port %d" % self.port in self.log():
                    return self
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


@pytest.fixture(scope="module")
def debian_sshd(tmp_path_factory, user):
    need(DEBIAN_SSHD)
    s = DebianSshd(tmp_path_factory.mktemp("debsshd"), user).start(DEBIAN_SSHD)
    yield s
    s.stop()


def test_our_dbclient_to_debian_sshd(debian_sshd, keys, user, tmp_path):
    kex = "sntrup761x25519-sha512@openssh.com"
    r = run(dbclient_cmd(dbclient(), debian_sshd.port, keys["db"], tmp_path, kex) +
            ["%s@127.0.0.1" % user.name, "sha256sum"], input=DATA, timeout=60,
            env=client_env(tmp_path))
    check_data(r)
    assert re.search(r"kex: algorithm: %s( \[preauth\])?\n" % re.escape(kex), debian_sshd.log())
    assert kex.encode() in r.stderr


# ---- our dbclient against OpenSSH 10.5p1's sshd


@pytest.fixture(scope="module")
def ossh10_sshd(tmp_path_factory, user):
    sshd = os.path.join(OSSH10, "sbin", "sshd")
    need(sshd)
    os.makedirs("/opt/openssh10/var/empty", mode=0o755, exist_ok=True)
    os.chmod("/opt/openssh10/var/empty", 0o755)
    s = DebianSshd(tmp_path_factory.mktemp("ossh10"), user)
    s.start(sshd, extra=["SshdSessionPath %s/libexec/sshd-session" % OSSH10,
                         "SshdAuthPath %s/libexec/sshd-auth" % OSSH10,
                         "PerSourcePenalties no"])
    yield s
    s.stop()


@pytest.mark.parametrize("kex", NAMES)
def test_our_dbclient_to_openssh10(ossh10_sshd, keys, user, tmp_path, kex):
    mark = len(ossh10_sshd.log())
    r = run(dbclient_cmd(dbclient(), ossh10_sshd.port, keys["db"], tmp_path, kex) +
            ["%s@127.0.0.1" % user.name, "sha256sum"], input=DATA, timeout=60,
            env=client_env(tmp_path))
    check_data(r)
    assert re.search(r"kex: algorithm: %s( \[preauth\])?\n" % re.escape(kex),
                     ossh10_sshd.log()[mark:])


# ---- upstream Dropbear 2026.94, both ways


@pytest.fixture(scope="module")
def upstream_server(tmp_path_factory, keys):
    need(UPSTREAM)
    d = str(tmp_path_factory.mktemp("upstream"))
    log = open(os.path.join(d, "log"), "wb")
    proc = None
    for _ in range(3):
        port = free_port()
        proc = subprocess.Popen([UPSTREAM, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port,
                                 "-r", keys["host"], "-P", os.path.join(d, "pid")],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
        end = time.time() + 10
        up = False
        while time.time() < end and proc.poll() is None:
            with open(os.path.join(d, "log"), "rb") as f:
                if b"Not backgrounding" in f.read():
                    up = True
                    break
            time.sleep(0.05)
        if up:
            break
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    else:
        pytest.fail("upstream dropbear did not start")
    yield port
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    log.close()


@pytest.mark.parametrize("kex", NAMES)
def test_our_dbclient_to_upstream_dropbear(upstream_server, keys, user, tmp_path, kex):
    r = run(dbclient_cmd(dbclient(), upstream_server, keys["db"], tmp_path, kex) +
            ["%s@127.0.0.1" % user.name, "sha256sum"], input=DATA, timeout=60,
            env=client_env(tmp_path))
    check_data(r)
    assert re.search((r"kex with <[^>]*>: %s," % re.escape(kex)).encode(), r.stderr), r.stderr


def test_upstream_dbclient_to_our_server(ours, keys, user, tmp_path):
    need(UPSTREAM)
    mark = ours.mark()
    r = run([UPSTREAM, "dbclient", "-y", "-i", keys["db"], "-p", str(ours.port),
             "%s@127.0.0.1" % user.name, "sha256sum"], input=DATA, timeout=60,
            env=client_env(tmp_path))
    check_data(r)
    assert ours.wait_log(r"kex with <[^>]*>: sntrup761x25519-sha512, ", since=mark)


@pytest.mark.parametrize("n", [0, 32, 1158, 1189, 1191])
def test_malformed_client_value_one_log_line(ours, n):
    """A Q_C of the wrong length ends that connection (DISCONNECT key exchange failed)
    with one log line; the listener keeps serving."""
    from rawssh import MSG_KEX_ECDH_INIT, MSG_KEXINIT, RawClient, string
    mark = ours.mark()
    c = RawClient(ours.port)
    try:
        c.start()
        c.send_packet(c.kexinit(kex="sntrup761x25519-sha512"))
        assert c.read_packet()[0] == MSG_KEXINIT
        c.send_packet(bytes([MSG_KEX_ECDH_INIT]) + string(os.urandom(n)))
        got = c.read_disconnect()
    finally:
        c.close()
    assert got is not None and got[0] == 3, got  # SSH_DISCONNECT_KEY_EXCHANGE_FAILED
    m = ours.wait_log(r"sntrup761x25519-sha512: bad client public value", since=mark)
    assert m
    log = ours.log_since(mark)
    assert len(re.findall(r"bad client public value", log)) == 1, log
    assert ours.alive()
