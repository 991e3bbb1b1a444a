"""Payload compression (zlib@openssh.com) with bulk data both ways against peers that
inflate with zlib, for our own deflate compressor (common/deflate.c):
- OpenSSH 10's ssh -C against our server: an upload (ssh compresses, we inflate) and a
  download (we compress) of mixed text, random and zero bytes, checked by hash; and a
  command whose output comes in many small pieces (small packets, static blocks, the bits
  held back between packets).
- our dbclient -C against OpenSSH 10's sshd: the same both ways, and an upload written
  in small pieces.
- paramiko with compress=True against our server: an upload and a download.
Dropbear 2026.94 (../shared/peers) is built without zlib (`dbclient -Q compress` says
only none), so it cannot take part. Servers listen on 127.0.0.1 on free ports and are
killed by PID; every wait is bounded. Needs root (a throwaway user, OpenSSH's privsep
directory); skipped with a reason when the OpenSSH peer folder is absent.
"""
import glob
import hashlib
import os
import random
import re
import subprocess
import time

import pytest

from conftest import BIN, ROOT, make_key, public_line
from daemons import Daemon, openssh_ed25519
from users import can_create_users, throwaway_user

PEERS = os.path.join(ROOT, "..", "shared", "peers")
OSSH = os.path.abspath(os.path.join(PEERS, "openssh-10"))

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root to create a throwaway user"),
]
need_ossh = pytest.mark.skipif(not os.path.isdir(OSSH), reason="peer folder %s absent" % OSSH)


