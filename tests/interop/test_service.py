"""Running as a service, as a user replacing OpenSSH would: the shipped systemd units
(contrib/systemd/) driven by systemd-socket-activate with the command line parsed from each
unit's ExecStart, `systemd-analyze verify` on them, the shipped xinetd entry under a
private xinetd, and the log lines fail2ban's stock dropbear filter must match in -E,
syslog and journal formats.

systemd is not PID 1 here and the machine's services are never touched: every server runs
in a private mount namespace with an overlay over /etc (so -R writes /etc/dropbear there,
not on the machine) and a tmpfs over /run (the units' pid file), listening on 127.0.0.1
free ports. Every process is killed by its process group at teardown."""
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import BIN, Server, free_port
from test_auth import Client, authed
from users import can_create_users, throwaway_user

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONTRIB = os.path.join(ROOT, "contrib")
UPSTREAM = "/work/shared/peers/dropbear-2026.94/dropbearmulti"
FILTER = "/etc/fail2ban/filter.d/dropbear.conf"
INSTALLED = "/usr/local/sbin/dropbear"  # the path the shipped files name

needs_users = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")


def _can_overlay():
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                       capture_output=True, timeout=30)
    return r.returncode == 0


@pytest.fixture
def client(tmp_path):
    return Client(tmp_path)


@pytest.fixture
def user():
    with throwaway_user(password="Secret-pw-1") as u:
        yield u


@pytest.fixture
def ukey(tmp_path):
    path = str(tmp_path / "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True,
                   timeout=30, capture_output=True)

    class K:
        pass
    k = K()
    k.path = path
    k.pub = open(path + ".pub").read().strip()
    return k


@pytest.fixture
def procs():
    made = []
    yield made
    for p in made:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            time.sleep(0.1)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


@pytest.fixture
def sbin(tmp_path):
    """A directory holding 'dropbear' -> our binary: the shipped files' command lines run
    with their program path pointing here."""
    d = tmp_path / "sbin"
    d.mkdir()
    os.symlink(BIN, str(d / "dropbear"))
    return str(d / "dropbear")


def private_root(tmp_path):
    """A command prefix: a private mount namespace with an overlay over /etc (writes land
    in tmp_path) and a tmpfs over /run. /etc/dropbear is removed in the overlay (a
    whiteout in tmp_path; the machine's stays as it is), so the tests start as a machine
    without host keys does even when this one has some."""
    up, work = tmp_path / "etc-up", tmp_path / "etc-work"
    up.mkdir(exist_ok=True)
    work.mkdir(exist_ok=True)
    script = ('mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,workdir=%s /etc && '
              'rm -rf /etc/dropbear && mount -t tmpfs none /run && exec "$@"' % (up, work))
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]


def exec_start(unit):
    """The ExecStart= command line of a shipped unit, as argv (prefix characters such as
    '-' dropped)."""
    with open(os.path.join(CONTRIB, "systemd", unit)) as f:
        for line in f:
            m = re.match(r"ExecStart=([-@:+!]*)(.*)$", line.strip())
            if m:
                return shlex.split(m.group(2))
    pytest.fail("%s has no ExecStart" % unit)


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def wait_file(path, text, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path) and text in open(path, errors="replace").read():
            return True
        time.sleep(0.05)
    return False


# ---- systemd units

UNITS = ["dropbear.service", "dropbear.socket", "dropbear@.service",
         "dropbear-listen.socket", "dropbear-listen.service"]


def test_units_verify(tmp_path, sbin):
    """systemd-analyze verify: the shipped units, with the program path pointing at our
    binary (verify checks that it is executable)."""
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    d = tmp_path / "units"
    d.mkdir()
    for u in UNITS:
        text = open(os.path.join(CONTRIB, "systemd", u)).read()
        assert INSTALLED in text or u.endswith(".socket"), u
        (d / u).write_text(text.replace(INSTALLED, sbin))
    r = subprocess.run(["systemd-analyze", "verify"] + [str(d / u) for u in UNITS],
                       capture_output=True, timeout=60, cwd=str(d))
    err = r.stderr.decode()
    if r.returncode != 0 and re.search(r"(?i)failed to (connect|initialize|set up)|"
                                       r"not been booted|Operation not permitted", err):
        pytest.skip("systemd-analyze cannot run here: " + err[-300:])
    assert r.returncode == 0 and not err.strip(), err


