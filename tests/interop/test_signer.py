"""Where the host private key lives, and how many server processes a session costs.

The listener keeps the host keys and forks a short-lived signer helper when a key
exchange needs a signature (server/svr-signer.c): with N sessions open there are N
connection processes beside the listener and nothing else of ours, and no connection
process holds the host key's secret bytes. The memory search is checked against the
listener itself, which must hold them (else the search could not fail).
"""
import base64
import hashlib
import os
import re
import struct
import subprocess
import time

import pytest

from conftest import BIN, run
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

N = 4


def _string(b, off):
    n = struct.unpack(">I", b[off:off + 4])[0]
    return b[off + 4:off + 4 + n], off + 4 + n


def ed25519_secrets(path):
    """The seed and the expanded secret halves of an unencrypted openssh-key-v1 ed25519
    private key: what a process holding the key has somewhere in its memory."""
    with open(path) as f:
        body = "".join(ln for ln in f.read().splitlines() if not ln.startswith("-----"))
    b = base64.b64decode(body)
    assert b.startswith(b"openssh-key-v1\0")
    off = len(b"openssh-key-v1\0")
    for _ in range(3):  # cipher, kdf, kdf options
        _, off = _string(b, off)
    off += 4  # number of keys
    _, off = _string(b, off)  # public key
    priv, _ = _string(b, off)
    p = 8  # check ints
    for _ in range(2):  # type, public
        _, p = _string(priv, p)
    sk, _ = _string(priv, p)
    seed = sk[:32]
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 127
    h[31] |= 64
    return [seed, bytes(h[:32]), bytes(h[32:])]


def memory_holds(pid, needles):
    """Which of needles occur in the readable memory of pid (root reads /proc/PID/mem)."""
    found = set()
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb", 0) as mem:
        for line in maps:
            f = line.split()
            if "r" not in f[1] or (len(f) > 5 and f[5] in ("[vvar]", "[vsyscall]", "[vvar_vclock]")):
                continue
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            for i, n in enumerate(needles):
                if n in data:
                    found.add(i)
    return found


def children(pid):
    out = []
    for t in os.listdir("/proc/%d/task" % pid):
        with open("/proc/%d/task/%s/children" % (pid, t)) as f:
            out += [int(x) for x in f.read().split()]
    return out


def server_tree(root):
    """The listener's descendants that run the server binary (the user's shell and
    commands are other programs)."""
    exe = os.path.realpath("/proc/%d/exe" % root)
    out, todo = [], children(root)
    while todo:
        p = todo.pop()
        try:
            if os.path.realpath("/proc/%d/exe" % p) == exe:
                out.append(p)
            todo += children(p)
        except OSError:
            pass
    return out


@pytest.fixture
def setup(tmp_path, server_factory):
    ukey = str(tmp_path / "uk")
    hk = str(tmp_path / "hk")
    for k in (ukey, hk):
        r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", k])
        assert r.returncode == 0, r.stderr
    with open(ukey + ".pub") as f:
        pub = " ".join(f.read().split()[:2])
    with throwaway_user() as u:
        u.authorize(pub)
        yield u, ukey, hk, server_factory([hk])


def open_sessions(s, user, ukey, tmp_path, n):
    clients = []
    for _ in range(n):
        c = subprocess.Popen(
            ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
             "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
             "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i", ukey,
             "-p", str(s.port), "%s@127.0.0.1" % user.name, "echo up; exec sleep 60"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            env=dict(os.environ, HOME=str(tmp_path)))
        clients.append(c)
        assert c.stdout.readline().strip() == b"up", s.log()
    return clients


def settled_tree(root, want, timeout=10.0):
    """The server's processes once no signer helper is left (they exit after signing)."""
    end = time.time() + timeout
    while True:
        t = server_tree(root)
        if len(t) == want or time.time() > end:
            return t
        time.sleep(0.05)


def test_one_process_per_session_and_no_host_key_in_it(setup, tmp_path):
    user, ukey, hk, s = setup
    secrets = ed25519_secrets(hk)
    clients = []
    try:
        clients = open_sessions(s, user, ukey, tmp_path, N)
        tree = settled_tree(s.proc.pid, N)
        # one connection process per session, no helper or signer left beside them
        assert len(tree) == N, (tree, s.log())
        for pid in tree:
            with open("/proc/%d/status" % pid) as f:
                uid = re.search(r"^Uid:\s+(\d+)", f.read(), re.M).group(1)
            assert int(uid) == user.uid, "not a session's connection process: %d" % pid
            assert not memory_holds(pid, secrets), "host key secret in connection %d" % pid
        # the search finds the key where it is: the listener holds it
        assert 0 in memory_holds(s.proc.pid, secrets)
    finally:
        for c in clients:
            c.kill()
            c.wait()


def test_rekey_forks_a_signer_again(setup, tmp_path):
    """A rekey after authentication gets a signature (from a helper forked for it), and
    the session is still one process afterwards."""
    user, ukey, hk, s = setup
    mark = s.mark()
    r = subprocess.run(
        ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
         "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "RekeyLimit=64K",
         "-i", ukey, "-p", str(s.port), "%s@127.0.0.1" % user.name,
         "head -c 1000000 /dev/zero"],
        capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
        env=dict(os.environ, HOME=str(tmp_path)))
    assert r.returncode == 0 and len(r.stdout) == 1000000, r.stderr + s.log().encode()
    # the first key exchange and at least one rekey each had a helper of their own
    assert len(re.findall(r"Signer helper \d+ forked", s.log_since(mark))) >= 2, s.log()
    assert settled_tree(s.proc.pid, 0) == [], s.log()


def test_sessions_survive_the_listener(setup, tmp_path):
    """SIGTERM to the listener with a session open: the port is free at once, and the
    session can still rekey (a child kept the keys); that child exits with the last
    connection."""
    user, ukey, hk, s = setup
    c = subprocess.Popen(
        ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "StrictHostKeyChecking=no", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
         "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "RekeyLimit=64K",
         "-i", ukey, "-p", str(s.port), "%s@127.0.0.1" % user.name,
         "echo up; read x; head -c 1000000 /dev/zero"],
        stdout=subprocess.PIPE, stdin=subprocess.PIPE, stderr=subprocess.PIPE,
        env=dict(os.environ, HOME=str(tmp_path)))
    try:
        assert c.stdout.readline().strip() == b"up", s.log()
        mark = s.mark()
        os.kill(s.proc.pid, 15)
        s.proc.wait(timeout=10)
        assert s.wait_log(r"Listener stopped", mark), s.log()
        out, err = c.communicate(b"go\n", timeout=60)
        assert c.returncode == 0 and len(out) == 1000000, err + s.log().encode()
        # the rekeys after the listener went were signed by the child that kept the keys
        assert re.search(r"Signer helper \d+ forked", s.log_since(mark)), s.log()
        assert s.wait_log(r"The last connection is gone: exiting", mark), s.log()
    finally:
        if c.poll() is None:
            c.kill()
            c.wait()
