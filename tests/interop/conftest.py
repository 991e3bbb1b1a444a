"""Fixtures for interop tests: throwaway host keys, our server on 127.0.0.1, and OpenSSH's
ssh run so that it touches nothing outside a temporary directory.

Nothing here builds: `make check` builds first. The binary is ../../build/dropbearmulti
relative to this file, or $DBMULTI (or $DROPBEARMULTI). Every wait is bounded; every
server is killed by its process group (its PID) at teardown; only 127.0.0.1 is contacted.
"""
import base64
import contextlib
import os
import re
import signal
import socket
import subprocess
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# $DBMULTI as test_keygen.py reads it; $DROPBEARMULTI also accepted.
BIN = os.environ.get("DBMULTI") or os.environ.get("DROPBEARMULTI") or \
    os.path.join(ROOT, "build", "dropbearmulti")

# Host keys the transport tests use: (file stem, dropbearkey -t, -s)
HOSTKEYS = [("ed25519", "ed25519", None), ("ecdsa256", "ecdsa", "256"),
            ("ecdsa384", "ecdsa", "384"), ("ecdsa521", "ecdsa", "521"),
            ("rsa", "rsa", "2048")]


def _binary():
    if not os.access(BIN, os.X_OK):
        pytest.fail("%s not built (run make, or set DROPBEARMULTI)" % BIN)
    return BIN


def run(args, timeout=60, **kw):
    return subprocess.run(args, capture_output=True, timeout=timeout, **kw)


def make_key(path, ktype, bits=None):
    """A Dropbear-format private key: ours, or Debian's dropbearkey (same format)."""
    extra = ["-s", bits] if bits else []
    r = run([_binary(), "dropbearkey", "-t", ktype, "-f", path] + extra, timeout=120)
    if r.returncode != 0 or not os.path.exists(path):
        if os.path.exists(path):
            os.unlink(path)
        r = run(["/usr/bin/dropbearkey", "-t", ktype, "-f", path] + extra, timeout=120)
        assert r.returncode == 0, r.stderr
    return path


def public_line(path):
    """'TYPE BASE64' of a Dropbear private key file."""
    for tool in ([_binary(), "dropbearkey"], ["/usr/bin/dropbearkey"]):
        r = run(tool + ["-y", "-f", path], timeout=30)
        for line in r.stdout.decode().splitlines():
            if re.match(r"^(ssh-|ecdsa-)\S+ \S+", line):
                return " ".join(line.split()[:2])
    pytest.fail("cannot read the public key of %s" % path)


class HostKey:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.line = public_line(path)
        self.type = self.line.split()[0]
        self.blob = base64.b64decode(self.line.split()[1])


@pytest.fixture(scope="session")
def hostkeys(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostkeys")
    keys = {}
    for stem, ktype, bits in HOSTKEYS:
        keys[stem] = HostKey(stem, make_key(str(d / stem), ktype, bits))
    return keys


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """Our dropbear in the foreground, logging to a file the tests read. binary: another
    multi-call dropbear (the upstream peer) started the same way, without our -v."""

    def __init__(self, workdir, keyfiles, extra=(), wrap=(), binary=None):
        self.binary = binary
        self.dir = str(workdir)
        self.log_path = os.path.join(self.dir, "server.log")
        self.keyfiles = list(keyfiles)
        self.extra = list(extra)
        self.wrap = list(wrap)
        self.proc = None
        self.port = None

    def start(self, attempts=3):
        for _ in range(attempts):
            self.port = free_port()
            args = self.wrap + [self.binary or _binary(), "dropbear", "-F", "-E"] + \
                ([] if self.binary else ["-v"]) + \
                ["-p", "127.0.0.1:%d" % self.port, "-P", os.path.join(self.dir, "dropbear.pid")]
            for k in self.keyfiles:
                args += ["-r", k]
            args += self.extra
            self.logf = open(self.log_path, "ab")
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=self.logf, stderr=self.logf,
                                         start_new_session=True)
            if self._wait_ready(10.0):
                return self
            self.stop()
        pytest.fail("server did not start:\n" + self.log())

    def _wait_ready(self, timeout):
        # "Not backgrounding" is logged once every -p address is bound.
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                return False
            if "Not backgrounding" in self.log():
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.proc:
            # the connection children share the group: none may outlive the test
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if getattr(self, "logf", None):
            self.logf.close()
            self.logf = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def mark(self):
        return len(self.log())

    def log_since(self, mark):
        return self.log()[mark:]

    def wait_log(self, pattern, since=0, timeout=10.0):
        """The first match of pattern in the log after `since`, waiting for it (bounded)."""
        rx = re.compile(pattern)
        end = time.time() + timeout
        while True:
            m = rx.search(self.log_since(since))
            if m or time.time() >= end:
                return m
            time.sleep(0.05)