def unit_argv(unit, sbin):
    argv = exec_start(unit)
    assert argv[0] == INSTALLED, argv
    return [sbin] + argv[1:]


CASES = {
    # unit: (systemd-socket-activate options or None for a plain daemon, extra args)
    "dropbear.service": (None, None),
    "dropbear@.service": (["-a", "--inetd"], "dropbear.socket"),
    "dropbear-listen.service": ([], "dropbear-listen.socket"),
}


@needs_users
@pytest.mark.parametrize("unit", sorted(CASES))
def test_unit_login(unit, tmp_path, sbin, client, user, ukey, procs):
    """A login with OpenSSH's ssh through each unit's command line, host keys made by -R
    on first need (in the private /etc)."""
    if not shutil.which("systemd-socket-activate"):
        pytest.skip("systemd-socket-activate not installed")
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    sa, socket_unit = CASES[unit]
    port = free_port()
    argv = unit_argv(unit, sbin)
    if sa is None:
        # the plain daemon listens itself: the one change is a loopback port, not 22
        cmd = argv + ["-p", "127.0.0.1:%d" % port]
    else:
        sock = open(os.path.join(CONTRIB, "systemd", socket_unit)).read()
        assert re.search(r"^Accept=%s$" % ("yes" if "--inetd" in sa else "no"), sock, re.M)
        cmd = ["systemd-socket-activate"] + sa + ["-l", "127.0.0.1:%d" % port] + argv
    log_path = str(tmp_path / "unit.log")
    log = open(log_path, "wb")
    p = subprocess.Popen(private_root(tmp_path) + cmd, stdin=subprocess.DEVNULL,
                         stdout=log, stderr=log, start_new_session=True)
    procs.append(p)
    assert wait_port(port), open(log_path).read()
    user.authorize(ukey.pub)
    r = client.run(port, user.name, key=ukey, command="echo unit-$((6*7))")
    text = open(log_path, errors="replace").read()
    assert authed(r, "publickey"), r.out[-2000:] + text
    assert "unit-42" in r.stdout.decode(), r.out[-2000:]
    # -R made the host key, in the private /etc (the machine's /etc is untouched)
    m = re.search(r"Generated (\S+) host key (/etc/dropbear/[^\s,]+)", text)
    assert m, text
    made = tmp_path / "etc-up" / "dropbear" / os.path.basename(m.group(2))
    assert made.exists() and made.stat().st_mode & 0o777 == 0o600
    # -E lines carry a date when stderr is not the journal
    assert re.search(r"^[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d dropbear(\[\d+\])?: ", text,
                     re.M), text
    if sa == []:
        assert "Listening on 1 socket from systemd" in text, text


