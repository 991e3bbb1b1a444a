"""X11 forwarding (issue #15, item 2): our server's x11-req and dbclient's -X / -Y.

A real X server: Debian's Xvfb on a free display number, listening only on its Unix
socket in /tmp/.X11-unix (-nolisten tcp), with an -auth file holding a random
MIT-MAGIC-COOKIE-1 (the "real" cookie). The clients run with DISPLAY=:N and
XAUTHORITY=that file, as a desktop session would.

Xvfb runs with -noreset. Without it the X server "resets" whenever its last client
disconnects, and a reset drops every authorization made at run time: `xauth generate`
is a client, so the untrusted cookie ssh -X (ForwardX11Trusted no) and dbclient -X make
was gone before the forwarded client could use it ("Invalid MIT-MAGIC-COOKIE-1 key",
with Debian's sshd too). A desktop always has clients connected (its window manager),
so it never resets there; -noreset gives the test the same.

Shown:
- xdpyinfo run through OpenSSH's ssh -X (ForwardX11Trusted no: untrusted) against our
  server reaches the display, Debian's 9.2 and 10.5p1 alike, and is untrusted there (the
  SECURITY extension shows it 2 extensions of the display's ~23); the remote user's
  ~/.Xauthority does not hold the real cookie; at the end of the session the display's
  listener is gone and so is the entry.
- The same through our dbclient -X (untrusted) and -Y / ForwardX11Trusted (trusted: every
  extension), and ForwardX11 in ~/.ssh/config, against our server and against OpenSSH's
  sshd (Debian's and 10.5p1): the cookie the server side sees is dbclient's fake, never
  the real one; dbclient's temporary xauth directory is gone afterwards.
- Under strace: the xauth commands dbclient -X / -Y run (OpenSSH's), the private 0700
  directory in TMPDIR, the file and directory removed.
- Against an X server without the SECURITY extension, dbclient -X falls back as ssh -X
  does (no forwarding, "untrusted X11 forwarding setup failed"), and -Y with no cookie
  for the display uses made-up data (an X server without access control, -ac).
- The server adds and removes the entry in the file XAUTHORITY names when the child's
  environment has it (-e), not in ~/.Xauthority.
- Refused with no-X11-forwarding and restrict in authorized_keys and with the server's
  -x: the client says "X11 forwarding request failed" and the session has no DISPLAY.
- dbclient closes an x11 channel whose setup carries a wrong cookie before a byte
  reaches the display (the connection ends with no X server answer), and answers one
  with its fake cookie by the X server's success.
- single-connection (paramiko asks for it): the listener closes after one connection.

Every wait is bounded; Xvfb, servers and clients are killed by PID; users are throwaway.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import time

import pytest

from conftest import BIN, ROOT, Server, option
from fwdhelpers import env, listening, wait_for  # noqa: F401
from test_forward_client import Sshd
from users import can_create_users

OSSH10 = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers", "openssh-10"))
XVFB = shutil.which("Xvfb")
XAUTH = "/usr/bin/xauth"

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root (throwaway users)"),
    pytest.mark.skipif(not option("DB_X11FWD"), reason="X11 forwarding compiled out"),
    pytest.mark.skipif(not XVFB or not os.access(XAUTH, os.X_OK) or
                       not shutil.which("xdpyinfo"),
                       reason="needs xvfb, xauth, x11-utils (tests/deps.sh)"),
]

# The remote side's report: what the X server says (how many extensions an untrusted
# client may see), the DISPLAY, the cookie xauth holds.
REMOTE = ('echo "DISPLAY=$DISPLAY"; xdpyinfo 2>&1 | '
          'grep -E "^(name of display|vendor string|number of extensions)"; '
          'xauth list "$DISPLAY" 2>/dev/null; true')

# Connects to the forwarded display with a given cookie ("fake": the one xauth holds, or
# "bogus"); prints how the connection ended: the X server's answer byte, or CLOSED.
PROBE = r'''
import os, socket, struct, subprocess, sys
d = os.environ["DISPLAY"]
n = int(d.rsplit(":", 1)[1].split(".")[0])
line = subprocess.run(["xauth", "list", d], capture_output=True, text=True).stdout.split()
fake = bytes.fromhex(line[2])
for kind in ("bogus", "fake"):
    cookie = fake if kind == "fake" else bytes(b ^ 0x5a for b in fake)
    s = socket.create_connection(("127.0.0.1", 6000 + n), timeout=20)
    name = b"MIT-MAGIC-COOKIE-1"
    s.sendall(b"l\0" + struct.pack("<HHHHH", 11, 0, len(name), len(cookie), 0) + name
              + b"\0" * (-len(name) % 4) + cookie + b"\0" * (-len(cookie) % 4))
    try:
        r = s.recv(8)
    except OSError:
        r = b""
    print("PROBE", kind, "CLOSED" if not r else "ANSWER%d" % r[0])
    s.close()
'''


# single-connection: the first connection to the display is forwarded, the second finds
# no listener.
SINGLE = r'''
import os, socket, time
n = int(os.environ["DISPLAY"].rsplit(":", 1)[1].split(".")[0])
a = socket.create_connection(("127.0.0.1", 6000 + n), timeout=10)
print("first ok")
def listening():
    want = ":%04X" % (6000 + n)
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(path).read().splitlines()[1:]:
            f = line.split()
            if f[1].endswith(want) and f[3] == "0A":
                return True
    return False
for _ in range(200):  # the server accepts the first, then closes: at most 10 s
    if not listening():
        break
    time.sleep(0.05)
try:
    socket.create_connection(("127.0.0.1", 6000 + n), timeout=10)
    print("second ok")
except OSError:
    print("second refused")
'''


def lock_pid(n):
    """The PID in display n's lock file, 0 when there is none or it is unreadable."""
    try:
        with open("/tmp/.X%d-lock" % n) as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def free_display():
    """A display number with no live X server. A lock file whose process is gone (an X
    server killed with SIGKILL leaves it, and its socket) counts as free: the X server
    removes such a stale lock itself, and binds its socket afresh."""
    for n in range(60, 100):
        pid = lock_pid(n)
        if pid and pid_alive(pid):
            continue
        if not pid and os.path.exists("/tmp/.X%d-lock" % n):
            continue  # being written, or not an X server's
        # a dead server's lock and socket go now, so that the wait for the socket below
        # sees the new server's
        for f in ("/tmp/.X%d-lock" % n, "/tmp/.X11-unix/X%d" % n):
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass
        return n
    pytest.skip("no free X display number")


