"""dbclient -D and DynamicForward (issue #15, item 4): a SOCKS4 / SOCKS4a / SOCKS5 server
whose connections go out as direct-tcpip channels.

curl (--socks4, --socks4a, --socks5, --socks5-hostname) through `dbclient -D` reaches a
loopback HTTP server this test starts (Python's http.server on 127.0.0.1 and ::1) and
fetches a file whose SHA-256 is checked: through our own server and through OpenSSH's
sshd. Hostile SOCKS clients (not SOCKS at all, an unsupported method or command, an
oversized user id, silence) get the refusal their version has and only their own
connection is closed: dbclient goes on serving the next client. Every wait is bounded;
processes are killed by PID.
"""
import functools
import hashlib
import http.server
import os
import shutil
import socket
import subprocess
import threading

import pytest

from conftest import free_port
from fwdhelpers import env, listening, wait_for  # noqa: F401
from test_forward_client import ClientRig
from users import can_create_users

pytestmark = [
    pytest.mark.skipif(not can_create_users(), reason="needs root (throwaway users)"),
    pytest.mark.skipif(not shutil.which("curl"), reason="needs curl (tests/deps.sh)"),
]

BODY = os.urandom(300 * 1024)
DIGEST = hashlib.sha256(BODY).hexdigest()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """HTTP servers on 127.0.0.1 and ::1 serving BODY as /f."""
    d = tmp_path_factory.mktemp("web")
    with open(os.path.join(str(d), "f"), "wb") as f:
        f.write(BODY)
    handler = functools.partial(Quiet, directory=str(d))
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)]
    try:
        servers.append(V6Server(("::1", 0), handler))
    except OSError:
        pass
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    yield {"v4": servers[0].server_address[1],
           "v6": servers[1].server_address[1] if len(servers) > 1 else None}
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture
def crig(env, tmp_path):
    r = ClientRig(env, tmp_path)
    yield r
    r.close()


def socks_client(crig, server, opts=()):
    """dbclient -N -D PORT in the background; returns (proc, port) once it listens."""
    port = free_port()
    p = crig.bg(["-v", "-D", str(port)] + list(opts), crig.dest(server))
    # dbclient's own word that it listens: another program may hold the port on ::1
    assert p.wait_log(r"-D: SOCKS on port %d" % port, timeout=20), p.log()[-3000:]
    assert "127.0.0.1" in listening(port), p.log()[-3000:]
    return p, port


def curl(proxy_flag, port, url, timeout=60):
    r = subprocess.run(["curl", "-sS", "--noproxy", "", "--max-time", "30", proxy_flag,
                        "127.0.0.1:%d" % port, "-o", "-", url],
                       capture_output=True, timeout=timeout,
                       env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()})
    return r.returncode, hashlib.sha256(r.stdout).hexdigest(), r.stderr.decode("utf-8", "replace")


MODES = [("--socks4", "127.0.0.1"), ("--socks4a", "localhost"), ("--socks5", "127.0.0.1"),
         ("--socks5-hostname", "localhost")]


@pytest.mark.parametrize("flag,host", MODES, ids=[m[0].strip("-") for m in MODES])
def test_curl_through_our_server(crig, web, flag, host):
    p, port = socks_client(crig, crig.dropbear())
    rc, digest, err = curl(flag, port, "http://%s:%d/f" % (host, web["v4"]))
    assert rc == 0 and digest == DIGEST, (err, p.log()[-3000:])


@pytest.mark.parametrize("flag,host", [MODES[1], MODES[3]], ids=["socks4a", "socks5-hostname"])
def test_curl_through_openssh(crig, web, flag, host):
    p, port = socks_client(crig, crig.sshd())
    rc, digest, err = curl(flag, port, "http://%s:%d/f" % (host, web["v4"]))
    assert rc == 0 and digest == DIGEST, (err, p.log()[-3000:])


def test_socks5_ipv6(crig, web):
    if not web["v6"]:
        pytest.skip("no ::1")
    p, port = socks_client(crig, crig.dropbear())
    # --socks5 (not -hostname): curl sends the IPv6 address itself (ATYP 4)
    rc, digest, err = curl("--socks5", port, "http://[::1]:%d/f" % web["v6"])
    assert rc == 0 and digest == DIGEST, (err, p.log()[-3000:])