def test_listen_fds_validated(hostkeys):
    """LISTEN_PID/LISTEN_FDS are checked: one clear line and a failed start."""
    key = hostkeys["ed25519"].path
    for env, want in [({"LISTEN_PID": "12ab", "LISTEN_FDS": "1"}, "LISTEN_PID: '12ab'"),
                      ({"LISTEN_PID": "self", "LISTEN_FDS": "-1"}, "LISTEN_FDS: '-1'"),
                      ({"LISTEN_PID": "self", "LISTEN_FDS": "99999"}, "LISTEN_FDS: '99999'"),
                      ({"LISTEN_PID": "self", "LISTEN_FDS": "1"}, "fd 3 is not a listening")]:
        script = 'export LISTEN_PID=%s LISTEN_FDS=%s; [ "$LISTEN_PID" = self ] && ' \
                 'export LISTEN_PID=$$; exec 3</dev/null; exec "$@"' % (
                     shlex.quote(env["LISTEN_PID"]), shlex.quote(env["LISTEN_FDS"]))
        r = subprocess.run(["sh", "-c", script, "sh", BIN, "dropbear", "-F", "-E", "-r", key,
                            "-p", "127.0.0.1:%d" % free_port()],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        err = r.stderr.decode()
        assert r.returncode != 0 and want in err, (env, err)
        assert len(err.strip().splitlines()) == 1, err


# ---- xinetd

def shipped_xinetd():
    text = open(os.path.join(CONTRIB, "xinetd", "dropbear")).read()
    fields = dict(re.findall(r"^\s*(\w+)\s*=\s*(.*?)\s*$", text, re.M))
    return fields


def run_xinetd(tmp_path, sbin, server_args, procs):
    port = free_port()
    conf = tmp_path / "xinetd.conf"
    fields = shipped_xinetd()
    conf.write_text("""defaults
{
	log_type = FILE %s
}
service dbtest
{
	type = UNLISTED
	port = %d
	bind = 127.0.0.1
	socket_type = %s
	protocol = %s
	wait = %s
	user = %s
	server = %s
	server_args = %s
	disable = no
}
""" % (tmp_path / "xinetd.log", port, fields["socket_type"], fields["protocol"],
       fields["wait"], fields["user"], sbin, server_args))
    p = subprocess.Popen(private_root(tmp_path) +
                         ["xinetd", "-f", str(conf), "-dontfork",
                          "-pidfile", str(tmp_path / "xinetd.pid")],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=open(str(tmp_path / "xinetd.err"), "wb"),
                         start_new_session=True)
    procs.append(p)
    assert wait_port(port), open(str(tmp_path / "xinetd.err")).read()
    return port


@needs_users
def test_xinetd_shipped_entry(tmp_path, sbin, client, user, ukey, procs):
    """xinetd with the shipped entry's server_args exactly: the first connection makes the
    host keys (-R), the login works, and a second login finds the same key."""
    if not shutil.which("xinetd"):
        pytest.skip("xinetd not installed")
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    fields = shipped_xinetd()
    assert fields["server"] == INSTALLED
    assert fields["server_args"].split()[:1] == ["-i"] and "-R" in fields["server_args"]
    port = run_xinetd(tmp_path, sbin, fields["server_args"], procs)
    user.authorize(ukey.pub)
    r = client.run(port, user.name, key=ukey, command="echo via-xinetd")
    assert authed(r, "publickey"), r.out[-3000:]
    assert "via-xinetd" in r.stdout.decode()
    keys = os.listdir(str(tmp_path / "etc-up" / "dropbear"))
    assert keys, keys
    r = client.run(port, user.name, key=ukey, command="echo again")
    assert authed(r, "publickey") and "is known and matches" in r.out, r.out[-3000:]


def test_xinetd_no_keys_says_why(tmp_path, sbin, client, procs):
    """Without -R and without host keys, the reason reaches stderr (under xinetd: the
    client, which shows it) instead of a bare reset."""
    if not shutil.which("xinetd"):
        pytest.skip("xinetd not installed")
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    args = " ".join(a for a in shipped_xinetd()["server_args"].split() if a != "-R")
    port = run_xinetd(tmp_path, sbin, args, procs)
    r = client.run(port, "nobody", command="true")
    assert "No host keys available (give -r FILE, or -R to create them)" in r.out, r.out


def test_inetd_no_keys_reaches_syslog(tmp_path):
    """The syslog half: dropbear -i -g (the xinetd entry without -R) with no host keys
    sends the reason to syslog (facility authpriv, priority err, "dropbear[PID]:") as well
    as to stderr, and exits non-zero. Here /dev/log is a Unix datagram socket the test
    listens on, bind-mounted in a private mount namespace (over an overlay of /dev, so the
    machine's /dev is untouched); /etc/dropbear there is an empty tmpfs."""
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    import socket as so
    logsock = str(tmp_path / "log.sock")
    rx = so.socket(so.AF_UNIX, so.SOCK_DGRAM)
    rx.bind(logsock)
    rx.settimeout(10)
    for d in ("dev-up", "dev-work", "etc-up", "etc-work"):
        (tmp_path / d).mkdir()
    script = " && ".join([
        "mount -t overlay overlay -o lowerdir=/dev,upperdir=%s,workdir=%s /dev"
        % (tmp_path / "dev-up", tmp_path / "dev-work"),
        "touch /dev/log", "mount --bind %s /dev/log" % logsock,
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,workdir=%s /etc"
        % (tmp_path / "etc-up", tmp_path / "etc-work"),
        "mkdir -p /etc/dropbear", "mount -t tmpfs none /etc/dropbear",
        'exec "$@"'])
    a, b = so.socketpair()
    try:
        p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                              "sh", BIN, "dropbear", "-i", "-g"], stdin=b.fileno(),
                             stdout=b.fileno(), stderr=subprocess.PIPE, start_new_session=True)
        b.close()
        try:
            _, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
            pytest.fail("dropbear -i did not exit")
        msgs = []
        rx.settimeout(2)
        try:
            while True:
                msgs.append(rx.recv(4096).decode(errors="replace"))
        except so.timeout:
            pass
    finally:
        a.close()
        rx.close()
    why = "No host keys available (give -r FILE, or -R to create them)"
    assert p.returncode != 0
    assert why in err.decode(), err
    # <83>: LOG_AUTHPRIV (10) * 8 + LOG_ERR (3), then syslog(3)'s date and ident[pid]
    hits = [m for m in msgs if why in m]
    assert len(hits) == 1, msgs
    assert re.match(r"<83>" + STAMP + r" dropbear\[\d+\]: " + re.escape(why) + r"$",
                    hits[0]), hits