def display_ready(n, pid):
    """The X server pid holds display n's lock and accepts on its socket."""
    if lock_pid(n) != pid:
        return False
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(2)
        s.connect("/tmp/.X11-unix/X%d" % n)
        return True
    except OSError:
        return False
    finally:
        s.close()


def stop_xvfb(p):
    """SIGTERM first: Xvfb then removes its lock file and socket; SIGKILL if it hangs."""
    p.terminate()
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(timeout=5)


def start_xvfb(d, extra=()):
    """Xvfb :N -nolisten tcp -noreset -auth FILE with a random cookie (module doc);
    yields its description, killed by PID after."""
    auth = str(d / "Xauthority")
    cookie = secrets.token_hex(16)
    for _ in range(3):
        n = free_display()
        open(auth, "w").close()
        subprocess.run([XAUTH, "-f", auth, "add", ":%d" % n, "MIT-MAGIC-COOKIE-1", cookie],
                       check=True, timeout=30, capture_output=True)
        log = open(str(d / "xvfb.log"), "ab")
        p = subprocess.Popen([XVFB, ":%d" % n, "-nolisten", "tcp", "-noreset", "-auth", auth,
                              "-screen", "0", "640x480x24"] + list(extra),
                             stdin=subprocess.DEVNULL,
                             stdout=log, stderr=log, start_new_session=True)
        if wait_for(lambda: p.poll() is not None or display_ready(n, p.pid),
                    timeout=20) and p.poll() is None:
            break
        stop_xvfb(p)
    else:
        pytest.fail("Xvfb did not start: " + open(str(d / "xvfb.log")).read()[-2000:])
    env_x = dict(DISPLAY=":%d" % n, XAUTHORITY=auth)
    # the display works locally with the real cookie, and refuses without it
    r = subprocess.run(["xdpyinfo"], env=dict(os.environ, **env_x), capture_output=True,
                       timeout=30)
    assert r.returncode == 0 and b"vendor string" in r.stdout, r.stderr
    exts = int(re.search(rb"^number of extensions:\s+(\d+)", r.stdout, re.M).group(1))
    try:
        yield {"display": ":%d" % n, "num": n, "auth": auth, "cookie": cookie,
               "env": env_x, "extensions": exts}
    finally:
        stop_xvfb(p)


