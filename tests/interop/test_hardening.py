"""Hardening of the server's pre-auth and privileged paths (security review): failure
replies that do not tell existing users from missing ones by their timing, nothing of the
server's reaching a user's session (descriptors, privileges, the connection process that
holds the signer's socket), and the signer's checks seen from outside.

Timing is only ever checked as a lower bound the server itself enforces (it sleeps to an
absolute deadline), never as an upper bound or a comparison: such assertions cannot
flake on a slow machine. Every test uses a throwaway user (home under /tmp) and servers
on 127.0.0.1 killed at teardown; OpenSSH's ssh runs with -F /dev/null.
"""
import contextlib
import os
import re
import socket
import subprocess
import time

import paramiko
import pytest

from conftest import option, run
from users import can_create_users, throwaway_group, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def ukey(tmp_path_factory):
    d = tmp_path_factory.mktemp("hardkeys")
    keys = {}
    for name in ("good", "other"):
        p = str(d / name)
        r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
        assert r.returncode == 0, r.stderr
        with open(p + ".pub") as f:
            keys[name] = (p, " ".join(f.read().split()[:2]))
    return keys


@pytest.fixture
def user(ukey):
    with throwaway_user(password="Secret-pw-1") as u:
        u.authorize(ukey["good"][1])
        yield u


@pytest.fixture
def start(server_factory, hostkeys):
    def make(*extra):
        return server_factory([hostkeys["ed25519"].path], extra=list(extra))
    return make


def ssh(port, user, key, command, tmp_path, opts=()):
    kh = str(tmp_path / "known_hosts")
    cmd = ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + kh,
           "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=accept-new",
           "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
           "-o", "ConnectTimeout=10", "-i", key, "-p", str(port)] + list(opts) + \
        ["%s@127.0.0.1" % user.name, command]
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("SSH_AUTH_SOCK", None)
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL)
    r.out = r.stdout.decode("utf-8", "replace").replace("\r\n", "\n")
    r.err = r.stderr.decode("utf-8", "replace")
    return r


# ---- user enumeration by the timing of uncounted failures


def _fail_times(port, username, attempt):
    """Seconds from request to failure reply for a few uncounted attempts on one
    connection (paramiko waits for the reply)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    t = paramiko.Transport(sock)
    times = []
    try:
        t.start_client(timeout=10)
        for _ in range(3):
            t0 = time.monotonic()
            with pytest.raises((paramiko.AuthenticationException,
                                paramiko.BadAuthenticationType)):
                attempt(t, username)
            times.append(time.monotonic() - t0)
    finally:
        t.close()
    return times


def test_publickey_failure_not_faster_for_missing_user(start, user, ukey):
    """A key that is not authorized is refused no sooner than DB_AUTH_MIN_REPLY_MS after
    the request, for a user that exists (whose authorized_keys is read) and for one that
    does not (nothing is read): the reply's timing does not tell them apart."""
    floor = option("DB_AUTH_MIN_REPLY_MS") / 1000.0
    s = start()
    other = paramiko.Ed25519Key.from_private_key_file(ukey["other"][0])
    # a long authorized_keys makes the lookup of an existing user cost something
    user.authorize(*([ukey["good"][1] + " k%d" % i for i in range(250)]))
    for name in (user.name, "nosuchuser%d" % os.getpid()):
        times = _fail_times(s.port, name, lambda t, n: t.auth_publickey(n, other))
        assert min(times) >= floor * 0.95, (name, times)


def test_none_failure_not_faster_for_missing_user(start, user):
    """"none" keeps the floor where its answer depends on the user: under -B (a blank
    password lets in) and wherever DB_AUTH_NONE_AT_ONCE is off. Otherwise its failure
    leaves at once, as OpenSSH's: the account lookup on the first request reads the same
    files for a name that exists or not, and the methods offered are the same
    (test_auth.py's test_unknown_user_gets_same_methods)."""
    floor = option("DB_AUTH_MIN_REPLY_MS") / 1000.0
    s = start("-B") if option("DB_AUTH_NONE_AT_ONCE") else start()
    for name in (user.name, "nosuchuser%d" % os.getpid()):
        times = _fail_times(s.port, name, lambda t, n: t.auth_none(n))
        assert min(times) >= floor * 0.95, (name, times)


def test_key_still_logs_in(start, user, ukey, tmp_path):
    """The floor is for failures only: the right key logs in (after one uncounted
    failure for a key tried first)."""
    s = start()
    mark = s.mark()
    r = ssh(s.port, user, ukey["other"][0], "echo in", tmp_path,
            opts=["-i", ukey["good"][0]])
    assert r.returncode == 0 and r.out == "in\n", r.err + s.log()
    assert s.wait_log(r"Pubkey auth succeeded for '%s'" % user.name, mark)


# ---- what a session inherits