# ---- log formats and fail2ban

STAMP = r"[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d"


def fail2ban(tmp_path, name, lines):
    path = tmp_path / name
    path.write_text("".join(l + "\n" for l in lines))
    r = subprocess.run(["fail2ban-regex", str(path), FILTER], capture_output=True,
                       timeout=120)
    out = r.stdout.decode()
    m = re.search(r"Lines: \d+ lines, \d+ ignored, (\d+) matched", out)
    assert m, out + r.stderr.decode()
    return int(m.group(1)), out


def failures(s, client, user, need=("Bad password attempt", "nonexistent user")):
    """A wrong password and a nonexistent user against server s; waits for the lines."""
    client.run(s.port, user.name, password="wrong-pw", prefer="password")
    client.run(s.port, "nosuchuser%d" % os.getpid(), password="x", prefer="password")
    end = time.time() + 10
    while time.time() < end:
        log = s.log()
        if all(w in log for w in need):
            return log
        time.sleep(0.1)
    pytest.fail("no failure lines:\n" + s.log())


needs_f2b = pytest.mark.skipif(not (shutil.which("fail2ban-regex") and os.path.exists(FILTER)),
                               reason="fail2ban (and its dropbear filter) not installed")


@needs_users
@needs_f2b
def test_fail2ban_stderr_and_syslog_formats(tmp_path, hostkeys, client, user):
    """-E lines (dated, as syslog's) and the same lines as a syslog file shows them both
    match the stock filter: one line for the bad password, one for the unknown user -- as
    many as Dropbear 2026.94's lines do."""
    s = Server(tmp_path, [hostkeys["ed25519"].path]).start()
    try:
        log = failures(s, client, user)
    finally:
        s.stop()
    lines = [l for l in log.splitlines() if re.search(r"Bad password|nonexistent", l)]
    assert all(re.match(STAMP + r" dropbear\[\d+\]: ", l) for l in lines), lines
    n, out = fail2ban(tmp_path, "stderr.log", log.splitlines())
    assert n == 2, out
    # syslog (rsyslog's file format): the date, the host name, then ident[pid]: message
    host = socket.gethostname()
    syslog = [re.sub(r"^(" + STAMP + r") ", r"\1 %s " % host, l) for l in log.splitlines()
              if re.match(STAMP, l)]
    n, out = fail2ban(tmp_path, "syslog.log", syslog)
    assert n == 2, out
    if os.access(UPSTREAM, os.X_OK):
        d = tmp_path / "upstream"
        d.mkdir()
        u = Server(d, [hostkeys["ed25519"].path], binary=UPSTREAM).start()
        try:
            # (this build logs no line for the password: it counts 0 fails)
            ulog = failures(u, Client(d), user, need=("nonexistent user",))
        finally:
            u.stop()
        un, uout = fail2ban(tmp_path, "upstream.log", ulog.splitlines())
        assert n >= un, (out, uout)