@pytest.fixture(scope="module")
def xserver(tmp_path_factory):
    yield from start_xvfb(tmp_path_factory.mktemp("xvfb"))


@pytest.fixture(scope="module")
def xserver_nosecurity(tmp_path_factory):
    """An X server without the SECURITY extension (so `xauth generate` fails) and
    without access control (-ac: any cookie, or none, is let in)."""
    yield from start_xvfb(tmp_path_factory.mktemp("xvfbnosec"),
                          ["-extension", "SECURITY", "-ac"])


def ssh_clients():
    """(name, ssh, its X options): plain -X, untrusted. ForwardX11Trusted no is
    OpenSSH's default (10.5p1's `ssh -G`), but Debian's 9.2 is built with yes, so it is
    said here."""
    x = ("-X", "-o", "ForwardX11Trusted=no")
    out = [("debian", "/usr/bin/ssh", x)]
    if os.access(os.path.join(OSSH10, "bin", "ssh"), os.X_OK):
        out.append(("openssh10", os.path.join(OSSH10, "bin", "ssh"), x))
    return out


class X11Rig:
    """Our server (or an sshd) for the throwaway user, and the clients, with the local
    X environment of the xserver fixture."""

    def __init__(self, env, xs, tmp_path):
        self.env, self.xs, self.tmp = env, xs, str(tmp_path)
        self.home = os.path.join(self.tmp, "chome")
        os.makedirs(self.home, exist_ok=True)
        self.kh = os.path.join(self.tmp, "known_hosts")
        self.servers = []
        # dbclient -X's temporary xauth directory goes here (TMPDIR): empty afterwards
        self.tmpdir = os.path.join(self.tmp, "ctmp")
        os.makedirs(self.tmpdir, exist_ok=True)

    def dropbear(self, extra=(), options=None, wrap=()):
        self.env["user"].authorize(self.env["pub"], options=options)
        d = os.path.join(self.tmp, "srv%d" % len(self.servers))
        os.makedirs(d, exist_ok=True)
        s = Server(d, [self.env["hostkey"]], list(extra), wrap=list(wrap)).start()
        self.servers.append(s)
        with open(self.kh, "a") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, self.env["hostline"]))
        return s

    def sshd(self, binary):
        self.env["user"].authorize(self.env["pub"])
        extra = "X11Forwarding yes\nX11UseLocalhost yes\nXAuthLocation %s\n" % XAUTH
        if binary != "/usr/sbin/sshd":
            extra += ("SshdSessionPath %s/libexec/sshd-session\n"
                      "SshdAuthPath %s/libexec/sshd-auth\n" % (OSSH10, OSSH10))
        s = OurSshd(os.path.join(self.tmp, "sshd%d" % len(self.servers)), extra, binary)
        self.servers.append(s)
        s.start()
        with open(self.kh, "a") as f:
            f.write("[127.0.0.1]:%d %s\n" % (s.port, s.hostline))
        return s

    def cenv(self):
        e = dict(os.environ, HOME=self.home, TMPDIR=self.tmpdir, **self.xs["env"])
        e.pop("SSH_AUTH_SOCK", None)
        return e

    def ssh(self, binary, s, args, command, timeout=60):
        cmd = [binary, "-F", "/dev/null"] + list(args) + [
            "-i", self.env["key"], "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
            "-o", "UserKnownHostsFile=" + self.kh, "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "XAuthLocation=" + XAUTH,
            "-p", str(s.port), "%s@127.0.0.1" % self.env["user"].name, command]
        return self._run(cmd, timeout)

    def dbclient(self, s, args, command, timeout=60):
        cmd = [BIN, "dbclient"] + list(args) + [
            "-i", self.env["key"], "-o", "UserKnownHostsFile=" + self.kh,
            "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
            "-o", "PasswordAuthentication=no",
            "%s@127.0.0.1/%d" % (self.env["user"].name, s.port), command]
        return self._run(cmd, timeout)

    def _run(self, cmd, timeout):
        r = subprocess.run(cmd, capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, env=self.cenv())
        r.out = r.stdout.decode("utf-8", "replace")
        r.err = r.stderr.decode("utf-8", "replace")
        return r

    def remote_xauth(self, path=None):
        """What the remote user's ~/.Xauthority (or path) holds now (read as root)."""
        path = path or os.path.join(self.env["user"].home, ".Xauthority")
        if not os.path.exists(path):
            return ""
        r = subprocess.run([XAUTH, "-f", path, "list"], capture_output=True, timeout=30)
        return r.stdout.decode()

    def close(self):
        # the servers' xauth runs (removing the display's entry as a session ends) finish
        # first: one killed with its server would leave ~/.Xauthority locked for the next
        # test's user ("timeout in locking authority file")
        end = time.time() + 10
        while time.time() < end and subprocess.run(
                ["pgrep", "-u", str(self.env["user"].uid), "-x", "xauth"],
                capture_output=True).returncode == 0:
            time.sleep(0.05)
        for s in self.servers:
            s.stop()