def mixed(seed, size):
    """Text (our sources), random bytes, zeros and text with random bytes sprinkled in,
    in pieces of random sizes: every kind of block the compressor makes."""
    rnd = random.Random(seed)
    text = b""
    for p in sorted(glob.glob(os.path.join(ROOT, "common", "*.c"))):
        with open(p, "rb") as f:
            text += f.read()
    out = bytearray()
    while len(out) < size:
        kind, n = rnd.randrange(4), rnd.randrange(1, 70000)
        if kind == 0:
            off = rnd.randrange(len(text) - n) if len(text) > n else 0
            out += text[off:off + n]
        elif kind == 1:
            out += rnd.randbytes(n)
        elif kind == 2:
            out += bytes(n)
        else:
            off = rnd.randrange(len(text) - n) if len(text) > n else 0
            piece = bytearray(text[off:off + n])
            for _ in range(len(piece) // 50):
                piece[rnd.randrange(len(piece))] = rnd.randrange(256)
            out += piece
    return bytes(out[:size])


PAYLOAD = mixed(1, 1500 * 1024)
BLOB = mixed(2, 2500 * 1024)
# what the small-pieces command prints, a line at a time
LINES = b"".join(b"line %d of the small packets\n" % i for i in range(300))


def run(args, timeout=120, **kw):
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A throwaway user with an OpenSSH-format and a Dropbear-format key authorized, the
    blob in its home, and a script that prints LINES in small pieces."""
    d = tmp_path_factory.mktemp("compress")
    os.chmod(str(d), 0o755)
    with throwaway_user() as u:
        ossh_key, ossh_pub = openssh_ed25519(OSSH, str(d))
        db_key = make_key(os.path.join(str(d), "id_dropbear"), "ed25519")
        u.authorize(ossh_pub, public_line(db_key))
        blob = u.write("blob", BLOB)
        dribble = u.write("dribble.py", "\n".join([
            "import sys, time",
            "for i in range(300):",
            "    sys.stdout.buffer.write(b'line %d of the small packets\\n' % i)",
            "    sys.stdout.flush()",
            "    time.sleep(0.003)",
        ]) + "\n")
        hostkey = make_key(os.path.join(str(d), "host_ed25519"), "ed25519")
        home = os.path.join(str(d), "clienthome")
        os.makedirs(os.path.join(home, ".ssh"), mode=0o700, exist_ok=True)
        yield dict(dir=str(d), user=u, ossh_key=ossh_key, db_key=db_key, blob=blob,
                   dribble=dribble, hostkey=hostkey, home=home)


def client_env(setup):
    e = dict(os.environ)
    for k in ("SSH_AUTH_SOCK", "DROPBEAR_PASSWORD", "SSH_ASKPASS", "DISPLAY"):
        e.pop(k, None)
    e["HOME"] = setup["home"]
    return e


def bulk_command(setup):
    return "sha256sum && cat %s" % setup["blob"]


def check_bulk(out):
    """stdout is 'sha256(PAYLOAD)  -' then the blob."""
    nl = out.find(b"\n")
    assert nl > 0, out[:200]
    assert out[:nl].split()[0].decode() == hashlib.sha256(PAYLOAD).hexdigest()
    assert len(out) - nl - 1 == len(BLOB)
    assert hashlib.sha256(out[nl + 1:]).digest() == hashlib.sha256(BLOB).digest()


@pytest.fixture(scope="module")
def our_server(setup):
    s = Daemon(setup["dir"], "ours").start(lambda port: [
        BIN, "dropbear", "-F", "-E", "-v", "-s", "-p", "127.0.0.1:%d" % port,
        "-P", os.path.join(setup["dir"], "ours.pid"), "-r", setup["hostkey"]])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def ossh_sshd(setup):
    install = run(["install", "-d", "-m", "0755", "-o", "root", "-g", "root",
                   "/opt/openssh10/var/empty"])
    assert install.returncode == 0, install.stderr
    d = setup["dir"]
    hk = os.path.join(d, "sshd_host_ed25519")
    r = run([os.path.join(OSSH, "bin", "ssh-keygen"), "-q", "-t", "ed25519", "-N", "",
             "-C", "", "-f", hk])
    assert r.returncode == 0, r.stderr
    cfg = os.path.join(d, "sshd_config")
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
            "Compression yes",
            "LogLevel DEBUG1",
        ]) + "\n")
    s = Daemon(d, "sshd").start(lambda port: [
        os.path.join(OSSH, "sbin", "sshd"), "-f", cfg, "-D", "-e", "-p", str(port), "-h", hk])
    yield s
    s.stop()


def ossh_ssh(setup, port, command, payload):
    return run([os.path.join(OSSH, "bin", "ssh"), "-F", "/dev/null", "-v", "-C",
                "-p", str(port), "-i", setup["ossh_key"], "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
                "-o", "IdentityAgent=none", "%s@127.0.0.1" % setup["user"].name, command],
               input=payload, env=client_env(setup))


def our_dbclient_args(setup, port, command):
    return [os.path.join(os.path.dirname(BIN), "dbclient"), "-v", "-y", "-C",
            "-i", setup["db_key"], "-p", str(port), "%s@127.0.0.1" % setup["user"].name,
            command]


def both_compressed(log):
    """Both directions' kex lines (ssh -v, sshd's DEBUG1 log) name zlib@openssh.com."""
    return all(re.search(r"kex: %s cipher: \S+ MAC: \S+ compression: zlib@openssh\.com" % d,
                         log) for d in ("client->server", "server->client"))


# ---------------------------------------------------------------- ssh -C -> our server

@need_ossh
def test_openssh_ssh_compressed_bulk_both_ways(setup, our_server):
    r = ossh_ssh(setup, our_server.port, bulk_command(setup), PAYLOAD)
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err[-3000:] + our_server.log()[-3000:]
    assert both_compressed(err), err[-3000:]
    check_bulk(r.stdout)


@need_ossh
def test_openssh_ssh_compressed_small_packets(setup, our_server):
    """Output that comes a line at a time: one small packet each, each of which ssh must
    inflate whole as it arrives."""
    r = ossh_ssh(setup, our_server.port, "python3 -u %s" % setup["dribble"], b"")
    err = r.stderr.decode("utf-8", "replace")
    assert r.returncode == 0, err[-3000:]
    assert both_compressed(err), err[-3000:]
    assert r.stdout == LINES


# ---------------------------------------------------------------- dbclient -C -> sshd

@need_ossh
def test_dbclient_compressed_bulk_both_ways(setup, ossh_sshd):
    mark = len(ossh_sshd.log())
    r = run(our_dbclient_args(setup, ossh_sshd.port, bulk_command(setup)), input=PAYLOAD,
            env=client_env(setup))
    err = r.stderr.decode("utf-8", "replace")
    log = ossh_sshd.log()[mark:]
    assert r.returncode == 0, err[-3000:] + log[-3000:]
    assert both_compressed(log), log[-3000:]
    check_bulk(r.stdout)


@need_ossh
def test_dbclient_compressed_small_writes(setup, ossh_sshd):
    """An upload written in 400 small pieces (1-100 bytes, a pause between): small
    packets from our compressor, each inflated by sshd as it comes."""
    rnd = random.Random(3)
    pieces = []
    for i in range(400):
        n = rnd.randrange(1, 101)
        pieces.append(bytes(rnd.choice(b"abcdefgh \n") for _ in range(n)) if i % 3 else
                      rnd.randbytes(n))
    want = hashlib.sha256(b"".join(pieces)).hexdigest()
    mark = len(ossh_sshd.log())
    p = subprocess.Popen(our_dbclient_args(setup, ossh_sshd.port, "sha256sum"),
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=client_env(setup))
    try:
        for piece in pieces:
            p.stdin.write(piece)
            p.stdin.flush()
            time.sleep(0.003)
        out, err = p.communicate(timeout=60)  # closes stdin: EOF
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=5)
    log = ossh_sshd.log()[mark:]
    assert p.returncode == 0, err.decode("utf-8", "replace")[-3000:] + log[-3000:]
    assert both_compressed(log), log[-3000:]
    assert out.split()[0].decode() == want


# ---------------------------------------------------------------- paramiko -> our server

def test_paramiko_compressed_bulk_both_ways(setup, our_server):
    paramiko = pytest.importorskip("paramiko")
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        c.connect("127.0.0.1", port=our_server.port, username=setup["user"].name,
                  key_filename=setup["ossh_key"], look_for_keys=False, allow_agent=False,
                  compress=True, timeout=30, banner_timeout=30, auth_timeout=30)
        t = c.get_transport()
        assert t.local_compression == "zlib@openssh.com"
        assert t.remote_compression == "zlib@openssh.com"
        stdin, stdout, _ = c.exec_command(bulk_command(setup), timeout=60)
        stdin.write(PAYLOAD)
        stdin.channel.shutdown_write()
        out = stdout.read()
        assert stdout.channel.recv_exit_status() == 0
        check_bulk(out)
    finally:
        c.close()