@needs_users
@needs_f2b
def test_journal_format(tmp_path, hostkeys, client, user):
    """stderr that is the journal (JOURNAL_STREAM names it): lines carry only "<N>" (the
    priority journald reads) and the message -- no name, pid or date of our own, so
    journalctl shows one prefix -- and fail2ban matches them as journalctl prints them."""
    d = tmp_path / "j"
    d.mkdir()
    logp = d / "server.log"
    logp.write_bytes(b"")
    st = os.stat(str(logp))
    os.environ["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
    try:
        s = Server(d, [hostkeys["ed25519"].path])
        s.start()
    finally:
        del os.environ["JOURNAL_STREAM"]
    try:
        log = failures(s, client, user)
    finally:
        s.stop()
    lines = log.splitlines()
    assert lines and all(re.match(r"<[0-7]>", l) for l in lines), lines
    assert not any("dropbear[" in l or re.search(STAMP, l) for l in lines), lines
    # what `journalctl -o short` prints: date, host, SYSLOG_IDENTIFIER[_PID]: MESSAGE
    stamp = time.strftime("%b %d %H:%M:%S")
    host = socket.gethostname()
    shown = ["%s %s dropbear[%d]: %s" % (stamp, host, s.proc.pid, re.sub(r"^<\d>", "", l))
             for l in lines]
    n, out = fail2ban(tmp_path, "journal.log", shown)
    assert n == 2, out


JOURNALD = "/lib/systemd/systemd-journald"


@needs_users
@needs_f2b
@pytest.mark.skipif(not (os.access(JOURNALD, os.X_OK) and shutil.which("systemd-cat") and
                         shutil.which("journalctl") and shutil.which("nsenter")),
                    reason="systemd-journald, systemd-cat, journalctl or nsenter missing")
def test_journal_real(tmp_path, hostkeys, client, user, procs):
    """A real systemd-journald (in a private mount namespace over a tmpfs /run, so the
    machine's journal is untouched) takes the server's stderr as a journal stream, the way
    a unit's StandardError=journal does: JOURNAL_STREAM names that stream. journalctl then
    shows each line with one prefix (no date or name of ours inside the message), at the
    priority we logged, and fail2ban's stock filter matches the two failures."""
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    port = free_port()
    script = " ".join([
        "mount -t tmpfs -o mode=755 none /run && mkdir -p /run/systemd/journal &&",
        "{ [ ! -d /var/log/journal ] || mount -t tmpfs none /var/log/journal; } &&",
        "{ %s & } &&" % JOURNALD,
        "i=0; while [ ! -S /run/systemd/journal/stdout ] && [ $i -lt 200 ];",
        "do sleep 0.05; i=$((i+1)); done;",
        # systemd-cat connects stdout and stderr to journald's stream socket; JOURNAL_STREAM
        # is what systemd would set for such a service (device:inode of that socket)
        "exec systemd-cat -t dropbear sh -c",
        shlex.quote('JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec "$@"'), "sh",
        '"$@"'])
    logf = open(str(tmp_path / "outer.log"), "wb")
    p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                          BIN, "dropbear", "-F", "-E", "-p", "127.0.0.1:%d" % port,
                          "-r", hostkeys["ed25519"].path],
                         stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                         start_new_session=True)
    procs.append(p)
    assert wait_port(port), open(str(tmp_path / "outer.log")).read()

    def journal(fmt):
        r = subprocess.run(["nsenter", "-t", str(p.pid), "-m", "journalctl", "--no-pager",
                            "-o", fmt, "-t", "dropbear"], capture_output=True, timeout=30)
        return r.stdout.decode(errors="replace")
    client.run(port, user.name, password="wrong-pw", prefer="password")
    client.run(port, "nosuchuser%d" % os.getpid(), password="x", prefer="password")
    end = time.time() + 15
    while time.time() < end:
        shown = journal("short")
        if "Bad password attempt" in shown and "nonexistent user" in shown:
            break
        time.sleep(0.2)
    lines = shown.splitlines()
    assert any("Not backgrounding" in l for l in lines), shown
    fails = [l for l in lines if "Bad password attempt" in l or "nonexistent user" in l]
    assert len(fails) == 2, shown
    # one prefix: journalctl's "date host dropbear[pid]: ", then our message as we wrote it
    for l in lines:
        m = re.match(STAMP + r" \S+ dropbear\[\d+\]: (.*)$", l)
        assert m, l
        assert not re.search(STAMP + "|dropbear\\[|^<\\d>", m.group(1)), l
    # journald took the "<N>" prefix as the priority (a bad password is a warning)
    assert re.search(r'"PRIORITY"\s*:\s*"4".*Bad password|Bad password.*"PRIORITY"\s*:\s*"4"',
                     journal("json")), journal("json")
    n, out = fail2ban(tmp_path, "journal-real.log", lines)
    assert n == 2, out


