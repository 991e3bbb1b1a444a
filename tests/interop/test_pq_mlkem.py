"""mlkem768x25519-sha256 against independent peers (issue 9).

Peers live in ROOT/../shared/peers (CI has ../shared beside the clone):
- openssh-10: OpenSSH 10.5p1. (a) its ssh, with its DEFAULT kex configuration, against our
  server negotiates mlkem768x25519-sha256 and prints no post-quantum warning; (b) our
  dbclient, by default, against its sshd negotiates mlkem768x25519-sha256. A control shows
  that the warning check can fail: the same ssh against its own sshd limited to
  curve25519-sha256 prints the warning.
- dropbear-2026.94: upstream Dropbear. (c) its dbclient against our server, and our
  dbclient with KexAlgorithms=mlkem768x25519-sha256 against its server.
Every login runs a command that hashes what it reads on stdin (checked against the hash
computed here) and sends back a file (checked byte for byte). Servers listen on 127.0.0.1
on free ports and are killed by PID; every wait is bounded. Needs root (throwaway user,
OpenSSH's privsep directory); skipped with a reason when a peer folder is absent.
"""
import hashlib
import os
import re
import subprocess
import time

import pytest

from conftest import BIN, ROOT, make_key, public_line
from daemons import Daemon, openssh_ed25519
from users import can_create_users, throwaway_user

PEERS = os.path.join(ROOT, "..", "shared", "peers")
OSSH = os.path.abspath(os.path.join(PEERS, "openssh-10"))
UPSTREAM = os.path.abspath(os.path.join(PEERS, "dropbear-2026.94"))
KEX = "mlkem768x25519-sha256"
PQ_WARNING = "** WARNING: connection is not using a post-quantum key exchange algorithm."

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root to create a throwaway user"),
]
need_ossh = pytest.mark.skipif(not os.path.isdir(OSSH),
                               reason="peer folder %s absent" % OSSH)
need_upstream = pytest.mark.skipif(not os.path.isdir(UPSTREAM),
                                   reason="peer folder %s absent" % UPSTREAM)

PAYLOAD = os.urandom(300 * 1024)
BLOB = os.urandom(200 * 1024)


def run(args, timeout=60, **kw):
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)


def dbclient():
    return os.path.join(os.path.dirname(BIN), "dbclient")


def check_data(r, user_blob_ok=True):
    """stdout is 'sha256(PAYLOAD)  -' then the blob."""
    out = r.stdout
    nl = out.find(b"\n")
    assert nl > 0, (r.returncode, r.stderr.decode(errors="replace"))
    assert out[:nl].split()[0].decode() == hashlib.sha256(PAYLOAD).hexdigest()
    assert hashlib.sha256(out[nl + 1:]).digest() == hashlib.sha256(BLOB).digest()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A throwaway user with an OpenSSH-format and a Dropbear-format key authorized, and
    the blob in its home."""
    d = tmp_path_factory.mktemp("pq")
    os.chmod(str(d), 0o755)
    with throwaway_user() as u:  # a password, so that the account is not locked
        ossh_key, ossh_pub = openssh_ed25519(OSSH, str(d))
        db_key = make_key(os.path.join(str(d), "id_dropbear"), "ed25519")
        u.authorize(ossh_pub, public_line(db_key))
        blob = u.write("blob", BLOB)
        # our host key, in Dropbear's format (upstream Dropbear reads the same format)
        hostkey = make_key(os.path.join(str(d), "host_ed25519"), "ed25519")
        home = os.path.join(str(d), "clienthome")
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700, exist_ok=True)
        yield dict(dir=str(d), user=u, ossh_key=ossh_key, db_key=db_key, blob=blob,
                   hostkey=hostkey, home=home)


def client_env(setup):
    e = dict(os.environ)
    for k in ("SSH_AUTH_SOCK", "DROPBEAR_PASSWORD", "SSH_ASKPASS", "DISPLAY"):
        e.pop(k, None)
    e["HOME"] = setup["home"]
    return e


def command(setup):
    return "sha256sum && cat %s" % setup["blob"]


@pytest.fixture(scope="module")
def our_server(setup):
    s = Daemon(setup["dir"], "ours").start(lambda port: [
        BIN, "dropbear", "-F", "-E", "-v", "-s", "-p", "127.0.0.1:%d" % port,
        "-P", os.path.join(setup["dir"], "ours.pid"), "-r", setup["hostkey"]])
    yield s
    s.stop()


def start_ossh_sshd(setup, name, extra=""):
    install = run(["install", "-d", "-m", "0755", "-o", "root", "-g", "root",
                   "/opt/openssh10/var/empty"])
    assert install.returncode == 0, install.stderr
    d = setup["dir"]
    hk = os.path.join(d, name + "_host_ed25519")
    if not os.path.exists(hk):
        r = run([os.path.join(OSSH, "bin", "ssh-keygen"), "-q", "-t", "ed25519", "-N", "",
                 "-C", "", "-f", hk])
        assert r.returncode == 0, r.stderr
    cfg = os.path.join(d, name + "_sshd_config")
    with open(cfg, "w") as f:
        f.write("\n".join([
            "SshdSessionPath %s/libexec/sshd-session" % OSSH,
            "SshdAuthPath %s/libexec/sshd-auth" % OSSH,
            "PidFile none",
            "ListenAddress 127.0.0.1",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PerSourcePenalties no",
            "AllowUsers %s" % setup["user"].name,
            "LogLevel DEBUG1",
        ]) + "\n" + extra)
    return Daemon(d, name).start(lambda port: [
        os.path.join(OSSH, "sbin", "sshd"), "-f", cfg, "-D", "-e", "-p", str(port),
        "-h", hk])


@pytest.fixture(scope="module")
def ossh_sshd(setup):
    s = start_ossh_sshd(setup, "sshd10")
    yield s
    s.stop()


def ossh_ssh(setup, port, *extra):
    """The peer's ssh with its default algorithms (no KexAlgorithms anywhere)."""
    return run([os.path.join(OSSH, "bin", "ssh"), "-F", "/dev/null", "-v",
                "-p", str(port), "-i", setup["ossh_key"], "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
                "-o", "IdentityAgent=none"] + list(extra) +
               ["%s@127.0.0.1" % setup["user"].name, command(setup)],
               input=PAYLOAD, timeout=60, env=client_env(setup))


