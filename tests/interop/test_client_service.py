"""dbclient options people replacing OpenSSH's ssh use (#14): -o SetEnv (env requests
OpenSSH's sshd accepts with AcceptEnv), -o DisableTrivialAuth (a server that lets us in on
"none" is refused), -o UseSyslog, and -O refused when there is no control socket instead of
running the command."""
import os
import subprocess
import time

import pytest

from conftest import Server
from test_client import Env, Sshd, authorize_new_key, dbclient_path
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")


@pytest.fixture(scope="module")
def user():
    with throwaway_user(password="Secret-pw-1") as u:
        yield u


@pytest.fixture(scope="module")
def sshd(tmp_path_factory, user):
    s = Sshd(tmp_path_factory.mktemp("sshd"), user,
             extra="AcceptEnv DBT_*\nPermitEmptyPasswords yes\n").start()
    yield s
    s.stop()


@pytest.fixture
def env(tmp_path, user, sshd):
    e = Env(str(tmp_path), user, sshd)
    with open(e.kh, "w") as f:
        f.write(e.known_line())
    return e


def test_setenv_sent(env):
    """OpenSSH's syntax: several NAME=VALUE on one SetEnv line, quotes grouping a value;
    the first SetEnv line wins whole (a second -o adds nothing), as OpenSSH's ssh -G
    shows for 9.2 and 10.5."""
    key = authorize_new_key(env)
    r = env.run(*env.args("-i", key, "-o", 'SetEnv=DBT_ONE="first  value" DBT_TWO=2',
                          "-o", "SetEnv DBT_THREE=3", env.dest(),
                          'echo "[$DBT_ONE][$DBT_TWO][${DBT_THREE-unset}]"'))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"[first  value][2][unset]\n", (r.stdout, r.stderr)
    r = env.run(*env.args("-i", key, "-o", "SetEnv=novalue", env.dest(), "true"))
    assert r.returncode == 0 and b"SetEnv 'novalue' is not NAME=value" in r.stderr


def test_setenv_from_config(env):
    """~/.ssh/config: SetEnv with two values in the matching Host block; -o SetEnv
    replaces that list."""
    key = authorize_new_key(env)
    with open(os.path.join(env.home, ".ssh", "config"), "w") as f:
        f.write('Host elsewhere\n  SetEnv DBT_ONE=wrong\n'
                'Host 127.0.0.1\n  SetEnv DBT_ONE=cfg DBT_TWO="two words"\n')
    cmd = 'echo "[$DBT_ONE][$DBT_TWO][${DBT_THREE-unset}]"'
    r = env.run(*env.args("-i", key, env.dest(), cmd))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"[cfg][two words][unset]\n", (r.stdout, r.stderr)
    r = env.run(*env.args("-i", key, "-o", "SetEnv DBT_THREE=3", env.dest(), cmd))
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"[][][3]\n", (r.stdout, r.stderr)


def test_setenv_our_server(tmp_path, hostkeys, user):
    """Against our own server, which accepts LANG and LC_* (as Debian's sshd_config
    AcceptEnv does): both variables of one SetEnv line arrive."""
    s = Server(str(tmp_path), [hostkeys["ed25519"].path]).start()
    try:
        class Ours:
            port = s.port
            keys = {"ed25519": hostkeys["ed25519"].line}
        e = Env(str(tmp_path), user, Ours)
        with open(e.kh, "w") as f:
            f.write(e.known_line())
        key = authorize_new_key(e)
        r = e.run(*e.args("-i", key, "-o", 'SetEnv LC_DBT_A="a b" LC_DBT_B=2', e.dest(),
                          'echo "[$LC_DBT_A][$LC_DBT_B]"'))
        assert r.returncode == 0, r.stderr
        assert r.stdout == b"[a b][2]\n", (r.stdout, r.stderr)
    finally:
        s.stop()


def test_use_syslog_accepted(env):
    key = authorize_new_key(env)
    r = env.run(*env.args("-i", key, "-o", "UseSyslog=yes", env.dest(), "echo ok"))
    assert r.returncode == 0 and r.stdout == b"ok\n", r.stderr
    assert b"UseSyslog" not in r.stderr


def test_control_command_refused(env):
    key = authorize_new_key(env)
    marker = os.path.join(env.home, "ran")
    r = env.run(*env.args("-i", key, "-O", "exit", env.dest(), "touch " + marker))
    assert r.returncode == 255
    assert b"-O exit: there is no control socket" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not os.path.exists(marker)


def test_disable_trivial_auth(tmp_path, sshd):
    """An account with an empty password: OpenSSH's sshd (PermitEmptyPasswords yes) lets
    "none" succeed. Plain dbclient gets in; with DisableTrivialAuth it refuses."""
    with throwaway_user(password=None) as u:
        subprocess.run(["passwd", "-d", u.name], check=True, capture_output=True, timeout=30)
        s = Sshd(str(tmp_path), u, extra="PermitEmptyPasswords yes\n").start()
        try:
            e = Env(str(tmp_path), u, s)
            with open(e.kh, "w") as f:
                f.write(e.known_line())
            r = e.run(*e.args("-o", "BatchMode=yes", e.dest(), "echo in"))
            if r.returncode != 0 or r.stdout != b"in\n":
                pytest.skip("sshd does not let an empty password in on none here: %r"
                            % r.stderr[-300:])
            r = e.run(*e.args("-o", "BatchMode=yes", "-o", "DisableTrivialAuth=yes",
                              e.dest(), "echo in"))
            assert r.returncode == 255 and r.stdout == b"", (r.stdout, r.stderr)
            assert b"DisableTrivialAuth" in r.stderr, r.stderr
        finally:
            s.stop()


def test_tilde_dot_clean_last_line(env):
    """After ~. the terminal is restored before the last line is printed: the pty turns
    its newline into CR LF (in raw mode it would stay a bare LF and the shell prompt would
    start mid-line)."""
    import pty
    import select
    key = authorize_new_key(env)
    master, slave = pty.openpty()
    p = subprocess.Popen(env.args("-t", "-i", key, env.dest(), "sleep 20"), stdin=slave,
                         stdout=slave, stderr=slave, env=env.env(TERM="xterm"),
                         start_new_session=True)
    os.close(slave)
    out = b""
    try:
        time.sleep(2)
        os.write(master, b"\r~.")
        end = time.time() + 20
        while time.time() < end:
            rl, _, _ = select.select([master], [], [], 0.5)
            if rl:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            elif p.poll() is not None:
                break
        assert p.wait(timeout=10) == 255
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)
    assert b"Connection closed (~.)\r\n" in out, out