def test_dynamicforward_config(crig, web, tmp_path):
    port = free_port()
    cfg = os.path.join(str(tmp_path), "config")
    with open(cfg, "w") as f:
        f.write("Host *\n  DynamicForward 127.0.0.1:%d\n" % port)
    s = crig.dropbear()
    p = crig.bg(["-F", cfg], crig.dest(s))
    assert wait_for(lambda: listening(port) or p.proc.poll() is not None, timeout=20)
    assert listening(port) == ["127.0.0.1"], p.log()[-3000:]
    rc, digest, err = curl("--socks5-hostname", port, "http://localhost:%d/f" % web["v4"])
    assert rc == 0 and digest == DIGEST, (err, p.log()[-3000:])


def raw(port, data, timeout=10):
    """Sends data to the SOCKS port and returns what comes back until close."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        try:
            while True:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except ConnectionResetError:
            pass
    return got


def test_hostile_clients(crig, web):
    p, port = socks_client(crig, crig.dropbear())
    assert raw(port, b"GET / HTTP/1.0\r\n\r\n") == b""
    assert raw(port, b"\x05\x01\x02") == b"\x05\xff"                 # username/password only
    assert raw(port, b"\x05\x00") == b"\x05\xff"                     # no methods at all
    udp = b"\x05\x01\x00" + b"\x05\x03\x00\x01\x7f\x00\x00\x01\x00\x35"
    got = raw(port, udp)
    assert got[:2] == b"\x05\x00" and got[2:4] == b"\x05\x07", got   # command not supported
    atyp = b"\x05\x01\x00" + b"\x05\x01\x00\x09\x7f\x00\x00\x01\x00\x35"
    assert raw(port, atyp)[2:4] == b"\x05\x08"                       # address type
    assert raw(port, b"\x04\x02\x00\x50\x7f\x00\x00\x01\x00")[:2] == b"\x00\x5b"   # BIND
    assert raw(port, b"\x04\x01\x00\x50\x7f\x00\x00\x01" + b"u" * 2000)[:2] == b"\x00\x5b"
    assert raw(port, b"\x04\x01\x00\x00\x00\x00\x00\x01\x00" + b"a" * 10 + b"\x00")[:2] == b"\x00\x5b"
    # a name with a control character, through SOCKS5
    bad = b"\x05\x01\x00" + b"\x05\x01\x00\x03\x03a\nb\x00\x50"
    assert raw(port, bad)[2:4] == b"\x05\x01"
    # a closed port on the far side: the channel is refused, so is the SOCKS request
    dead = free_port()
    req = b"\x05\x01\x00" + b"\x05\x01\x00\x01\x7f\x00\x00\x01" + dead.to_bytes(2, "big")
    assert raw(port, req, timeout=20)[2:4] == b"\x05\x05"
    # a client that says nothing holds only its own connection: others go on
    idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(10)]
    try:
        rc, digest, err = curl("--socks5-hostname", port, "http://localhost:%d/f" % web["v4"])
    finally:
        for s in idle:
            s.close()
    assert rc == 0 and digest == DIGEST, (err, p.log()[-3000:])
    assert p.proc.poll() is None
    log = p.log()
    assert "SOCKS connection from 127.0.0.1" in log and "bad SOCKS request" in log, log
    assert "AddressSanitizer" not in log


def test_bad_dynamic_spec(crig):
    r = crig.run(["-D", "notaport"], "nobody@127.0.0.1/1", timeout=30)
    assert r.returncode == 255 and "bad -D" in r.err, r.err


def test_no_fd_growth_after_100_socks_connections(crig, web):
    """Good, refused and abandoned SOCKS connections all give back what they held."""
    p, port = socks_client(crig, crig.dropbear())
    pid = p.proc.pid

    def fds():
        return len(os.listdir("/proc/%d/fd" % pid))

    def fetch():
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.sendall(b"\x04\x01" + web["v4"].to_bytes(2, "big") + b"\x7f\x00\x00\x01\x00")
        assert s.recv(8)[:2] == b"\x00\x5a"
        s.sendall(b"GET /f HTTP/1.0\r\n\r\n")
        got = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
        s.close()
        return got.endswith(BODY)

    assert fetch()
    base = fds()
    for i in range(100):
        if i % 4 == 0:
            assert fetch()
        elif i % 4 == 1:
            assert raw(port, b"\x05\x01\x00\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50")[2:4] \
                == b"\x05\x07"
        elif i % 4 == 2:
            s = socket.create_connection(("127.0.0.1", port), timeout=20)
            s.sendall(b"\x05\x01")  # half a greeting, then gone
            s.close()
        else:
            assert raw(port, b"\x16\x03\x01") == b""
    assert wait_for(lambda: fds() <= base, timeout=10), (fds(), base)
    assert p.proc.poll() is None
