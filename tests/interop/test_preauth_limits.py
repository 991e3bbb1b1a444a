"""What one anonymous peer may hold or cause before authentication: the public-key query
cap per connection, the pre-auth deadline after the first key exchange, and the
listener's displacement of the oldest unauthenticated connection of whoever holds the
most slots, so that a login from an address that is not flooding always gets through.

Every server runs on 127.0.0.1 (127.0.0.x are loopback too) and is killed by its PID at
teardown; users are throwaway. Timing is only checked as a bound the server enforces.
"""
import os
import socket
import subprocess
import time

import paramiko
import pytest

import rawssh
from conftest import option, run, ssh_agent
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """16 ed25519 keys: (private path, public line)."""
    d = tmp_path_factory.mktemp("preauthkeys")
    out = []
    for i in range(16):
        p = str(d / ("k%d" % i))
        r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
        assert r.returncode == 0, r.stderr
        with open(p + ".pub") as f:
            out.append((p, " ".join(f.read().split()[:2])))
    return out


@pytest.fixture
def user():
    with throwaway_user(password="Secret-pw-1") as u:
        yield u


@pytest.fixture
def start(server_factory, hostkeys):
    def make(*extra):
        return server_factory([hostkeys["ed25519"].path], extra=list(extra))
    return make


# ---- public-key queries per connection

def test_pubkey_query_cap(start, user, keys):
    """Keys that are not authorized are not counted failures, but only
    DB_MAX_PUBKEY_LOOKUPS of them are looked up on one connection: the next one ends it,
    with one log line."""
    cap = option("DB_MAX_PUBKEY_LOOKUPS")
    assert cap <= 15
    user.authorize(keys[-1][1])
    s = start()
    t = paramiko.Transport(socket.create_connection(("127.0.0.1", s.port), timeout=10))
    try:
        t.start_client(timeout=10)
        for i in range(cap):
            with pytest.raises(paramiko.AuthenticationException):
                t.auth_publickey(user.name,
                                 paramiko.Ed25519Key.from_private_key_file(keys[i % 15][0]))
        with pytest.raises(paramiko.SSHException):
            t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(keys[0][0]))
            t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(keys[1][0]))
        end = time.time() + 10
        while t.is_active() and time.time() < end:
            time.sleep(0.05)
        assert not t.is_active()
    finally:
        t.close()
    assert s.wait_log(r"Too many public keys tried"), s.log()
    time.sleep(0.2)
    assert s.log().count("Too many public keys tried") == 1, s.log()


def test_agent_with_many_keys_logs_in(start, user, keys, tmp_path):
    """OpenSSH's ssh with ten keys in its agent, the authorized one added last: it queries
    each, then signs with the tenth, within the cap."""
    user.authorize(keys[9][1])
    s = start()
    sock = str(tmp_path / "agent.sock")
    with ssh_agent(sock):
        env = dict(os.environ, SSH_AUTH_SOCK=sock, HOME=str(tmp_path))
        for p, _ in keys[:10]:
            r = subprocess.run(["ssh-add", "-q", p], env=env, capture_output=True, timeout=30)
            assert r.returncode == 0, r.stderr
        r = subprocess.run(["ssh-add", "-l"], env=env, capture_output=True, timeout=30)
        assert r.stdout.decode().count("\n") == 10
        cmd = ["ssh", "-v", "-F", "/dev/null",
               "-o", "UserKnownHostsFile=" + str(tmp_path / "kh"),
               "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
               "-o", "BatchMode=yes", "-o", "IdentityAgent=" + sock,
               "-o", "PreferredAuthentications=publickey", "-o", "ConnectTimeout=10",
               "-p", str(s.port), "%s@127.0.0.1" % user.name, "echo in"]
        r = subprocess.run(cmd, env=env, capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
        err = r.stderr.decode("utf-8", "replace")
        assert r.returncode == 0 and r.stdout == b"in\n", err[-3000:] + s.log()
        assert err.count("Offering public key") == 10, err[-3000:]
        assert "Too many public keys tried" not in s.log()


# ---- the pre-auth deadline and the listener's displacement of idle connections

def idle(port, source, n):
    """n connections from source that finish the key exchange and then idle; the ones
    the server refused (closed) are counted, not raised."""
    held, refused = [], 0
    for _ in range(n):
        c = rawssh.RawClient(port, source=source)
        try:
            c.handshake()
            held.append(c)
        except (EOFError, OSError, ValueError, AssertionError):
            c.close()
            refused += 1
    return held, refused


def closed(c, timeout):
    """True when the server ends c (EOF or DISCONNECT) within timeout seconds."""
    c.sock.settimeout(timeout)
    try:
        while True:
            c.read_packet()
    except (rawssh.Disconnected, EOFError, ConnectionResetError):
        return True
    except socket.timeout:
        return False


def ssh_login(port, user, key, tmp_path, timeout=30):
    cmd = ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + str(tmp_path / "kh"),
           "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
           "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
           "-o", "ConnectTimeout=10", "-i", key, "-p", str(port),
           "%s@127.0.0.1" % user.name, "echo in"]
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("SSH_AUTH_SOCK", None)
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                       stdin=subprocess.DEVNULL)
    return r, time.monotonic() - t0


