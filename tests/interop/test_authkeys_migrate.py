"""An account migrated from OpenSSH keeps working (issue 14): authorized_keys lines with
expiry-time=, environment=, tunnel=, principals= and the FIDO flags, ~/.ssh/authorized_keys2,
Dropbear's SSH_PUBKEYINFO (compared with the upstream Dropbear peer's), and a PATH that
holds /usr/local/bin as under Debian's OpenSSH and Dropbear.

Throwaway user with home under /tmp; servers on 127.0.0.1 free ports killed at teardown.
"""
import os
import subprocess
import time

import pytest

from conftest import ROOT, run
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

UPSTREAM = os.path.abspath(os.path.join(ROOT, "..", "shared", "peers", "dropbear-2026.94",
                                        "dropbearmulti"))


@pytest.fixture(scope="module")
def ukey(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("akkey") / "id")
    r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
    assert r.returncode == 0, r.stderr
    with open(p + ".pub") as f:
        return p, " ".join(f.read().split()[:2])


@pytest.fixture(scope="module")
def user(ukey):
    with throwaway_user() as u:
        yield u


@pytest.fixture
def srv(server_factory, hostkeys):
    return server_factory([hostkeys["ed25519"].path])


def write_keys(user, text, name="authorized_keys"):
    path = os.path.join(user.ssh_dir(), name)
    with open(path, "w") as f:
        f.write(text)
    os.chown(path, user.uid, user.gid)
    os.chmod(path, 0o600)
    return path


@pytest.fixture(autouse=True)
def clean_keys(user):
    yield
    for n in ("authorized_keys", "authorized_keys2"):
        try:
            os.unlink(os.path.join(user.ssh_dir(), n))
        except FileNotFoundError:
            pass


def ssh(tmp_path, port, user, key, command):
    cmd = ["ssh", "-F", "/dev/null", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=no",
           "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
           "-o", "ConnectTimeout=10", "-o", "LogLevel=ERROR", "-i", key, "-p", str(port),
           "%s@127.0.0.1" % user.name, command]
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("SSH_AUTH_SOCK", None)
    r = subprocess.run(cmd, capture_output=True, timeout=60, env=env, stdin=subprocess.DEVNULL)
    r.out = r.stdout.decode("utf-8", "replace")
    r.err = r.stderr.decode("utf-8", "replace")
    return r


def stamp(t):
    return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(t))


def test_expiry_time(tmp_path, srv, user, ukey):
    """A key past its expiry-time is refused with a log line; one before it logs in;
    with two, the earlier holds."""
    past, future = stamp(time.time() - 3600), stamp(time.time() + 3600)
    write_keys(user, 'expiry-time="%s" %s\n' % (future, ukey[1]))
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo in")
    assert r.returncode == 0 and r.out == "in\n", r.err + srv.log()
    mark = len(srv.log())
    write_keys(user, 'expiry-time="%s" %s\n' % (past, ukey[1]))
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo in")
    assert r.returncode == 255 and "Permission denied" in r.err
    assert srv.wait_log(r"Pubkey for '%s' has expired" % user.name, since=mark), srv.log()
    write_keys(user, 'expiry-time="%s",expiry-time="%s" %s\n' % (future, past, ukey[1]))
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo in")
    assert r.returncode == 255


def test_malformed_expiry_skips_line(tmp_path, srv, user, ukey):
    """A malformed expiry-time makes that line not match (logged), the next one still does."""
    mark = len(srv.log())
    write_keys(user, 'expiry-time="2030-01-01" %s\nno-pty %s\n' % (ukey[1], ukey[1]))
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo in")
    assert r.returncode == 0 and r.out == "in\n", r.err
    assert "line 1" in srv.log()[mark:], srv.log()[mark:]


@pytest.mark.parametrize("opts", ['tunnel="0"', 'tunnel="any"', 'principals="alice,bob"',
                                  "no-touch-required", "verify-required",
                                  'environment="DBT_X=1"'])
