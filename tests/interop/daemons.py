"""A server or peer daemon run in its own process group for the interop tests that start
peers other than our dropbear (OpenSSH's sshd, Dropbear releases): wait for its port,
stop it by process group, read its log."""
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import free_port


def wait_port(proc, port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end and proc.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def stop(proc):
    if proc and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    if proc:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class Daemon:
    """A server started in its own process group, logging to a file."""

    def __init__(self, workdir, name):
        self.dir = str(workdir)
        self.log_path = os.path.join(self.dir, name + ".log")
        self.proc = None
        self.port = None

    def start(self, argv_for_port):
        for _ in range(3):
            self.port = free_port()
            self.logf = open(self.log_path, "ab")
            self.proc = subprocess.Popen(argv_for_port(self.port), stdin=subprocess.DEVNULL,
                                         stdout=self.logf, stderr=self.logf,
                                         start_new_session=True)
            if wait_port(self.proc, self.port):
                return self
            stop(self.proc)
            self.logf.close()
        pytest.fail("%s did not start:\n%s" % (self.log_path, self.log()))

    def stop(self):
        stop(self.proc)
        self.logf.close()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


def openssh_ed25519(ossh, directory):
    """An ed25519 key made by OpenSSH's ssh-keygen (the one under ossh when there, else
    the system's) at directory/id_ed25519: (its path, its public line)."""
    key = os.path.join(directory, "id_ed25519")
    keygen = os.path.join(ossh, "bin", "ssh-keygen")
    if not os.access(keygen, os.X_OK):
        keygen = "ssh-keygen"
    r = subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key],
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    with open(key + ".pub") as f:
        return key, " ".join(f.read().split()[:2])