def option(name):
    """A numeric #define from options.h (compile-time switches some tests depend on);
    DB_FULL counts as 1 (the tests run the full build; test_minimal.py the minimal one)."""
    with open(os.path.join(ROOT, "options.h")) as f:
        m = re.search(r"^#define\s+%s\s+(\d+|DB_FULL)\b" % name, f.read(), re.M)
    if not m:
        return None
    return 1 if m.group(1) == "DB_FULL" else int(m.group(1))


@pytest.fixture
def server_factory(tmp_path):
    """Starts extra servers with given keys/options; all are killed at teardown."""
    made = []

    def make(keyfiles, extra=(), wrap=(), name="srv", binary=None):
        d = tmp_path / ("%s%d" % (name, len(made)))
        d.mkdir()
        s = Server(d, keyfiles, extra, wrap, binary)
        made.append(s)
        return s.start()

    yield make
    for s in made:
        s.stop()


@pytest.fixture
def start(server_factory, hostkeys):
    """start(*options): our server with every host key type (a test module may define a
    start of its own)."""
    def make(*extra):
        return server_factory([k.path for k in hostkeys.values()], extra=list(extra))
    return make


@pytest.fixture(scope="session")
def server(tmp_path_factory, hostkeys):
    """One server with every host key type, shared by the transport tests."""
    s = Server(tmp_path_factory.mktemp("server"), [k.path for k in hostkeys.values()])
    s.start()
    yield s
    s.stop()


class SSH:
    """OpenSSH's ssh confined to a temporary HOME, config and known_hosts."""

    def __init__(self, workdir):
        self.dir = str(workdir)
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home, exist_ok=True)
        self.known_hosts = os.path.join(self.dir, "known_hosts")

    def write_known_hosts(self, port, keys):
        with open(self.known_hosts, "w") as f:
            for k in keys:
                f.write("[127.0.0.1]:%d %s\n" % (port, k.line))

    def run(self, port, args=(), command="true", user="nobody", timeout=30):
        # ssh takes the first value given for an option: the test's own come first.
        cmd = ["ssh", "-v", "-F", "/dev/null"] + list(args) + [
               "-o", "UserKnownHostsFile=" + self.known_hosts,
               "-o", "GlobalKnownHostsFile=/dev/null",
               "-o", "StrictHostKeyChecking=yes",
               "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
               "-o", "IdentityFile=none", "-o", "IdentityAgent=none",
               "-o", "ConnectTimeout=10",
               "-o", "PreferredAuthentications=none,publickey",
               "-p", str(port), "%s@127.0.0.1" % user, command]
        env = dict(os.environ, HOME=self.home)
        env.pop("SSH_AUTH_SOCK", None)
        r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                           stdin=subprocess.DEVNULL)
        r.out = (r.stderr.decode("utf-8", "replace") +
                 r.stdout.decode("utf-8", "replace")).replace("\r\n", "\n")
        return r


@pytest.fixture
def ssh(tmp_path):
    return SSH(tmp_path)


@contextlib.contextmanager
def ssh_agent(sock, timeout=10):
    """OpenSSH's ssh-agent on the UNIX socket sock, killed on leaving. Ready once a
    connection to it succeeds: the socket file appears at bind(), before the agent
    listens, and an ssh-add in between fails with "connection refused"."""
    p = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        end = time.time() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(sock)
                break
            except OSError:
                if time.time() > end or p.poll() is not None:
                    raise AssertionError("ssh-agent did not come up on " + sock)
                time.sleep(0.05)
            finally:
                s.close()
        yield p
    finally:
        p.kill()
        p.wait(timeout=5)
