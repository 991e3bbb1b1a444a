"""A hostile peer's probes that once broke the server: each now ends only the offending
connection with a DISCONNECT and one log line, or is refused as OpenSSH refuses it.

Every test uses a throwaway user (home under /tmp) and servers on 127.0.0.1 killed at
teardown; paramiko is Debian's, driven below its public API where a probe must send what
no real client sends.
"""
import logging
import socket

import paramiko
import pytest

from conftest import option, run
from users import can_create_users, throwaway_user

pytestmark = pytest.mark.skipif(not can_create_users(), reason="needs root and useradd")

MSG_CHANNEL_OPEN = 90


@pytest.fixture(scope="module")
def ukey(tmp_path_factory):
    p = str(tmp_path_factory.mktemp("probekeys") / "id")
    r = run(["ssh-keygen", "-q", "-N", "", "-C", "", "-t", "ed25519", "-f", p])
    assert r.returncode == 0, r.stderr
    with open(p + ".pub") as f:
        return p, " ".join(f.read().split()[:2])


@pytest.fixture
def user(ukey):
    with throwaway_user(password="Secret-pw-1") as u:
        u.authorize(ukey[1])
        yield u


@pytest.fixture
def start(server_factory, hostkeys):
    def make(*extra):
        return server_factory([hostkeys["ed25519"].path], extra=list(extra))
    return make


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _logged_in(port, user, ukey):
    t = paramiko.Transport(("127.0.0.1", port))
    t.start_client(timeout=10)
    t.auth_publickey(user.name, paramiko.Ed25519Key.from_private_key_file(ukey[0]))
    assert t.is_authenticated()
    return t


def _wait_closed(t, seconds=10.0):
    t.join(seconds)
    return not t.is_alive()


@pytest.mark.parametrize("chtype", ["session", "direct-tcpip"])
def test_channel_open_with_trailing_byte(start, user, ukey, chtype):
    """CHANNEL_OPEN with one byte more than its type defines: the connection ends with a
    DISCONNECT and one log line naming the protocol error (it used to die of SIGSEGV in
    the session type's cleanup, with neither). The daemon and the next login go on."""
    s = start()
    mark = s.mark()
    cap = _Capture()
    tlog = logging.getLogger("paramiko.transport")
    tlog.addHandler(cap)
    old = tlog.level
    tlog.setLevel(logging.INFO)
    try:
        t = _logged_in(s.port, user, ukey)
        m = paramiko.Message()
        m.add_byte(bytes([MSG_CHANNEL_OPEN]))
        m.add_string(chtype)
        m.add_int(0)
        m.add_int(65536)
        m.add_int(32768)
        if chtype == "direct-tcpip":
            m.add_string("127.0.0.1")
            m.add_int(9)
            m.add_string("127.0.0.1")
            m.add_int(12345)
        m.add_byte(b"\x00")
        t._send_user_message(m)
        assert _wait_closed(t), "connection still open after a malformed CHANNEL_OPEN"
        t.close()
    finally:
        tlog.removeHandler(cap)
        tlog.setLevel(old)
    assert any(line.startswith("Disconnect (code 2)") for line in cap.lines), cap.lines
    assert s.wait_log(r"Exit \(%s\) from <[^>]*>: bad message 90: unexpected trailing data"
                      % user.name, mark), s.log_since(mark)
    since = s.log_since(mark)
    assert since.count("Exit (") == 1 and "signal" not in since.lower(), since
    assert s.alive()
    t2 = _logged_in(s.port, user, ukey)
    t2.close()