# ---------------------------------------------------------------- (a) ssh -> our server

@need_ossh
def test_openssh10_default_negotiates_mlkem_without_warning(setup, our_server):
    mark = len(our_server.log())
    r = ossh_ssh(setup, our_server.port)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err
    assert "kex: algorithm: %s" % KEX in err
    assert "post-quantum" not in err and PQ_WARNING not in err
    check_data(r)
    assert ": %s, host key" % KEX in our_server.log()[mark:]


@need_ossh
def test_control_classical_kex_warns(setup):
    """The warning check above can fail: a classical-only server makes ssh print it."""
    s = start_ossh_sshd(setup, "sshd10c", "KexAlgorithms curve25519-sha256\n")
    try:
        r = ossh_ssh(setup, s.port)
    finally:
        s.stop()
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err
    assert "kex: algorithm: curve25519-sha256" in err
    assert PQ_WARNING in err


# ---------------------------------------------------------------- (b) dbclient -> sshd

def our_dbclient(setup, port, *extra):
    return run([dbclient(), "-v", "-y", "-i", setup["db_key"], "-p", str(port)] +
               list(extra) + ["%s@127.0.0.1" % setup["user"].name, command(setup)],
               input=PAYLOAD, timeout=60, env=client_env(setup))


@need_ossh
def test_dbclient_default_to_openssh10(setup, ossh_sshd):
    mark = len(ossh_sshd.log())
    r = our_dbclient(setup, ossh_sshd.port)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err + ossh_sshd.log()[mark:]
    check_data(r)
    assert ": %s, host key" % KEX in err
    assert "kex: algorithm: %s" % KEX in ossh_sshd.log()[mark:]


@need_ossh
def test_dbclient_forced_to_openssh10(setup, ossh_sshd):
    r = our_dbclient(setup, ossh_sshd.port, "-o", "KexAlgorithms=" + KEX)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err
    check_data(r)
    assert ": %s, host key" % KEX in err


# ---------------------------------------------------------------- (c) upstream Dropbear

@pytest.fixture(scope="module")
def upstream_server(setup):
    link_dir = os.path.join(setup["dir"], "upstream")
    os.makedirs(link_dir, exist_ok=True)
    link = os.path.join(link_dir, "dropbear")
    if not os.path.islink(link):
        os.symlink(os.path.join(UPSTREAM, "dropbearmulti"), link)
    s = Daemon(setup["dir"], "upstream").start(lambda port: [
        link, "-F", "-E", "-s", "-p", "127.0.0.1:%d" % port,
        "-P", os.path.join(setup["dir"], "upstream.pid"), "-r", setup["hostkey"]])
    yield s
    s.stop()