class OurSshd(Sshd):
    """test_forward_client's Sshd, with the sshd binary as a parameter."""

    def __init__(self, d, extra, binary):
        super().__init__(d, extra)
        self.binary = binary

    def start(self, attempts=3):
        real = subprocess.Popen

        def popen(args, *a, **kw):
            if args and args[0] == "/usr/sbin/sshd":
                args = [self.binary] + list(args[1:])
            return real(args, *a, **kw)
        subprocess.Popen = popen
        try:
            return super().start(attempts)
        finally:
            subprocess.Popen = real


@pytest.fixture
def rig(env, xserver, tmp_path):
    r = X11Rig(env, xserver, tmp_path)
    yield r
    r.close()


def reached_display(r, xs):
    assert r.returncode == 0, (r.out, r.err)
    assert re.search(r"^vendor string:", r.out, re.M), (r.out, r.err)
    m = re.search(r"^DISPLAY=(\S+)$", r.out, re.M)
    assert m, r.out
    return m.group(1)


def extensions(out):
    """How many extensions the forwarded client saw: all of them when trusted, the
    SECURITY extension's short list when untrusted."""
    m = re.search(r"^number of extensions:\s+(\d+)$", out, re.M)
    assert m, out
    return int(m.group(1))


def untrusted(r, xs):
    return extensions(r.out) < xs["extensions"]


def remote_cookie(out):
    m = re.search(r"MIT-MAGIC-COOKIE-1\s+([0-9a-f]+)", out)
    assert m, out
    return m.group(1)


# ---------------------------------------------------------------- our server

@pytest.mark.parametrize("name,ssh,xopt", ssh_clients(), ids=[c[0] for c in ssh_clients()])
def test_openssh_ssh_X_reaches_display(rig, xserver, name, ssh, xopt):
    s = rig.dropbear()
    r = rig.ssh(ssh, s, list(xopt), REMOTE)
    disp = reached_display(r, xserver)
    # plain -X: the X server treats the forwarded client as untrusted
    assert untrusted(r, xserver), (r.out, xserver["extensions"])
    m = re.match(r"^localhost:(\d+)\.0$", disp)
    assert m and int(m.group(1)) >= option("DB_X11_DISPLAY_OFFSET"), disp
    # ssh -X gives the server a cookie of its own (untrusted or fake): never the real one
    assert remote_cookie(r.out) != xserver["cookie"]
    # the session is over: the listener is gone, and the entry with it
    port = 6000 + int(m.group(1))
    assert wait_for(lambda: not listening(port), timeout=10), listening(port)
    assert wait_for(lambda: "unix:%s" % m.group(1) not in rig.remote_xauth(), timeout=10), \
        rig.remote_xauth()
    assert re.search(r"X11 forwarding for '\S+' on display localhost:%s" % m.group(1), s.log())
    # xauth ran as the user: the file is the user's
    st = os.stat(os.path.join(rig.env["user"].home, ".Xauthority"))
    assert (st.st_uid, st.st_gid) == (rig.env["user"].uid, rig.env["user"].gid)


