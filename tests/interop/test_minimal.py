"""make MINIMAL=1: the server-only static binary (build/minimal/dropbearmulti, or
$DBMULTI_MINIMAL) with OpenSSH's ssh: curve25519, ed25519, chacha20-poly1305 and
public-key authentication work; everything else is refused or absent, forwarding
(-L, -W, -R, -A) refused the standard way while the session goes on."""
import os
import socket
import subprocess

import pytest

import conftest
from conftest import ROOT, Server, free_port, run, ssh_agent
from fwdhelpers import listening, wait_for
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


LOGIN = "echo minimal-$(id -un)"


def ssh_cmd(port, user, *opts, password=None, command=LOGIN, agent=False):
    cmd = ["ssh", "-v", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "StrictHostKeyChecking=no", "-o", "IdentitiesOnly=yes",
           "-o", "ConnectTimeout=10", "-o", "NumberOfPasswordPrompts=1"] + list(opts)
    if not agent:
        cmd += ["-o", "IdentityAgent=none"]
    if password is None:
        cmd += ["-o", "BatchMode=yes", "-i", user.key]
    cmd += ["-p", str(port), "%s@127.0.0.1" % user.name]
    if command is not None:
        cmd.append(command)
    if password is not None:
        cmd = ["sshpass", "-p", password] + cmd
    return cmd


def ssh(port, user, *opts, password=None, command=LOGIN, env=None):
    cmd = ssh_cmd(port, user, *opts, password=password, command=command,
                  agent=env is not None)
    r = subprocess.run(cmd, capture_output=True, timeout=40, stdin=subprocess.DEVNULL,
                       env=env)
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


def test_minimal_local_forwarding_refused(minsrv, muser):
    """Without DB_SVR_LOCALTCPFWD a direct-tcpip channel (ssh -L, -W) gets
    CHANNEL_OPEN_FAILURE "administratively prohibited": ssh closes the forwarded
    connection and the session goes on."""
    lport = free_port()
    cmd = ssh_cmd(minsrv.port, muser, "-L", "%d:127.0.0.1:%d" % (lport, minsrv.port),
                  command="cat >/dev/null; " + LOGIN)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert wait_for(lambda: listening(lport), timeout=20), minsrv.log()
        with socket.create_connection(("127.0.0.1", lport), timeout=20) as s:
            try:
                data = s.recv(100)
            except ConnectionResetError:
                data = b""
            assert data == b""
        assert minsrv.wait_log("direct-tcpip refused: local forwarding not built in")
        out, err = p.communicate(b"", timeout=30)  # the command ends with its stdin
    finally:
        if p.poll() is None:
            os.killpg(p.pid, 9)
            p.wait(timeout=5)
    assert p.returncode == 0 and b"minimal-" + muser.name.encode() in out, err
    assert b"administratively prohibited: port forwarding disabled" in err, err
    rc, out = ssh(minsrv.port, muser, "-W", "127.0.0.1:%d" % minsrv.port, command=None)
    assert rc != 0 and "administratively prohibited" in out, out
    rc, out = ssh(minsrv.port, muser)
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()


def test_minimal_remote_forwarding_refused(minsrv, muser):
    """Without DB_SVR_REMOTETCPFWD tcpip-forward gets REQUEST_FAILURE: ssh warns and,
    without ExitOnForwardFailure, runs the command; nothing listens."""
    rport = free_port()
    rc, out = ssh(minsrv.port, muser, "-R", "%d:127.0.0.1:%d" % (rport, minsrv.port))
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()
    assert "remote port forwarding failed for listen port %d" % rport in out, out
    assert not listening(rport)
    assert minsrv.wait_log("tcpip-forward refused: remote forwarding not built in")


def test_minimal_agent_forwarding_refused(minsrv, muser, tmp_path):
    """Without DB_SVR_AGENTFWD auth-agent-req@openssh.com fails as an unknown session
    request: the session runs without SSH_AUTH_SOCK."""
    sock = str(tmp_path / "agent.sock")
    with ssh_agent(sock):
        rc, out = ssh(minsrv.port, muser, "-A",
                      command="echo agent=${SSH_AUTH_SOCK:-none}; " + LOGIN,
                      env=dict(os.environ, SSH_AUTH_SOCK=sock))
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()
    assert "Requesting authentication agent forwarding" in out, out
    assert "agent=none" in out, out
    assert minsrv.wait_log("session request 'auth-agent-req@openssh.com' refused")


def test_minimal_forwarding_key_options(minsrv, muser):
    """authorized_keys written for the full build (forwarding options) still logs in."""
    with open(muser.key + ".pub") as f:
        muser.authorize(f.read(), options='permitopen="127.0.0.1:22",permitlisten="8022",'
                        'no-agent-forwarding,no-port-forwarding,no-X11-forwarding')
    rc, out = ssh(minsrv.port, muser)
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()


def test_minimal_expiry_time_utc_only(minsrv, muser):
    """Without local time (DB_LOCALTIME off in MINIMAL) expiry-time takes the Z form only:
    a local date makes its key line unusable (fail closed), the UTC one logs in."""
    with open(muser.key + ".pub") as f:
        pub = f.read()
    muser.authorize(pub, options='expiry-time="20991231"')
    rc, out = ssh(minsrv.port, muser)
    assert rc != 0 and "minimal-" not in out, out
    muser.authorize(pub, options='expiry-time="20991231Z"')
    rc, out = ssh(minsrv.port, muser)
    assert rc == 0 and "minimal-" + muser.name in out, out + minsrv.log()
    muser.authorize(pub, options='expiry-time="20000101Z"')
    rc, out = ssh(minsrv.port, muser)
    assert rc != 0 and "minimal-" not in out, out
    assert "has expired" in minsrv.log()


def test_minimal_log_dates_in_utc(minsrv, muser):
    """-E lines carry syslog's date, in UTC here (as the syslog lines are)."""
    import datetime
    before = datetime.datetime.now(datetime.timezone.utc)
    rc, out = ssh(minsrv.port, muser)
    after = datetime.datetime.now(datetime.timezone.utc)
    assert rc == 0, out
    line = [ln for ln in minsrv.log().splitlines() if "Child connection from" in ln][-1]
    stamps = {t.strftime("%b %d %H:%M") for t in (before, after)}
    assert line[:12] in stamps, (line, stamps)
