"""Helpers for the forwarding tests (test_forward.py: our server against OpenSSH's ssh;
test_forward_client.py: our client against OpenSSH's sshd): echo servers, bounded waits,
listening sockets read from /proc, background processes killed by PID, and the fixtures
both use (a throwaway user with a key, an ssh-agent).

Nothing here contacts anything but 127.0.0.1 (or ::1).
"""
import errno
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import make_key, public_line, ssh_agent
from users import throwaway_user


class EchoServer:
    """Echoes every connection on 127.0.0.1:port until EOF, then closes it."""

    def __init__(self, tag=b""):
        self.tag = tag
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn):
        conn.settimeout(30)
        try:
            if self.tag:
                conn.sendall(self.tag)
            while True:
                d = conn.recv(65536)
                if not d:
                    break
                conn.sendall(d)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture
def echo():
    made = []

    def make(tag=b""):
        e = EchoServer(tag)
        made.append(e)
        return e

    yield make
    for e in made:
        e.stop()


def roundtrip(port, data=b"hello through the tunnel\n", timeout=15):
    """Sends data to 127.0.0.1:port, half-closes, returns everything read until EOF
    (b"" when the connection is closed or reset without data)."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while True:
                d = s.recv(65536)
                if not d:
                    break
                got += d
        except (ConnectionResetError, BrokenPipeError):
            pass
        except OSError as e:  # closed by the other side before our shutdown
            if e.errno != errno.ENOTCONN:
                raise
    return got


def big_roundtrip(port, size, timeout=60):
    """Sends size pseudo-random bytes and reads the echo at the same time."""
    data = os.urandom(size)
    got = bytearray()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)

    def reader():
        while True:
            try:
                d = s.recv(65536)
            except OSError:
                return
            if not d:
                return
            got.extend(d)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(timeout)
    s.close()
    return data == bytes(got), len(got)


def wait_for(fn, timeout=10.0, step=0.05):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    return fn()


def listening(port):
    """Local addresses with a TCP socket listening on port (from /proc: nothing is
    contacted)."""
    found = []
    for path, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = open(path).read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            f = line.split()
            addr, p = f[1].split(":")
            if int(p, 16) != port or f[3] != "0A":  # 0A: LISTEN
                continue
            raw = bytes.fromhex(addr)
            if v6:
                # four little-endian 32-bit words
                b = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.append(socket.inet_ntop(socket.AF_INET6, b))
            else:
                found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
    return found


class Proc:
    """A background process logging to a file, killed by its process group."""

    def __init__(self, args, logpath, env=None, stdin=subprocess.DEVNULL):
        self.log_path = logpath
        self.logf = open(logpath, "ab")
        self.proc = subprocess.Popen(args, stdin=stdin, stdout=self.logf,
                                     stderr=self.logf, env=env, start_new_session=True)

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=15.0):
        """The first match of pattern in the log; None on timeout or when the process
        exited without logging it."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.log())
            if m:
                return m
            if self.proc.poll() is not None:
                return rx.search(self.log())
            if time.time() >= end:
                return None
            time.sleep(0.05)

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                # ssh sometimes misses a SIGTERM that lands outside its ppoll(): do
                # not wait long for it
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self.logf.close()


def key_fp(path):
    r = subprocess.run(["ssh-keygen", "-l", "-f", path], capture_output=True, text=True,
                       timeout=30, check=True)
    return r.stdout.split()[1]


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A host key for our server, a user key for ssh, and a throwaway user."""
    d = tmp_path_factory.mktemp("fwd")
    hostkey = make_key(str(d / "host_ed25519"), "ed25519")
    key = str(d / "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key],
                   check=True, timeout=30, capture_output=True)
    with throwaway_user() as u:
        yield {"dir": str(d), "hostkey": hostkey, "hostline": public_line(hostkey),
               "key": key, "pub": open(key + ".pub").read().strip(), "user": u}


@pytest.fixture
def agent(tmp_path, env):
    """ssh-agent on a socket in tmp_path, holding the test user's key."""
    sock = str(tmp_path / "agent.sock")
    with ssh_agent(sock):
        subprocess.run(["ssh-add", env["key"]], env=dict(os.environ, SSH_AUTH_SOCK=sock),
                       check=True, timeout=30, capture_output=True)
        yield sock
