#!/usr/bin/python3
"""Seeds for the whole-connection fuzz targets (fuzz_server, fuzz_server_conn), from real
clients: OpenSSH 10 (/work/shared/peers/openssh-10), Debian's OpenSSH and paramiko.

A throwaway fake server on 127.0.0.1 sends its identification and a KEXINIT naming one
key exchange method; the real client answers with its identification, its KEXINIT and
its public value for that method (all in the clear, before any NEWKEYS), which is
recorded. A seed is that recording followed by what the client would send next, in the
clear as the -DDB_FUZZ build reads it after NEWKEYS: NEWKEYS, the ssh-userauth service
request and one kind of authentication (fuzz_server), or, for fuzz_server_conn, channel
messages of every type and request as an authenticated client sends them.

    /usr/bin/python3 tests/fuzz/gen_corpus.py      # rewrites tests/fuzz/corpus/fuzz_server*
"""
import os
import socket
import struct
import subprocess
import sys
import threading

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
OSSH10 = "/work/shared/peers/openssh-10/bin/ssh"
FUZZ_KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIPZ7wvBbymIR7yFTqG9YcD4ITR5Jnp189VZov7clDhH+"

# ---- SSH wire encoding


def u32(n):
    return struct.pack(">I", n)


def string(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def boolean(v):
    return b"\x01" if v else b"\x00"


def packet(payload):
    """A binary packet in the clear (RFC 4253 6): block size 8, at least 4 padding."""
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return u32(len(payload) + 1 + pad) + bytes([pad]) + payload + b"\x00" * pad


def kexinit(kex, hostkey="ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-256,rsa-sha2-512,ssh-rsa"):
    lists = [kex, hostkey, "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256",
             "none", "none", "", ""]
    return b"\x14" + b"\x11" * 16 + b"".join(string(x) for x in lists) + b"\x00" + u32(0)


# ---- recording a real client's first packets


def read_packets(conn, want):
    """The client's identification line and its first `want` packets, as raw bytes."""
    data = b""
    conn.settimeout(10)
    while b"\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
    end = data.index(b"\n") + 1
    off = end
    for _ in range(want):
        while len(data) < off + 4:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        n = struct.unpack(">I", data[off:off + 4])[0]
        while len(data) < off + 4 + n:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        off += 4 + n
    return data[:off]


def record(client, kex):
    """What `client` ("openssh10", "openssh", "paramiko") sends up to its kex message."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    port = ls.getsockname()[1]
    result = {}

    def serve():
        ls.settimeout(20)
        try:
            conn, _ = ls.accept()
        except OSError:
            return
        with conn:
            conn.sendall(b"SSH-2.0-FakeServer_1.0\r\n" + packet(kexinit(kex)))
            try:
                result["data"] = read_packets(conn, 2)
            except OSError:
                pass

    t = threading.Thread(target=serve)
    t.start()
    try:
        if client.startswith("openssh"):
            exe = OSSH10 if client == "openssh10" else "/usr/bin/ssh"
            subprocess.run([exe, "-F", "/dev/null", "-o", "KexAlgorithms=" + kex,
                            "-o", "StrictHostKeyChecking=no",
                            "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                            "-o", "ConnectTimeout=10", "-p", str(port), "root@127.0.0.1",
                            "true"], capture_output=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        else:
            import paramiko
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            tr = paramiko.Transport(s)
            try:
                tr.get_security_options().kex = (kex,)
            except ValueError:  # a method paramiko does not have
                s.close()
                return None
            try:
                tr.start_client(timeout=10)
            except Exception:
                pass
            tr.close()
    finally:
        t.join(30)
        ls.close()
    return result.get("data")


# ---- what follows the key exchange


def msg(n, *fields):
    return bytes([n]) + b"".join(fields)


NEWKEYS = msg(21)
SERVICE = msg(5, string("ssh-userauth"))


def userauth(user, method, *fields):
    return msg(50, string(user), string("ssh-connection"), string(method), *fields)


def fuzz_key_blob():
    import base64
    return base64.b64decode(FUZZ_KEY_B64)


def auth_variants():
    blob = fuzz_key_blob()
    bogus_sig = string(string("ssh-ed25519") + string(b"\x01" * 64))
    return {
        "none": [userauth("root", "none")],
        "password": [userauth("root", "password", boolean(False), string("hunter2")),
                     userauth("root", "password", boolean(True), string("old"),
                              string("new"))],
        "pk_query": [userauth("root", "publickey", boolean(False), string("ssh-ed25519"),
                              string(blob))],
        "pk_signed": [userauth("root", "publickey", boolean(True), string("ssh-ed25519"),
                               string(blob), bogus_sig)],
        "kbdint": [userauth("root", "keyboard-interactive", string(""), string("")),
                   msg(61, u32(1), string("hunter2"))],
        "nouser": [userauth("nosuchuser", "password", boolean(False), string("x")),
                   userauth("nosuchuser", "publickey", boolean(False),
                            string("ssh-ed25519"), string(blob))],
        "misc": [msg(2, string("ignored")), msg(4, boolean(True), string("dbg"), string("")),
                 msg(3, u32(7)), msg(7, u32(1), string("server-sig-algs"),
                                      string("ssh-ed25519")),
                 userauth("root", "hostbased", string("x")), msg(99, b"unknown")],
    }


def channel_variants():
    """Connection-layer messages of an authenticated client (RFC 4254): every channel
    type and every request, on channel 0 (and 1), with data, EOF and CLOSE."""
    def open_(typ, chan, *extra):
        return msg(90, string(typ), u32(chan), u32(2 * 1024 * 1024), u32(32768), *extra)

    def req(chan, name, reply, *fields):
        return msg(98, u32(chan), string(name), boolean(reply), *fields)

    pty = req(0, "pty-req", True, string("xterm"), u32(80), u32(24), u32(640), u32(480),
              string(bytes([1, 0, 0, 0, 3, 53, 0, 0, 0, 1, 0])))
    close = [msg(96, u32(0)), msg(97, u32(0))]
    return {
        "shell": [open_("session", 0), pty, req(0, "env", False, string("LANG"),
                                                  string("C")),
                  req(0, "shell", True), msg(94, u32(0), string("ls\n")),
                  req(0, "window-change", False, u32(100), u32(40), u32(0), u32(0)),
                  req(0, "signal", False, string("INT")), msg(93, u32(0), u32(4096))] + close,
        "exec": [open_("session", 0), req(0, "exec", True, string("echo hi")),
                 msg(95, u32(0), u32(1), string("err"))] + close,
        "subsystem": [open_("session", 0), req(0, "subsystem", True, string("sftp")),
                      msg(94, u32(0), string(u32(5) + b"\x01" + u32(3)))] + close,
        "agent": [open_("session", 0), req(0, "auth-agent-req@openssh.com", True),
                  req(0, "x11-req", True, boolean(False), string("MIT-MAGIC-COOKIE-1"),
                      string("00" * 16), u32(0)),
                  req(0, "exit-status", False, u32(0)),
                  req(0, "break", True, u32(100))] + close,
        "direct_tcpip": [open_("direct-tcpip", 0, string("127.0.0.1"), u32(22),
                               string("127.0.0.1"), u32(5555)),
                         msg(94, u32(0), string("GET / HTTP/1.0\r\n\r\n"))] + close,
        "streamlocal": [open_("direct-streamlocal@openssh.com", 0, string("/tmp/sock"),
                              string(""), u32(0))] + close,
        "forwards": [msg(80, string("tcpip-forward"), boolean(True), string("127.0.0.1"),
                         u32(0)),
                     msg(80, string("cancel-tcpip-forward"), boolean(True),
                         string("127.0.0.1"), u32(8022)),
                     msg(80, string("streamlocal-forward@openssh.com"), boolean(True),
                         string("/tmp/fwd.sock")),
                     msg(80, string("keepalive@openssh.com"), boolean(True)),
                     msg(80, string("no-more-sessions@openssh.com"), boolean(False)),
                     open_("forwarded-tcpip", 1, string("127.0.0.1"), u32(80),
                           string("1.2.3.4"), u32(1)),
                     open_("auth-agent@openssh.com", 2), open_("x11", 3, string("1.2.3.4"),
                                                              u32(6000))],
        "two": [open_("session", 0), open_("session", 1), req(1, "exec", True,
                                                              string("true")),
                msg(93, u32(1), u32(100)), msg(96, u32(1)), msg(97, u32(1)),
                msg(97, u32(0)), msg(97, u32(0))],
    }


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    kexes = ["curve25519-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
             "ecdh-sha2-nistp521", "curve25519-sha256@libssh.org", "diffie-hellman-group14-sha256",
             "diffie-hellman-group16-sha512", "diffie-hellman-group14-sha1",
             "mlkem768x25519-sha256", "sntrup761x25519-sha512@openssh.com"]
    recordings = {}
    for client in ("openssh10", "openssh", "paramiko"):
        for kex in kexes:
            data = record(client, kex)
            if data:
                recordings[(client, kex)] = data
                print("recorded %s %s: %d bytes" % (client, kex, len(data)))
            else:
                print("no recording for %s %s" % (client, kex), file=sys.stderr)
    if not recordings:
        sys.exit("no client could be recorded")
    auth = auth_variants()
    post = [NEWKEYS, SERVICE]
    # fuzz_server: each method once (OpenSSH 10's recording), each auth kind with every
    # client's curve25519 recording.
    for (client, kex), data in sorted(recordings.items()):
        if client == "openssh10":
            kinds = list(auth) if kex == "curve25519-sha256" else ["pk_query"]
        elif kex.startswith("curve25519"):
            kinds = ["password", "pk_query"]
        else:
            continue
        for k in kinds:
            body = b"".join(packet(m) for m in post + auth[k])
            write("fuzz_server", "%s_%s_%s" % (client, kex.replace("@", "_"), k), data + body)
    # fuzz_server_conn: the connection layer only (the harness starts authenticated and
    # after the key exchange): a list of clear packets.
    # The first byte picks the authorized_keys restrictions (see fuzz_server_conn.c).
    for name, msgs in channel_variants().items():
        body = b"".join(packet(m) for m in msgs)
        write("fuzz_server_conn", name, b"\x00" + body)
        if name in ("shell", "direct_tcpip", "forwards"):
            write("fuzz_server_conn", name + "_restricted", b"\x7f" + body)


if __name__ == "__main__":
    main()