@need_upstream
def test_dbclient_to_upstream_dropbear(setup, upstream_server):
    r = our_dbclient(setup, upstream_server.port, "-o", "KexAlgorithms=" + KEX)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err + upstream_server.log()
    check_data(r)
    assert ": %s, host key" % KEX in err


def ours_offers(name):
    r = run([BIN, "dropbear", "-Q", "kex"])
    return name in r.stdout.decode().split()


MINIMAL = os.path.join(ROOT, "build", "minimal", "dropbearmulti")


@need_upstream
def test_upstream_dbclient_to_our_server(setup, our_server):
    """Upstream dbclient has no kex option and prefers sntrup761x25519 to mlkem768x25519.
    When our full build offers sntrup761 too, the test runs against our minimal build
    (make MINIMAL=1: mlkem768x25519 and curve25519 only), which is the same kex code."""
    server, want = our_server, KEX
    if any(ours_offers(n) for n in ("sntrup761x25519-sha512",
                                    "sntrup761x25519-sha512@openssh.com")):
        if not os.path.exists(MINIMAL):
            pytest.skip("our server offers sntrup761x25519 (which upstream dbclient prefers) "
                        "and %s is not built" % MINIMAL)
        server = Daemon(setup["dir"], "minimal").start(lambda port: [
            MINIMAL, "dropbear", "-F", "-E", "-v", "-s", "-p", "127.0.0.1:%d" % port,
            "-P", os.path.join(setup["dir"], "minimal.pid"), "-r", setup["hostkey"]])
    try:
        mark = len(server.log())
        r = run([os.path.join(UPSTREAM, "dropbearmulti"), "dbclient", "-y", "-i",
                 setup["db_key"], "-p", str(server.port),
                 "%s@127.0.0.1" % setup["user"].name, command(setup)],
                input=PAYLOAD, timeout=60, env=client_env(setup))
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 0, err + server.log()[mark:]
        check_data(r)
        assert re.search(r"kex with .*: %s, host key" % re.escape(want),
                         server.log()[mark:]), server.log()[mark:]
    finally:
        if server is not our_server:
            server.stop()


# ---------------------------------------------------------------- malformed client values

def _valid_qc():
    """A Q_C of the right form: an ML-KEM ek whose coefficients are all zero (each 12-bit
    value < q, so it passes the modulus check) with a random rho, and an X25519 part."""
    return bytes(1152) + os.urandom(32) + os.urandom(32)


@pytest.mark.parametrize("case", ["empty", "short", "long", "x25519-only", "modulus"])
def test_malformed_client_value_ends_connection(our_server, case):
    """The server refuses a Q_C of the wrong length, or an ek failing FIPS 203's modulus
    check, with KEY_EXCHANGE_FAILED and one log line naming the method."""
    from rawssh import MSG_KEX_ECDH_INIT, MSG_KEXINIT, RawClient, string
    q = _valid_qc()
    value = {"empty": b"", "short": q[:-1], "long": q + b"\0", "x25519-only": q[-32:],
             "modulus": b"\xff\xff\xff" + q[3:]}[case]
    mark = len(our_server.log())
    c = RawClient(our_server.port)
    try:
        c.start()
        c.send_packet(RawClient.kexinit(kex=KEX))
        assert c.read_packet()[0] == MSG_KEXINIT
        c.send_packet(bytes([MSG_KEX_ECDH_INIT]) + string(value))
        d = c.read_disconnect()
    finally:
        c.close()
    assert d is not None and d[0] == 3, d  # SSH_DISCONNECT_KEY_EXCHANGE_FAILED
    end = time.time() + 10
    while time.time() < end and "bad client public value" not in our_server.log()[mark:]:
        time.sleep(0.05)
    lines = [ln for ln in our_server.log()[mark:].splitlines()
             if "bad client public value" in ln]
    assert len(lines) == 1 and KEX in lines[0], our_server.log()[mark:]


def test_query_lists_mlkem_first():
    r = run([BIN, "dropbear", "-Q", "kex"])
    names = r.stdout.decode().split()
    assert r.returncode == 0 and names and names[0] == KEX, names


def test_rawssh_python_mlkem_handshake(our_server):
    """An independent ML-KEM-768 (tests/interop/mlkem_py.py, plain Python from FIPS 203)
    completes the exchange with our server: the server's signature over H, which holds
    K = SHA-256(ss_pq || ss_x25519), verifies only if both sides derived the same K."""
    from rawssh import RawClient
    c = RawClient(our_server.port)
    try:
        c.handshake(method=KEX)
        methods, _ = c.auth_none()
        assert "publickey" in methods
    finally:
        c.close()