@pytest.mark.parametrize("opt,trusted", [("-X", False), ("-Y", True), ("config", False),
                                         ("config-trusted", True)])
def test_dbclient_X_our_server(rig, xserver, opt, trusted):
    s = rig.dropbear()
    args = [opt]
    if opt.startswith("config"):
        os.makedirs(os.path.join(rig.home, ".ssh"), exist_ok=True)
        with open(os.path.join(rig.home, ".ssh", "config"), "w") as f:
            f.write("Host *\n    ForwardX11 yes\n" +
                    ("    ForwardX11Trusted yes\n" if trusted else ""))
        args = []
    r = rig.dbclient(s, args + ["-v"], REMOTE)
    reached_display(r, xserver)
    fake = remote_cookie(r.out)
    assert fake != xserver["cookie"] and len(fake) == len(xserver["cookie"])
    # -X alone is untrusted, as OpenSSH's: the X server's SECURITY extension says so
    assert untrusted(r, xserver) == (not trusted), (r.out, xserver["extensions"])
    assert ("untrusted (generated) cookie" in r.err) == (not trusted), r.err
    # the generated cookie's file and its private directory are gone
    assert os.listdir(rig.tmpdir) == []


def test_dbclient_without_X_has_no_display(rig, xserver):
    s = rig.dropbear()
    r = rig.dbclient(s, [], REMOTE)
    assert r.returncode == 0, r.err
    assert "DISPLAY=\n" in r.out and "vendor string" not in r.out


def sshd_binaries():
    out = [("debian", "/usr/sbin/sshd")]
    if os.access(os.path.join(OSSH10, "sbin", "sshd"), os.X_OK):
        out.append(("openssh10", os.path.join(OSSH10, "sbin", "sshd")))
    return out


@pytest.mark.parametrize("name,sshd", sshd_binaries(), ids=[c[0] for c in sshd_binaries()])
def test_dbclient_X_openssh_sshd(rig, xserver, name, sshd):
    s = rig.sshd(sshd)
    r = rig.dbclient(s, ["-X"], REMOTE)
    reached_display(r, xserver)
    assert untrusted(r, xserver), (r.out, xserver["extensions"])
    fake = remote_cookie(r.out)
    assert fake != xserver["cookie"] and len(fake) == len(xserver["cookie"])


def test_wrong_cookie_closed_by_dbclient(rig, xserver):
    s = rig.dropbear()
    r = rig.dbclient(s, ["-X"], "python3 -c '%s'" % PROBE.replace("'", "'\\''"))
    assert r.returncode == 0, (r.out, r.err)
    # a wrong cookie: dbclient closes the channel, the X server never answers
    assert "PROBE bogus CLOSED" in r.out, (r.out, r.err)
    assert "X11 connection rejected because of wrong authentication" in r.err
    # the fake cookie: replaced by the real one, the X server says success (1)
    assert "PROBE fake ANSWER1" in r.out, (r.out, r.err)


@pytest.mark.parametrize("how", ["no-X11-forwarding", "restrict", "-x"])
def test_refused(rig, xserver, how):
    if how == "-x":
        s = rig.dropbear(extra=["-x"])
    else:
        s = rig.dropbear(options=how)
    for name, ssh, xopt in ssh_clients():
        r = rig.ssh(ssh, s, list(xopt), REMOTE)
        assert r.returncode == 0, (name, r.err)
        assert "X11 forwarding request failed" in r.err, (name, r.err)
        assert "DISPLAY=\n" in r.out and "vendor string" not in r.out, (name, r.out)
    r = rig.dbclient(s, ["-X"], REMOTE)
    assert r.returncode == 0, r.err
    assert "X11 forwarding request failed" in r.err, r.err
    assert "DISPLAY=\n" in r.out and "vendor string" not in r.out
    assert "X11 forwarding refused" in s.log()