def test_session_fds_and_credentials(start, user, ukey, tmp_path):
    """A command gets fds 0-2 and nothing else (not the client socket, the signer's
    socket, the listener's pipe or a pty master), the user's ids and groups only, no
    capabilities, and a connection process it cannot look into."""
    s = start()
    r = ssh(s.port, user, ukey["good"][0],
            "ls /proc/$$/fd; echo ids $(id -u) $(id -g) $(id -G); "
            "grep -E '^Cap(Prm|Eff|Amb)' /proc/$$/status; "
            "ls /proc/$PPID/fd >/dev/null 2>&1 && echo PEEK-FD; "
            "cat /proc/$PPID/environ >/dev/null 2>&1 && echo PEEK-ENV; "
            "grep -E '^(Uid|Gid)' /proc/$PPID/status", tmp_path)
    assert r.returncode == 0, r.err + s.log()
    lines = r.out.splitlines()
    assert lines[0:3] == ["0", "1", "2"] and not re.match(r"^\d+$", lines[3]), r.out
    assert "ids %d %d %d" % (user.uid, user.gid, user.gid) in r.out, r.out
    for cap in ("CapPrm", "CapEff", "CapAmb"):
        assert re.search(r"^%s:\s+0+$" % cap, r.out, re.M), r.out
    assert "PEEK-FD" not in r.out and "PEEK-ENV" not in r.out, r.out
    # the connection process runs as the user, every id of it
    assert re.search(r"^Uid:\s+%d\s+%d\s+%d\s+%d$" % ((user.uid,) * 4), r.out, re.M), r.out
    assert re.search(r"^Gid:\s+%d\s+%d\s+%d\s+%d$" % ((user.gid,) * 4), r.out, re.M), r.out


def test_session_supplementary_groups(start, ukey, tmp_path):
    """The session has the user's supplementary groups (the connection process sets
    them; under glibc from a list a short-lived child made), and the connection process
    has loaded no NSS module for it (Debian's "group: files systemd" would bring
    libnss_systemd, libcap and libm into every session's process)."""
    with throwaway_group() as g1, throwaway_group() as g2:
        with throwaway_user(groups=[g1, g2]) as u:
            u.authorize(ukey["good"][1])
            s = start()
            kh = str(tmp_path / "known_hosts")
            p = subprocess.Popen(
                ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + kh,
                 "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
                 "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i",
                 ukey["good"][0], "-p", str(s.port), "%s@127.0.0.1" % u.name,
                 "echo $PPID; id -Gn; exec sleep 20"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                env=dict(os.environ, HOME=str(tmp_path)))
            try:
                conn = int(p.stdout.readline() or b"0")
                groups = p.stdout.readline().decode().split()
                assert conn > 0 and {g1, g2} <= set(groups), (groups, s.log())
                with open("/proc/%d/maps" % conn) as f:
                    maps = f.read()
                assert "libnss_" not in maps, maps
            finally:
                p.kill()
                p.wait()


def test_session_many_supplementary_groups(start, ukey, tmp_path):
    """A user in 40 supplementary groups gets all of them: more than musl's NGROUPS_MAX
    of 32, at which its initgroups(3) gives up (the static build sets the groups itself,
    up to DB_MAX_GROUPS)."""
    with contextlib.ExitStack() as stack:
        groups = [stack.enter_context(throwaway_group()) for _ in range(40)]
        u = stack.enter_context(throwaway_user(groups=groups))
        u.authorize(ukey["good"][1])
        s = start()
        r = run(["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + str(tmp_path / "kh"),
                 "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
                 "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i",
                 ukey["good"][0], "-p", str(s.port), "%s@127.0.0.1" % u.name, "id -Gn"],
                env=dict(os.environ, HOME=str(tmp_path)))
        assert r.returncode == 0, (r.stderr, s.log())
        assert set(groups) <= set(r.stdout.decode().split()), (r.stdout, s.log())


def test_session_groups_as_id_says(start, ukey, tmp_path):
    """The session's groups (`id -G` in it: the gid and the list the connection process
    set, read by the static build from /etc/group itself) are the ones glibc's
    getgrouplist gives the user (`id -G NAME` here): the primary group, each
    supplementary group once, no other."""
    with throwaway_group() as g1, throwaway_group() as g2, throwaway_group() as g3:
        with throwaway_user(groups=[g1, g2, g3]) as u:
            u.authorize(ukey["good"][1])
            s = start()
            r = run(["ssh", "-F", "/dev/null", "-o",
                     "UserKnownHostsFile=" + str(tmp_path / "kh"),
                     "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
                     "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-i",
                     ukey["good"][0], "-p", str(s.port), "%s@127.0.0.1" % u.name,
                     "id -G; cat /proc/self/status"],
                    env=dict(os.environ, HOME=str(tmp_path)))
            assert r.returncode == 0, (r.stderr, s.log())
            out = r.stdout.decode().splitlines()
            want = subprocess.run(["id", "-G", u.name], capture_output=True, text=True,
                                  check=True).stdout.split()
            assert sorted(out[0].split()) == sorted(want) and len(want) == 4, (out, want)
            # the kernel's list itself: the supplementary groups, each once
            kern = [l.split()[1:] for l in out if l.startswith("Groups:")][0]
            assert sorted(kern) == sorted(want), (kern, want)