def test_openssh_options_accepted(tmp_path, srv, user, ukey, opts):
    """OpenSSH 9.2 accepts these on a plain key line; so do we (what they mean does not
    apply here, and environment= is dropped unless compiled in)."""
    write_keys(user, "%s %s\n" % (opts, ukey[1]))
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo in:${DBT_X-unset}")
    assert r.returncode == 0, r.err + srv.log()
    assert r.out == "in:unset\n"


def test_authorized_keys2(tmp_path, srv, user, ukey):
    """~/.ssh/authorized_keys2 is read after authorized_keys (Debian's sshd default)."""
    write_keys(user, "# nothing here\n")
    write_keys(user, 'command="echo from-keys2" %s\n' % ukey[1], name="authorized_keys2")
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo cmd")
    assert r.returncode == 0 and r.out == "from-keys2\n", r.err + srv.log()
    # authorized_keys wins when both hold the key
    write_keys(user, 'command="echo from-keys" %s\n' % ukey[1])
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo cmd")
    assert r.out == "from-keys\n", r.err


def test_path_has_usr_local_bin(tmp_path, srv, user, ukey):
    write_keys(user, ukey[1] + "\n")
    r = ssh(tmp_path, srv.port, user, ukey[0], "echo $PATH")
    assert r.returncode == 0, r.err
    assert r.out.strip().split(":")[:3] == ["/usr/local/bin", "/usr/bin", "/bin"], r.out


def test_program_in_usr_local_bin_found(tmp_path, server_factory, hostkeys, user, ukey):
    """`ssh host 'command -v X'` finds a program installed in /usr/local/bin, as with
    Debian's sshd. The program is put on a tmpfs over /usr/local/bin in a private mount
    namespace the server runs in: the machine's own /usr/local/bin is not touched."""
    if subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode != 0:
        pytest.skip("no mount namespaces here (unshare -m fails)")
    script = ("mount -t tmpfs -o mode=755 none /usr/local/bin && "
              "printf '#!/bin/sh\\necho local-prog-ran\\n' > /usr/local/bin/dbtest-localprog && "
              "chmod 755 /usr/local/bin/dbtest-localprog && exec \"$@\"")
    wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
    s = server_factory([hostkeys["ed25519"].path], wrap=wrap)
    write_keys(user, ukey[1] + "\n")
    r = ssh(tmp_path, s.port, user, ukey[0], "command -v dbtest-localprog && dbtest-localprog")
    assert r.returncode == 0, r.err + s.log()
    assert r.out == "/usr/local/bin/dbtest-localprog\nlocal-prog-ran\n", r.out
    assert not os.path.exists("/usr/local/bin/dbtest-localprog")  # only in the namespace


# what follows the key blob on the line, verbatim
COMMENTS = [" alice@laptop", " alice@laptop more words", " key-1.2_x+y,z@h", " a$b",
            " a;rm -rf", " 'quoted'", " caf\u00e9", "", " ", "   spaced  ", "\tword", "  two",
            " " + "x" * 200, " ok\tthen", " \tx"]


@pytest.mark.skipif(not os.path.exists(UPSTREAM), reason="upstream Dropbear peer absent")
def test_pubkeyinfo_as_upstream(tmp_path, server_factory, hostkeys, user, ukey):
    """SSH_PUBKEYINFO for each comment is what Dropbear 2026.94 sets for the same line."""
    ours = server_factory([hostkeys["ed25519"].path])
    theirs = server_factory([hostkeys["ed25519"].path], binary=UPSTREAM, name="up")
    results = []
    for comment in COMMENTS:
        write_keys(user, "%s%s\n" % (ukey[1], comment))
        got = []
        for s in (ours, theirs):
            r = ssh(tmp_path, s.port, user, ukey[0], 'echo "[${SSH_PUBKEYINFO-unset}]"')
            got.append(r.out if r.returncode == 0 else None)
        # ours takes every line OpenSSH takes; upstream refuses a tab after the blob
        assert got[0] is not None, (comment, ours.log()[-2000:])
        if got[1] is not None:
            results.append((comment, got[0], got[1]))
    assert len(results) >= len(COMMENTS) - 3, results
    bad = [x for x in results if x[1] != x[2]]
    assert not bad, "ours differs from upstream: %r" % bad