def test_single_connection_paramiko(rig, xserver):
    paramiko = pytest.importorskip("paramiko")
    s = rig.dropbear()
    c = paramiko.SSHClient()
    c.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    c.connect("127.0.0.1", port=s.port, username=rig.env["user"].name,
              key_filename=rig.env["key"], allow_agent=False, look_for_keys=False,
              timeout=20)
    try:
        opened = []
        ch = c.get_transport().open_session(timeout=20)
        ch.request_x11(auth_protocol="MIT-MAGIC-COOKIE-1", auth_cookie="ab" * 16,
                       single_connection=True,
                       handler=lambda xch, addr: opened.append((xch, addr)))
        # two connections: the first becomes an x11 channel, the second finds no listener
        ch.exec_command("python3 -c '%s'" % SINGLE.replace("'", "'\\''"))
        ch.settimeout(30)
        out = b""
        while True:
            d = ch.recv(4096)
            if not d:
                break
            out += d
        out = out.decode()
        assert "first ok" in out and "second refused" in out, out
        assert wait_for(lambda: len(opened) == 1, timeout=10) and opened[0][1][0] == "127.0.0.1"
    finally:
        c.close()


MINIMAL = os.environ.get("DBMULTI_MINIMAL") or os.path.join(ROOT, "build", "minimal",
                                                            "dropbearmulti")


@pytest.mark.skipif(not os.access(MINIMAL, os.X_OK), reason="make MINIMAL=1 not built")
def test_refused_when_compiled_out(rig, xserver):
    """The minimal build leaves X11 forwarding out (DB_X11FWD): x11-req fails."""
    rig.env["user"].authorize(rig.env["pub"])
    d = os.path.join(rig.tmp, "minsrv")
    os.makedirs(d, exist_ok=True)
    s = Server(d, [rig.env["hostkey"]], [], binary=MINIMAL).start()
    rig.servers.append(s)
    with open(rig.kh, "a") as f:
        f.write("[127.0.0.1]:%d %s\n" % (s.port, rig.env["hostline"]))
    r = rig.ssh("/usr/bin/ssh", s, ["-X"], REMOTE)
    assert r.returncode == 0, r.err
    assert "X11 forwarding request failed" in r.err, r.err
    assert "DISPLAY=\n" in r.out and "vendor string" not in r.out


@pytest.mark.skipif(not shutil.which("xwd"), reason="needs x11-apps (xwd)")
@pytest.mark.parametrize("client", ["dbclient", "ssh"])
def test_every_byte_of_a_large_reply(rig, xserver, client):
    """xwd -root: about a megabyte from the X server through the x11 channel, then the
    program closes its connection: the dump's hash is the same as a local one. Only the
    pixels (the dump's last 900,000 bytes) are compared: xwd writes its colormap entries
    with an uninitialised pad byte, which differs from run to run. Trusted (-Y): the
    SECURITY extension keeps an untrusted client from reading the root window."""
    local = subprocess.run("xwd -root -silent | tail -c 900000 | sha256sum", shell=True,
                           capture_output=True, timeout=60,
                           env=dict(os.environ, **xserver["env"]))
    want = local.stdout.split()[0].decode()
    s = rig.dropbear()
    cmd = "xwd -root -silent | wc -c; xwd -root -silent | tail -c 900000 | sha256sum"
    if client == "dbclient":
        r = rig.dbclient(s, ["-Y"], cmd)
    else:
        r = rig.ssh("/usr/bin/ssh", s, ["-Y"], cmd)
    assert r.returncode == 0, (r.out, r.err)
    size, got = r.out.split()[0], r.out.split()[1]
    assert int(size) > 900000 and got == want, (r.out, r.err)


def test_no_security_extension_fallback(env, xserver_nosecurity, tmp_path):
    """An X server without SECURITY: `xauth generate` fails. dbclient -X then forwards
    nothing (and says so), as ssh -X does; -Y with no cookie for the display makes one up
    (OpenSSH's fallback), which this X server without access control (-ac) lets in."""
    xs = xserver_nosecurity
    rig = X11Rig(env, xs, tmp_path)
    try:
        s = rig.dropbear()
        for name, ssh, xopt in ssh_clients():
            r = rig.ssh(ssh, s, list(xopt), REMOTE)
            assert r.returncode == 0, (name, r.err)
            assert "untrusted X11 forwarding setup failed" in r.err, (name, r.err)
            assert "DISPLAY=\n" in r.out and "vendor string" not in r.out, (name, r.out)
        r = rig.dbclient(s, ["-X"], REMOTE)
        assert r.returncode == 0, r.err
        assert "untrusted X11 forwarding setup failed" in r.err, r.err
        assert "DISPLAY=\n" in r.out and "vendor string" not in r.out, r.out
        assert os.listdir(rig.tmpdir) == []
        assert "x11-req" not in s.log() and "X11 forwarding for" not in s.log()
        # -Y, and the display has no cookie in the (empty) XAUTHORITY file
        empty = os.path.join(rig.tmp, "empty-xauth")
        open(empty, "w").close()
        rig.xs = dict(xs, env=dict(xs["env"], XAUTHORITY=empty))
        r = rig.dbclient(s, ["-Y"], REMOTE)
        assert "No xauth data; using fake authentication data" in r.err, r.err
        reached_display(r, xs)
    finally:
        rig.close()