# ---- sysvinit / OpenRC script

@needs_users
def test_sysvinit_script(tmp_path, sbin, client, user, ukey, procs):
    """contrib/sysvinit/dropbear start (options from /etc/default/dropbear, here in the
    private /etc), a login, status, stop: the daemon is gone and so is its pid file."""
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    script = os.path.join(CONTRIB, "sysvinit", "dropbear")
    port = free_port()
    pidfile = str(tmp_path / "dropbear.pid")
    (tmp_path / "etc-up").mkdir()
    (tmp_path / "etc-up" / "default").mkdir()
    (tmp_path / "etc-up" / "default" / "dropbear").write_text(
        'DROPBEAR_ARGS="-R -p 127.0.0.1:%d"\n' % port)
    env = dict(os.environ, DAEMON=sbin, PIDFILE=pidfile)
    root = private_root(tmp_path)
    # the overlay's upper directory already exists: private_root must not fail on it
    r = subprocess.run(root + ["sh", script, "start"], env=env, capture_output=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert wait_port(port) and wait_file(pidfile, "\n")
    pid = int(open(pidfile).read())
    try:
        user.authorize(ukey.pub)
        r = client.run(port, user.name, key=ukey, command="echo via-init")
        assert authed(r, "publickey") and "via-init" in r.stdout.decode(), r.out[-2000:]
        r = subprocess.run(["sh", script, "status"], env=env, capture_output=True, timeout=30)
        assert r.returncode == 0 and b"is running" in r.stdout
        r = subprocess.run(["sh", script, "stop"], env=env, capture_output=True, timeout=30)
        assert r.returncode == 0, r.stdout + r.stderr
        assert not os.path.exists(pidfile)
        r = subprocess.run(["sh", script, "status"], env=env, capture_output=True, timeout=30)
        assert r.returncode == 3
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# OpenRC is not installed here (its package conflicts with sysv-rc and would take over
# init): tests/deps.sh unpacks Debian's openrc, librc1 and libeinfo1 into this directory
# without installing them, and the test runs that real openrc-run in a private mount
# namespace (OpenRC's /usr/lib/rc and libraries overlaid, a tmpfs over /run with the state
# directories OpenRC makes at boot, an overlay over /etc).
OPENRC_ROOT = os.environ.get("OPENRC_ROOT", "/opt/dbtest-openrc")


def test_openrc_script_syntax():
    script = os.path.join(CONTRIB, "openrc", "dropbear")
    with open(script) as f:
        assert f.readline() == "#!/sbin/openrc-run\n"
    assert os.access(script, os.X_OK)
    r = subprocess.run(["sh", "-n", script], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr


@needs_users
def test_openrc_script(tmp_path, sbin, client, user, ukey, procs):
    """contrib/openrc/dropbear under OpenRC's own openrc-run: start (start_pre makes the
    host key in an empty /etc/dropbear with dropbearkey), a login whose host key is the one
    made, status, stop (daemon and pid file gone), status stopped. Dependencies (need net)
    are skipped with --nodeps: no net service exists in the private /etc/init.d."""
    openrc_run = os.path.join(OPENRC_ROOT, "sbin", "openrc-run")
    if not os.access(openrc_run, os.X_OK):
        pytest.skip("OpenRC not unpacked in %s (tests/deps.sh does it)" % OPENRC_ROOT)
    if not _can_overlay():
        pytest.skip("no mount namespaces here")
    port = free_port()
    etc = tmp_path / "etc-up"
    (etc / "init.d").mkdir(parents=True)
    (etc / "conf.d").mkdir()
    (tmp_path / "etc-work").mkdir()
    shutil.copy2(os.path.join(CONTRIB, "openrc", "dropbear"), str(etc / "init.d" / "dropbear"))
    keygen = str(tmp_path / "sbin" / "dropbearkey")
    os.symlink(BIN, keygen)
    (etc / "conf.d" / "dropbear").write_text(
        'DROPBEAR_BIN=%s\nDROPBEARKEY_BIN=%s\nDROPBEAR_KEYTYPES="ed25519"\n'
        'DROPBEAR_OPTS="-p 127.0.0.1:%d"\n' % (sbin, keygen, port))
    go, out = tmp_path / "go", tmp_path / "openrc.out"
    rc = "%s /etc/init.d/dropbear" % openrc_run
    script = " && ".join([
        "mount -t overlay overlay -o lowerdir=%s/lib:/usr/lib /usr/lib" % OPENRC_ROOT,
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=%s,workdir=%s /etc"
        % (etc, tmp_path / "etc-work"),
        "mkdir -p /etc/dropbear", "mount -t tmpfs -o mode=0755 none /etc/dropbear",
        "mount -t tmpfs none /run",
        "for d in starting started stopping inactive wasinactive exclusive scheduled "
        "failed daemons options tmp; do mkdir -p /run/openrc/$d; done",
        "touch /run/openrc/softlevel"]) + "; " + "; ".join([
        "%s --nodeps start; echo start=$?" % rc,
        # the key before pid=: the test reads everything once pid= is there
        "cat /etc/dropbear/dropbear_ed25519_host_key.pub",
        "echo pid=$(cat /run/dropbear.pid)",
        # the login happens outside; then status and stop inside the namespace
        "i=0; while [ ! -e %s ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done" % go,
        "%s status; echo status=$?" % rc,
        "%s --nodeps stop; echo stop=$?" % rc,
        "ls /run/dropbear.pid 2>/dev/null; echo pidfile-listed",
        "%s status; echo status2=$?" % rc])
    p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c", script],
                         stdout=open(str(out), "wb"), stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)
    procs.append(p)
    try:
        assert wait_file(str(out), "pid="), out.read_text()
        assert wait_port(port), out.read_text()
        text = out.read_text()
        assert "start=0" in text, text
        pid = int(re.search(r"pid=(\d+)", text).group(1))
        made = re.search(r"^(ssh-ed25519 \S+)", text, re.M)
        assert made and "Creating the ed25519 host key" in text, text
        user.authorize(ukey.pub)
        r = client.run(port, user.name, key=ukey, command="echo via-openrc")
        assert authed(r, "publickey") and "via-openrc" in r.stdout.decode(), r.out[-2000:]
        # the host key the client recorded is the one start_pre made
        with open(client.known_hosts) as f:
            assert made.group(1) in f.read()
    finally:
        go.write_text("")
    p.wait(timeout=60)
    text = out.read_text()
    assert "status=0" in text and "stop=0" in text and "status2=3" in text, text
    assert "/run/dropbear.pid" not in text.split("stop=0", 1)[1].split("pidfile-listed")[0]
    assert not os.path.exists("/proc/%d" % pid) or \
        open("/proc/%d/stat" % pid).read().split()[2] == "Z", text
