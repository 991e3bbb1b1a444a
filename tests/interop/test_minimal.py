"""make MINIMAL=1: the server-only static binary (build/minimal/dropbearmulti, or
$DBMULTI_MINIMAL) with OpenSSH's ssh: curve25519, ed25519, chacha20-poly1305 and
public-key authentication work; everything else is refused or absent."""
import os
import subprocess

import pytest

import conftest
from conftest import ROOT, Server, run
from users import can_create_users, throwaway_user

MIN = os.environ.get("DBMULTI_MINIMAL") or os.path.join(ROOT, "build", "minimal",
                                                         "dropbearmulti")

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root and useradd"),
    pytest.mark.skipif(not os.access(MIN, os.X_OK), reason="make MINIMAL=1 not built"),
]


@pytest.fixture
def minsrv(tmp_path, hostkeys, monkeypatch):
    monkeypatch.setattr(conftest, "_binary", lambda: MIN)
    s = Server(tmp_path, [hostkeys["ed25519"].path])
    s.start()
    yield s
    s.stop()


@pytest.fixture
def muser(tmp_path):
    with throwaway_user(password="Secret-pw-1") as u:
        key = str(tmp_path / "uk")
        r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", key])
        assert r.returncode == 0, r.stderr
        with open(key + ".pub") as f:
            u.authorize(f.read())
        u.key = key
        yield u


def ssh(port, user, *opts, password=None):
    cmd = ["ssh", "-v", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
           "-o", "IdentityAgent=none", "-o", "ConnectTimeout=10",
           "-o", "NumberOfPasswordPrompts=1"] + list(opts)
    if password is None:
        cmd += ["-o", "BatchMode=yes", "-i", user.key]
    cmd += ["-p", str(port), "%s@127.0.0.1" % user.name, "echo minimal-$(id -un)"]
    if password is not None:
        cmd = ["sshpass", "-p", password] + cmd
    r = subprocess.run(cmd, capture_output=True, timeout=40, stdin=subprocess.DEVNULL)
    return r.returncode, r.stderr.decode("utf-8", "replace") + r.stdout.decode()


def test_minimal_pubkey_login(minsrv, muser):
    rc, out = ssh(minsrv.port, muser)
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()
    assert "kex: algorithm: curve25519-sha256" in out
    assert "cipher: chacha20-poly1305@openssh.com" in out
    assert "Server host key: ssh-ed25519" in out


def test_minimal_refuses_the_rest(minsrv, muser):
    rc, out = ssh(minsrv.port, muser, "-o", "PubkeyAuthentication=no",
                  "-o", "PreferredAuthentications=password,keyboard-interactive",
                  password=muser.password)
    assert rc != 0 and "minimal-" not in out
    assert "Authentications that can continue: publickey\n" in out.replace("\r", ""), out
    for opt in (["-o", "Ciphers=aes128-ctr,aes256-gcm@openssh.com"],
                ["-o", "KexAlgorithms=ecdh-sha2-nistp256,diffie-hellman-group16-sha512"],
                ["-o", "Compression=yes", "-o", "Ciphers=aes128-ctr"]):
        rc, out = ssh(minsrv.port, muser, *opt)
        assert rc != 0 and "no matching" in out, out


def test_minimal_server_only():
    for face in ("dbclient", "dropbearkey", "dropbearconvert"):
        r = run([MIN, face, "-h"])
        assert r.returncode != 0
        assert b"not built into this binary" in r.stderr, r.stderr


def test_minimal_text_host_key_skipped(tmp_path):
    """Without DB_KEYFILE_TEXT an OpenSSH-format host key is skipped with one clear
    warning (unsupported), not misread: with no other key the server refuses to start."""
    key = str(tmp_path / "osk")
    r = run(["ssh-keygen", "-q", "-N", "", "-t", "ed25519", "-f", key])
    assert r.returncode == 0, r.stderr
    r = subprocess.run([MIN, "dropbear", "-F", "-E", "-r", key, "-p", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=20,
                       stdin=subprocess.DEVNULL)
    assert r.returncode != 0
    assert "Host key %s skipped: unsupported" % key in r.stderr, r.stderr
    assert "No host keys available" in r.stderr, r.stderr


def test_minimal_numeric_forwarding(minsrv, muser):
    """Without DB_DNS (MINIMAL) forwarding targets are numeric: an IP address and
    localhost connect (ssh -W, direct-tcpip); a host name is refused with the channel,
    the connection and the server go on."""
    import socket
    import threading
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    lsock.settimeout(30)
    port = lsock.getsockname()[1]

    def serve():
        for _ in range(2):
            try:
                c, _ = lsock.accept()
            except OSError:
                return
            c.sendall(b"hello-from-target\n")
            c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    base = ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none", "-o", "ConnectTimeout=10", "-o", "BatchMode=yes",
            "-i", muser.key, "-p", str(minsrv.port)]
    try:
        for target in ("127.0.0.1", "localhost"):
            r = subprocess.run(base + ["-W", "%s:%d" % (target, port),
                                       "%s@127.0.0.1" % muser.name],
                               capture_output=True, timeout=40, stdin=subprocess.DEVNULL)
            assert b"hello-from-target" in r.stdout, (target, r.stderr, minsrv.log())
        r = subprocess.run(base + ["-W", "name.invalid:%d" % port,
                                   "%s@127.0.0.1" % muser.name],
                           capture_output=True, timeout=40, stdin=subprocess.DEVNULL)
        assert r.returncode != 0 and b"hello-from-target" not in r.stdout
        assert b"open failed" in r.stderr, r.stderr
    finally:
        lsock.close()
        t.join(timeout=10)
    rc, out = ssh(minsrv.port, muser)
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()