def test_pty_session_fds(start, user, ukey, tmp_path):
    """With a pty the shell has the slave on 0-2 and no master; the slave is the user's
    and nobody else may read it."""
    s = start()
    r = ssh(s.port, user, ukey["good"][0],
            "ls /proc/$$/fd | tr '\\n' ' '; echo; stat -c '%U %a' $(tty)", tmp_path,
            opts=["-tt"])
    assert r.returncode == 0, r.err + s.log()
    lines = r.out.splitlines()
    assert lines[0].split()[:3] == ["0", "1", "2"], r.out
    assert len(lines[0].split()) <= 4, r.out  # at most the fd of ls's own opendir
    owner, mode = lines[1].split()
    assert owner == user.name and int(mode, 8) & 0o044 == 0, r.out


def test_env_request_only_lang(start, user, ukey, tmp_path):
    """Only LANG and LC_* pass from the client: LD_PRELOAD and friends do not reach a
    forced command, which still gets SSH_ORIGINAL_COMMAND."""
    s = start("-c", "env")
    kh = str(tmp_path / "known_hosts")
    env = dict(os.environ, HOME=str(tmp_path), LD_PRELOAD="/nonexistent/evil.so",
               LC_TESTVAR="fine", BASH_ENV="/tmp/evil")
    env.pop("SSH_AUTH_SOCK", None)
    cmd = ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=" + kh,
           "-o", "StrictHostKeyChecking=accept-new", "-o", "BatchMode=yes",
           "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
           "-o", "SendEnv=LD_PRELOAD LC_TESTVAR BASH_ENV", "-i", ukey["good"][0],
           "-p", str(s.port), "%s@127.0.0.1" % user.name, "asked for this"]
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL)
    out = r.stdout.decode()
    assert r.returncode == 0, r.stderr.decode() + s.log()
    assert "LC_TESTVAR=fine" in out
    assert "LD_PRELOAD" not in out and "BASH_ENV" not in out, out
    assert "SSH_ORIGINAL_COMMAND=asked for this" in out, out


def test_overlong_pty_request_refused_not_fatal(start, user, ukey):
    """A pty-req whose TERM is past DB_MAX_TERM is refused (CHANNEL_FAILURE) and the
    connection goes on: a client's odd terminal must not end its connection."""
    s = start()
    t = paramiko.Transport(("127.0.0.1", s.port))
    try:
        t.start_client(timeout=10)
        t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(ukey["good"][0]))
        ch = t.open_session(timeout=10)
        with pytest.raises(paramiko.SSHException):
            ch.get_pty(term="x" * (option("DB_MAX_TERM") + 10))
        ch.close()
        assert t.is_active()
        ch = t.open_session(timeout=10)
        ch.settimeout(20)
        ch.exec_command("echo still-here")
        assert ch.makefile("rb").read() == b"still-here\n"
        assert ch.recv_exit_status() == 0
    finally:
        t.close()


# ---- from= behind a dual-stack socket (inetd mode, systemd socket activation)


def test_from_matches_v4_mapped_peer(user, ukey, hostkeys, tmp_path):
    """A dual-stack IPv6 socket handed to dropbear -i (systemd's ListenStream=22 with
    Accept=yes, inetd on ::) shows IPv4 clients as ::ffff:a.b.c.d: from="127.0.0.1" must
    still match them, as OpenSSH normalises such addresses; a from= that does not match
    still refuses."""
    try:
        ls = socket.socket(socket.AF_INET6)
        ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        ls.bind(("::", 0))
    except OSError:
        pytest.skip("no dual-stack IPv6 socket here")
    ls.listen(4)
    ls.settimeout(20)
    port = ls.getsockname()[1]
    from conftest import BIN
    logf = open(str(tmp_path / "inetd.log"), "ab")
    try:
        for pattern, ok in (("127.0.0.1", True), ("10.9.8.7", False)):
            user.authorize(ukey["good"][1], options='from="%s"' % pattern)
            result = {}

            def serve():
                conn, _ = ls.accept()
                p = subprocess.Popen([BIN, "dropbear", "-i", "-E", "-v",
                                      "-r", hostkeys["ed25519"].path],
                                     stdin=conn, stdout=conn, stderr=logf)
                conn.close()
                try:
                    result["rc"] = p.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=5)

            import threading
            th = threading.Thread(target=serve)
            th.start()
            r = ssh(port, user, ukey["good"][0], "echo in", tmp_path)
            th.join(timeout=45)
            if ok:
                assert r.returncode == 0 and r.out == "in\n", r.err
            else:
                assert r.returncode == 255 and "in\n" not in r.out, r.out
    finally:
        ls.close()
        logf.close()