def test_server_xauth_file_from_environment(rig, xserver):
    """The child's environment names XAUTHORITY (the server's own, passed with -e): the
    entry is added there, and removed from there at the session's end; ~/.Xauthority
    is not touched."""
    custom = os.path.join(rig.env["user"].home, "custom-xauth")
    home_xa = os.path.join(rig.env["user"].home, ".Xauthority")
    if os.path.exists(home_xa):  # left by the tests before (the user is the module's)
        os.unlink(home_xa)
    s = rig.dropbear(extra=["-e"], wrap=["env", "XAUTHORITY=" + custom])
    r = rig.dbclient(s, ["-Y"], REMOTE + '; test -e "$HOME/.Xauthority" && echo HOME-XAUTHORITY; true')
    disp = reached_display(r, xserver)
    num = re.match(r"^localhost:(\d+)\.0$", disp).group(1)
    assert "HOME-XAUTHORITY" not in r.out, r.out
    # it was in the custom file during the session (xauth list read it through XAUTHORITY)
    assert remote_cookie(r.out) != xserver["cookie"]
    assert os.path.exists(custom)
    assert wait_for(lambda: "unix:%s" % num not in rig.remote_xauth(custom), timeout=10), \
        rig.remote_xauth(custom)
    assert not os.path.exists(home_xa)


@pytest.mark.skipif(not shutil.which("strace"), reason="needs strace")
@pytest.mark.parametrize("opt", ["-X", "-Y"])
def test_dbclient_xauth_commands(rig, xserver, opt):
    """What dbclient runs, seen with strace: -X makes a private directory (mode 0700) in
    TMPDIR, has the X server generate an untrusted cookie into a file there and reads it
    back (OpenSSH's commands), then removes both; -Y only lists the display's cookie."""
    s = rig.dropbear()
    trace = os.path.join(rig.tmp, "strace.out")
    r = rig._run(["strace", "-f", "-qq", "-s", "256", "-o", trace,
                  "-e", "trace=mkdir,execve,unlink,rmdir", BIN, "dbclient", opt,
                  "-i", rig.env["key"], "-o", "UserKnownHostsFile=" + rig.kh,
                  "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                  "-o", "PasswordAuthentication=no",
                  "%s@127.0.0.1/%d" % (rig.env["user"].name, s.port), REMOTE], 60)
    reached_display(r, xserver)
    t = open(trace).read()
    xauth = re.findall(r'execve\("%s", \[(.*?)\]' % re.escape(XAUTH), t)
    disp = xserver["display"]
    if opt == "-Y":
        assert xauth == ['"xauth", "list", "%s"' % disp], t
        assert "dbclient-x11-" not in t
        return
    m = re.search(r'mkdir\("(%s/dbclient-x11-\w{6})", 0700\) = 0' % re.escape(rig.tmpdir), t)
    assert m, t
    d = m.group(1)
    f = d + "/xauthfile"
    assert xauth == ['"xauth", "-f", "%s", "generate", "%s", "MIT-MAGIC-COOKIE-1", '
                     '"untrusted", "timeout", "%d"'
                     % (f, disp, option("DB_X11_UNTRUSTED_TIMEOUT")),
                     '"xauth", "-f", "%s", "list", "%s"' % (f, disp)], t
    assert re.search(r'unlink\("%s"\) = 0' % re.escape(f), t), t
    assert re.search(r'rmdir\("%s"\) = 0' % re.escape(d), t), t
    assert os.listdir(rig.tmpdir) == []