def test_preauth_deadline(server_factory, hostkeys):
    """After the first key exchange a connection has DB_PREAUTH_KEY_TIMEOUT seconds to
    log in when no password method is on offer (-s), not DB_AUTH_TIMEOUT; with
    passwords (a person typing) the longer DB_PREAUTH_PASSWORD_TIMEOUT."""
    short = option("DB_PREAUTH_KEY_TIMEOUT")
    assert short < option("DB_PREAUTH_PASSWORD_TIMEOUT") <= option("DB_AUTH_TIMEOUT")
    keyonly = server_factory([hostkeys["ed25519"].path], extra=["-s"])
    withpw = server_factory([hostkeys["ed25519"].path])
    a = rawssh.RawClient(keyonly.port)
    b = rawssh.RawClient(withpw.port)
    try:
        a.handshake()
        b.handshake()
        t0 = time.monotonic()
        assert closed(a, short + 15), "still open %d s after the key exchange" % (short + 15)
        took = time.monotonic() - t0
        assert took >= short * 0.9, took
        assert keyonly.wait_log(r"Timeout before auth: no login within %d seconds" % short)
        # the password server's connection is still there
        assert not closed(b, 1.0)
    finally:
        a.close()
        b.close()


def test_flood_from_other_addresses_does_not_lock_out(start, user, keys, tmp_path):
    """40 idle pre-auth connections from 8 addresses hold every unauthenticated slot;
    a login from 127.0.0.1 still gets in, within 2 s, displacing the oldest connection
    of whoever holds the most. Each displaced address is logged once."""
    user.authorize(keys[0][1])
    s = start("-s")
    conns = []
    try:
        for i in range(2, 10):
            held, _ = idle(s.port, "127.0.0.%d" % i, 5)
            conns += held
        r, took = ssh_login(s.port, user, keys[0][0], tmp_path)
        assert r.returncode == 0 and r.stdout == b"in\n", r.stderr.decode()[-2000:] + s.log()
        assert took < 2.0, took
        assert s.alive()
        lines = [l for l in s.log().splitlines() if "Displacing the oldest" in l]
        assert lines, s.log()
        addrs = [l.split(" from ", 1)[1].split(":")[0] for l in lines]
        assert len(addrs) == len(set(addrs)), lines
        assert "127.0.0.1" not in addrs
        # at most the slots' worth of the idle ones are left
        alive = [c for c in conns if not closed(c, 0.05)]
        assert len(alive) <= option("DB_MAX_UNAUTH_CLIENTS") - 1
    finally:
        for c in conns:
            c.close()


def test_flood_from_own_address_does_not_lock_out(start, user, keys, tmp_path):
    """10 idle pre-auth connections from the login's own address: it still gets in,
    well within the pre-auth deadline."""
    user.authorize(keys[0][1])
    s = start("-s")
    conns = []
    try:
        conns, _ = idle(s.port, "127.0.0.1", 10)
        r, took = ssh_login(s.port, user, keys[0][0], tmp_path,
                            timeout=option("DB_PREAUTH_KEY_TIMEOUT"))
        assert r.returncode == 0 and r.stdout == b"in\n", r.stderr.decode()[-2000:] + s.log()
        assert s.log().count("Displacing the oldest unauthenticated connection from "
                             "127.0.0.1:") == 1, s.log()
    finally:
        for c in conns:
            c.close()
