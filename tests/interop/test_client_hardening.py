"""dbclient against a hostile server and hostile names.

A paramiko server (127.0.0.1, free port, throwaway RSA host key) sends a banner,
keyboard-interactive name/instruction/prompt and an exit-signal message full of terminal
escapes (ESC, raw C1 CSI 0x9b, and U+009B as UTF-8); none may reach the terminal. dbclient
runs with a pty as its controlling terminal (for /dev/tty prompts), stdout/stderr on
pipes, every wait bounded, the process killed by PID at teardown.

Host and user names with shell metacharacters or a leading '-' must be refused before a
proxy command (%h, %r under sh -c) or an inner hop's dbclient could see them.
"""
import os
import select
import socket
import subprocess
import threading
import time

import pytest

paramiko = pytest.importorskip("paramiko")

from conftest import BIN  # noqa: E402

ESCAPES = b"\x1b]0;pwned\x07\x1b[31m\x9b31m\xc2\x9b32m"
BAD = (b"\x1b", b"\x9b", b"\x07")


def dbclient():
    d = os.path.join(os.path.dirname(BIN), "dbclient")
    if not os.path.exists(d):
        pytest.fail("%s not built" % d)
    return d


class Hostile(paramiko.ServerInterface):
    def __init__(self):
        self.exec_event = threading.Event()

    def get_allowed_auths(self, username):
        return "keyboard-interactive"

    def get_banner(self):
        return (b"Welcome " + ESCAPES + b" end\r\n", b"en")

    def check_auth_interactive(self, username, submethods):
        q = paramiko.InteractiveQuery(b"Name" + ESCAPES, b"Instr" + ESCAPES)
        q.add_prompt(b"Code" + ESCAPES + b": ", False)
        return q

    def check_auth_interactive_response(self, responses):
        return paramiko.AUTH_SUCCESSFUL if list(responses) == ["letmein"] else paramiko.AUTH_FAILED

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED if kind == "session" else \
            paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_exec_request(self, channel, command):
        self.exec_event.set()
        return True


def serve(listener, server, hostkey, done):
    try:
        listener.settimeout(30)
        sock, _ = listener.accept()
        t = paramiko.Transport(sock)
        t.add_server_key(hostkey)
        t.start_server(server=server)
        chan = t.accept(30)
        if chan is None or not server.exec_event.wait(30):
            return
        time.sleep(0.2)  # the exec reply goes out first
        m = paramiko.Message()
        m.add_byte(paramiko.common.cMSG_CHANNEL_REQUEST)
        m.add_int(chan.remote_chanid)
        m.add_string(b"exit-signal")
        m.add_boolean(False)
        m.add_string(b"KILL")
        m.add_boolean(False)
        m.add_string(b"boom" + ESCAPES + b"x" * 600)  # long: shortened, not refused
        m.add_string(b"")
        t._send_user_message(m)
        chan.shutdown_write()
        chan.close()
        deadline = time.time() + 10
        while t.is_active() and time.time() < deadline:
            time.sleep(0.05)
        t.close()
    except Exception:
        pass
    finally:
        done.set()


def read_until(fd, want, timeout):
    out = b""
    deadline = time.time() + timeout
    while want not in out and time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: nobody has the terminal open right now
                time.sleep(0.05)
                continue
            if not chunk:
                break
            out += chunk
    return out


def test_hostile_server_text_is_filtered(tmp_path):
    hostkey = paramiko.RSAKey.generate(2048)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    done = threading.Event()
    th = threading.Thread(target=serve, args=(listener, Hostile(), hostkey, done), daemon=True)
    th.start()

    master, slave = os.openpty()

    def child_setup():
        os.setsid()
        import fcntl
        import termios
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    for k in ("DROPBEAR_PASSWORD", "SSH_ASKPASS", "SSH_AUTH_SOCK"):
        env.pop(k, None)
    p = subprocess.Popen(
        [dbclient(), "-y", "-o", "UserKnownHostsFile=%s" % (tmp_path / "kh"), "-p", str(port),
         "-T", "u@127.0.0.1", "true"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=child_setup, env=env)
    try:
        tty = read_until(master, b": ", 30)
        assert b"Code" in tty, tty
        os.write(master, b"letmein\n")
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate(timeout=10)
        tty += read_until(master, b"\x00", 0.5)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)
        os.close(master)
        os.close(slave)
        listener.close()
        done.wait(15)
    # everything arrived...
    assert b"Welcome" in err and b"end" in err, err
    assert b"Name" in tty and b"Instr" in tty, tty
    assert b"killed by signal KILL" in err and b"boom" in err, err
    assert p.returncode == 255
    # ...and nothing of it can drive the terminal
    for what in (err, tty):
        for bad in BAD:
            assert bad not in what, (bad, what)
        assert b"\xc2\x9b" not in what, what


def run_client(args, tmp_path, timeout=30):
    return subprocess.run([dbclient(), "-y", "-o", "UserKnownHostsFile=%s" % (tmp_path / "kh"),
                           "-o", "BatchMode=yes"] + args,
                          capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          cwd=str(tmp_path))


@pytest.mark.parametrize("dest", [
    "a;touch {m}",
    "u@a$(touch {m})",
    "x`touch {m}`@a",
    "a|touch {m}",
])
def test_proxy_command_host_injection(tmp_path, dest):
    marker = tmp_path / "pwned"
    # the marker is relative (cwd is tmp_path): '/' would be Dropbear's port separator
    r = run_client(["-J", "echo %r@%h >/dev/null", dest.format(m="pwned")], tmp_path)
    assert r.returncode == 255
    assert b"bad characters" in r.stderr, r.stderr
    assert not marker.exists()


def test_user_option_injection(tmp_path):
    marker = tmp_path / "pwned"
    r = run_client(["-l", "u;touch pwned", "-J", "echo %r >/dev/null", "a"], tmp_path)
    assert r.returncode == 255
    assert b"bad characters" in r.stderr, r.stderr
    assert not marker.exists()


def test_hop_cannot_become_an_option(tmp_path):
    # a first hop starting with '-' would be an option of the inner dbclient
    marker = tmp_path / "pwned"
    r = run_client(["--", "-oProxyCommand=touch pwned,127.0.0.1/1"], tmp_path)
    assert r.returncode == 255
    assert b"bad characters" in r.stderr, r.stderr
    assert not marker.exists()


def test_proxyjump_host_checked(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("Host target\n  ProxyJump -oProxyCommand=touch${IFS}pwned\n")
    r = run_client(["-F", str(cfg), "target"], tmp_path)
    assert r.returncode == 255
    assert not (tmp_path / "pwned").exists()


class Echo(paramiko.ServerInterface):
    """Takes anyone ("none" auth), gives a pty shell and records what is typed."""

    def __init__(self):
        self.shell = threading.Event()

    def get_allowed_auths(self, username):
        return "none"

    def check_auth_none(self, username):
        return paramiko.AUTH_SUCCESSFUL

    def check_channel_request(self, kind, chanid):
        return paramiko.OPEN_SUCCEEDED

    def check_channel_pty_request(self, *a):
        return True

    def check_channel_shell_request(self, channel):
        self.shell.set()
        return True


def serve_record(listener, server, hostkey, got, done):
    try:
        listener.settimeout(30)
        sock, _ = listener.accept()
        t = paramiko.Transport(sock)
        t.add_server_key(hostkey)
        t.start_server(server=server)
        chan = t.accept(30)
        if chan is None:
            return
        chan.settimeout(0.2)
        deadline = time.time() + 15
        while not got.endswith(b"b\r") and time.time() < deadline:
            try:
                d = chan.recv(1024)
            except socket.timeout:
                continue
            if not d:
                break
            got.extend(d)
        chan.send_exit_status(0)
        chan.close()
        deadline = time.time() + 10
        while t.is_active() and time.time() < deadline:
            time.sleep(0.05)
        t.close()
    except Exception:
        pass
    finally:
        done.set()


def test_tilde_held_across_reads(tmp_path):
    # "\r~" then, in a later read, "ab\r": not an escape, so "~ab\r" goes out unchanged
    hostkey = paramiko.RSAKey.generate(2048)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    got, done, server = bytearray(), threading.Event(), Echo()
    threading.Thread(target=serve_record, args=(listener, server, hostkey, got, done),
                     daemon=True).start()
    master, slave = os.openpty()
    p = subprocess.Popen(
        [dbclient(), "-y", "-o", "UserKnownHostsFile=%s" % (tmp_path / "kh"), "-p", str(port),
         "-t", "u@127.0.0.1"],
        stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert server.shell.wait(30)
        time.sleep(0.5)  # raw mode is on before the shell request goes out
        os.write(master, b"\r~")
        time.sleep(0.5)
        os.write(master, b"ab\r")
        assert done.wait(30)
        p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)
        os.close(master)
        os.close(slave)
        listener.close()
    assert bytes(got) == b"\r~ab\r", bytes(got)
    assert p.returncode == 0


def test_group_writable_user_config_refused(tmp_path):
    # ~/.ssh/config runs commands (ProxyCommand): someone else able to write it must
    # not be able to run them as us (OpenSSH: "Bad owner or permissions")
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    cfg = home / ".ssh" / "config"
    cfg.write_text("Host target\n  ProxyCommand touch pwned\n")
    env = dict(os.environ, HOME=str(home))
    for mode, refused in ((0o664, True), (0o646, True), (0o644, False)):
        os.chmod(cfg, mode)
        r = subprocess.run([dbclient(), "-o", "BatchMode=yes", "-o",
                            "UserKnownHostsFile=%s" % (tmp_path / "kh"), "target", "true"],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL,
                           cwd=str(tmp_path), env=env)
        assert r.returncode == 255
        assert (b"Bad owner or permissions" in r.stderr) == refused, (mode, r.stderr)
        assert (tmp_path / "pwned").exists() == (not refused), mode
        if (tmp_path / "pwned").exists():
            (tmp_path / "pwned").unlink()


def test_config_dev_null(tmp_path):
    # ssh -F /dev/null is common: no configuration, not an error
    port_sock = socket.socket()
    port_sock.bind(("127.0.0.1", 0))
    port = port_sock.getsockname()[1]
    port_sock.close()  # nothing listens there: the connection is refused
    r = run_client(["-F", "/dev/null", "-p", str(port), "127.0.0.1", "true"], tmp_path)
    assert r.returncode == 255
    assert b"cannot read config" not in r.stderr, r.stderr
    assert b"refused" in r.stderr, r.stderr
