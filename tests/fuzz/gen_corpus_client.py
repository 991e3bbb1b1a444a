#!/usr/bin/python3
"""Seeds for fuzz_client (tests/fuzz/corpus/fuzz_client): what servers send to dbclient.

Two kinds, told apart by the first byte (the option bits of fuzz_client.c):

* raw (bit 0 set): the whole byte stream of a real server, OpenSSH 10.5's sshd
  (/work/shared/peers/openssh-10), Debian's sshd and paramiko's server, recorded up to its
  NEWKEYS. The
  recording client sends exactly what fuzz_client's client sends (its identification,
  KEXINIT and X25519 value do not change from run to run under -DDB_FUZZ; the harness
  prints them with FUZZ_CLIENT_PREFIX=1), so the real server's signature over the exchange
  hash verifies in the harness too. After it come, in the clear as the -DDB_FUZZ build
  reads them, the messages of a session (below). A banner line before the identification
  is in one of them.
* after the fixed key exchange (bit 0 clear): the harness puts its own valid key
  exchange in front; the seed is everything a server says after NEWKEYS, in the order and
  form OpenSSH's sshd sends it: EXT_INFO (server-sig-algs), SERVICE_ACCEPT, a banner,
  USERAUTH_FAILURE, PK_OK, keyboard-interactive INFO_REQUESTs, a password change request,
  USERAUTH_SUCCESS, hostkeys-00@openssh.com, the session's open confirmation, request
  replies, data, extended data, exit-status or exit-signal, EOF and CLOSE; channels a
  server opens (forwarded-tcpip for -R, x11, auth-agent@openssh.com) and a rekey.

    make build/fuzz/fuzz_client && /usr/bin/python3 tests/fuzz/gen_corpus_client.py
"""
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "fuzz_client")
TARGET = os.path.join(ROOT, "build", "fuzz", "fuzz_client")
OSSH10 = "/work/shared/peers/openssh-10"


def u32(n):
    return struct.pack(">I", n)


def string(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def boolean(v):
    return b"\x01" if v else b"\x00"


def packet(payload):
    pad = 8 - (len(payload) + 5) % 8
    if pad < 4:
        pad += 8
    return u32(len(payload) + 1 + pad) + bytes([pad]) + payload + b"\x00" * pad


def msg(n, *fields):
    return packet(bytes([n]) + b"".join(fields))


# ---- what a server says after NEWKEYS (OpenSSH's order and forms)

ED25519_BLOB = bytes.fromhex("0000000b7373682d65643235353139"
                             "00000020" + "f67bc2f05bca6211ef2153a86f58703e"
                             "084c791e9e9d7cf55668bfb7250e11fe")
SIG_ALGS = ("ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
            "ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256")
METHODS = "publickey,password,keyboard-interactive"
OUR_CHAN = 0      # the client's first channel id
SRV_CHAN = 0


def ext_info():
    return msg(7, u32(2), string("server-sig-algs"), string(SIG_ALGS),
               string("publickey-hostbound@openssh.com"), string("0"))


def service_accept():
    return msg(6, string("ssh-userauth"))


def failure(methods=METHODS, partial=False):
    return msg(51, string(methods), boolean(partial))


def success():
    return msg(52)


def banner(text="Authorized uses only. All activity may be monitored.\r\n"):
    return msg(53, string(text), string(""))


def pk_ok():
    return msg(60, string("ssh-ed25519"), string(ED25519_BLOB))


def info_request(prompts, name="", instruction=""):
    body = string(name) + string(instruction) + string("") + u32(len(prompts))
    for text, echo in prompts:
        body += string(text) + boolean(echo)
    return msg(60, body)


def passwd_changereq():
    return msg(60, string("Your password has expired. Enter a new one."), string(""))


def hostkeys():
    return msg(80, string("hostkeys-00@openssh.com"), boolean(False), string(ED25519_BLOB))


def keepalive():
    return msg(80, string("keepalive@openssh.com"), boolean(True))


def open_confirm(ours=OUR_CHAN, theirs=SRV_CHAN, window=2097152, maxpkt=32768):
    return msg(91, u32(ours), u32(theirs), u32(window), u32(maxpkt))


def open_failure(ours=OUR_CHAN, reason=1, text="administratively prohibited"):
    return msg(92, u32(ours), u32(reason), string(text), string(""))


def chan_success(ours=OUR_CHAN):
    return msg(99, u32(ours))


def chan_failure(ours=OUR_CHAN):
    return msg(100, u32(ours))


def window_adjust(ours=OUR_CHAN, n=65536):
    return msg(93, u32(ours), u32(n))


def data(payload, ours=OUR_CHAN):
    return msg(94, u32(ours), string(payload))


def ext_data(payload, ours=OUR_CHAN):
    return msg(95, u32(ours), u32(1), string(payload))


def exit_status(code, ours=OUR_CHAN):
    return msg(98, u32(ours), string("exit-status"), boolean(False), u32(code))


def exit_signal(sig="TERM", core=False, text="killed", ours=OUR_CHAN):
    return msg(98, u32(ours), string("exit-signal"), boolean(False), string(sig),
               boolean(core), string(text), string(""))


def eof(ours=OUR_CHAN):
    return msg(96, u32(ours))


def close(ours=OUR_CHAN):
    return msg(97, u32(ours))


def chan_open(kind, sender, extra=b"", window=2097152, maxpkt=32768):
    return msg(90, string(kind), u32(sender), u32(window), u32(maxpkt), extra)


def kexinit_again():
    lists = ["curve25519-sha256,ext-info-s,kex-strict-s-v00@openssh.com", "ssh-ed25519",
             "aes128-ctr", "aes128-ctr", "hmac-sha2-256", "hmac-sha2-256", "none", "none",
             "", ""]
    return msg(20, b"\x22" * 16, b"".join(string(x) for x in lists), b"\x00", u32(0))


def kex_reply_garbage():
    return msg(31, string(ED25519_BLOB), string(b"\x09" + b"\x00" * 31),
               string(string("ssh-ed25519") + string(b"\x00" * 64)))


def login(flags_pubkey=False):
    """EXT_INFO .. USERAUTH_SUCCESS as OpenSSH's sshd answers a publickey login."""
    out = ext_info() + service_accept() + failure()
    if flags_pubkey:
        out += pk_ok()
    return out + success()


def session_end(code=0):
    return (window_adjust() + chan_success() + data(b"hello\n") + ext_data(b"warning\n") +
            exit_status(code) + eof() + close())


def seeds_after_kex():
    """(name, option byte, messages) for inputs after the harness's key exchange."""
    s = []
    # exec "true", pubkey login, hostkeys, a whole session
    s.append(("exec_pubkey", 0x00, login() + hostkeys() + open_confirm() + session_end(0)))
    s.append(("exec_exit_signal", 0x00, login() + open_confirm() + chan_success() +
              data(b"x" * 100) + exit_signal("SEGV", True, "core dumped") + eof() + close()))
    s.append(("exec_open_failure", 0x00, login() + open_failure()))
    # banner, password (the key refused), partial success
    s.append(("password_banner", 0x00, ext_info() + service_accept() + banner() +
              failure() + failure() + failure("password,keyboard-interactive") +
              success() + open_confirm() + session_end(3)))
    s.append(("password_change", 0x00, ext_info() + service_accept() + failure() +
              failure("password") + passwd_changereq() + failure("password")))
    s.append(("partial_success", 0x00, ext_info() + service_accept() + failure() +
              failure("password", True) + success() + open_confirm() + session_end(0)))
    # keyboard-interactive: one prompt, two, none (the last round), then success
    s.append(("kbdint", 0x00, ext_info() + service_accept() + failure("keyboard-interactive") +
              info_request([("Password: ", False)], "", "") +
              info_request([("Verification code: ", True), ("PIN: ", False)], "2FA",
                           "Enter both.") +
              info_request([]) + success() + open_confirm() + session_end(0)))
    s.append(("kbdint_failure", 0x80, ext_info() + service_accept() +
              failure("keyboard-interactive") + info_request([("Password: ", False)]) +
              failure("keyboard-interactive")))
    # a shell with a pty: pty-req, shell replies, keepalive, window changes
    s.append(("shell_pty", 0x04, login() + hostkeys() + keepalive() + open_confirm() +
              chan_success() + data(b"$ ") + window_adjust() +
              data(b"\x1b[1mbold\x1b[0m\r\n") + exit_status(0) + eof() + close()))
    # subsystem sftp
    s.append(("subsystem", 0x08, login() + open_confirm() + chan_success() +
              data(u32(5) + b"\x02" + u32(3)) + eof() + close()))
    # -N with -R: tcpip-forward reply (port), forwarded-tcpip opens
    s.append(("remote_fwd", 0x4c, login() + msg(81) +
              chan_open("forwarded-tcpip", 5, string("127.0.0.1") + u32(8022) +
                        string("127.0.0.1") + u32(40000)) +
              data(b"GET / HTTP/1.0\r\n\r\n", 0) + eof(0) + close(0)))
    s.append(("remote_fwd_port0", 0x4c, login() + msg(81, u32(41234)) +
              chan_open("forwarded-tcpip", 7, string("") + u32(41234) +
                        string("::1") + u32(1))))
    s.append(("remote_fwd_refused", 0x4c, login() + msg(82) +
              chan_open("forwarded-tcpip", 1, string("127.0.0.1") + u32(9999) +
                        string("127.0.0.1") + u32(1))))
    # -A: auth-agent-req reply, the server opens an agent channel
    s.append(("agent", 0x10, login() + open_confirm() + chan_success() +
              chan_open("auth-agent@openssh.com", 3) + data(u32(1) + b"\x0b", 1) +
              exit_status(0) + eof() + close()))
    s.append(("agent_not_requested", 0x00, login() + open_confirm() +
              chan_open("auth-agent@openssh.com", 3) + session_end(0)))
    # -X: x11-req reply, an x11 channel with the X11 setup using the fake cookie
    x11_setup = b"l\x00\x0b\x00\x00\x00" + struct.pack("<HH", 18, 16) + b"\x00\x00" + \
        b"MIT-MAGIC-COOKIE-1\x00\x00" + b"\x00" * 16
    s.append(("x11", 0x20, login() + open_confirm() + chan_success() + chan_success() +
              chan_open("x11", 9, string("127.0.0.1") + u32(43210)) +
              data(x11_setup, 1) + exit_status(0) + eof() + close()))
    s.append(("x11_failed", 0x20, login() + open_confirm() + chan_failure() + chan_success() +
              chan_open("x11", 9, string("127.0.0.1") + u32(43210)) + session_end(0)))
    # everything at once
    s.append(("all_options", 0x74, login() + hostkeys() + msg(81) + open_confirm() +
              chan_success() + chan_open("auth-agent@openssh.com", 3) +
              chan_open("x11", 9, string("127.0.0.1") + u32(1)) +
              chan_open("forwarded-tcpip", 5, string("127.0.0.1") + u32(8022) +
                        string("127.0.0.1") + u32(40000)) +
              msg(80, string("no-more-sessions@openssh.com"), boolean(False)) +
              session_end(0)))
    # a rekey by the server after login (its reply cannot be signed by the fuzzer)
    s.append(("rekey", 0x00, login() + open_confirm() + kexinit_again() +
              kex_reply_garbage()))
    s.append(("disconnect", 0x00, ext_info() + service_accept() +
              msg(1, u32(2), string("Too many authentication failures"), string(""))))
    s.append(("ignore_debug_unimplemented", 0x00, msg(2, string("x")) +
              msg(4, boolean(True), string("debug message"), string("")) + msg(3, u32(2)) +
              login() + open_confirm() + session_end(0)))
    return s


# ---- the raw seeds: a real sshd's key exchange with fuzz_client's client

def target_hello():
    """The harness's prefix and its client's first bytes."""
    with tempfile.NamedTemporaryFile() as f:
        f.write(b"\x00")
        f.flush()
        env = dict(os.environ, FUZZ_CLIENT_PREFIX="1")
        r = subprocess.run([TARGET, f.name], env=env, capture_output=True, timeout=60)
    lines = r.stdout.decode().split()
    if r.returncode != 0 or len(lines) < 2:
        sys.exit("fuzz_client FUZZ_CLIENT_PREFIX=1 failed: " + r.stderr.decode()[-2000:])
    return bytes.fromhex(lines[0]), bytes.fromhex(lines[1])


def split_hello(hello):
    end = hello.index(b"\n") + 1
    ident, rest = hello[:end], hello[end:]
    pkts = []
    while rest:
        n = struct.unpack(">I", rest[:4])[0]
        pkts.append(rest[:4 + n])
        rest = rest[4 + n:]
    return ident, pkts


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def recv_until_newkeys(conn):
    data = b""
    conn.settimeout(10)
    while b"\n" not in data:
        c = conn.recv(4096)
        if not c:
            return None
        data += c
    off = data.index(b"\n") + 1
    while True:
        while len(data) < off + 5:
            c = conn.recv(65536)
            if not c:
                return None
            data += c
        n = struct.unpack(">I", data[off:off + 4])[0]
        while len(data) < off + 4 + n:
            c = conn.recv(65536)
            if not c:
                return None
            data += c
        kind = data[off + 5]
        off += 4 + n
        if kind == 21:
            return data[:off]


def record_sshd(sshd, hello, tmp, label):
    """sshd's stream up to NEWKEYS, answering the harness client's own bytes."""
    d = os.path.join(tmp, label)
    os.makedirs(d)
    key = os.path.join(d, "host_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True,
                   timeout=60)
    port = free_port()
    cfg = os.path.join(d, "sshd_config")
    lines = ["Port %d" % port, "ListenAddress 127.0.0.1", "PidFile none", "HostKey " + key,
             "KexAlgorithms curve25519-sha256", "HostKeyAlgorithms ssh-ed25519",
             "PerSourcePenalties no" if sshd.startswith(OSSH10) else "",
             "UsePAM no" if not sshd.startswith(OSSH10) else ""]
    if sshd.startswith(OSSH10):
        lines += ["SshdSessionPath %s/libexec/sshd-session" % OSSH10,
                  "SshdAuthPath %s/libexec/sshd-auth" % OSSH10]
        os.makedirs("/opt/openssh10/var/empty", mode=0o755, exist_ok=True)
    os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    with open(cfg, "w") as f:
        f.write("\n".join(lines) + "\n")
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", cfg], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "log"), "w"),
                            start_new_session=True)
    try:
        end = time.time() + 10
        conn = None
        while time.time() < end and proc.poll() is None:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                time.sleep(0.05)
        if conn is None:
            print("%s did not start: %s" % (sshd, open(os.path.join(d, "log")).read()[-500:]))
            return None
        ident, pkts = split_hello(hello)
        conn.sendall(ident + b"".join(pkts))
        rec = recv_until_newkeys(conn)
        conn.close()
        return rec
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def record_paramiko(hello, tmp):
    """paramiko's server (Transport in server mode, curve25519-sha256@libssh.org, an
    Ed25519 host key) answering the same bytes, up to its NEWKEYS."""
    import threading
    import paramiko
    key = os.path.join(tmp, "paramiko_host_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key], check=True,
                   timeout=60)
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    box = {}

    def serve():
        conn, _ = lsock.accept()
        t = paramiko.Transport(conn)
        t.get_security_options().kex = ("curve25519-sha256@libssh.org",)
        t.add_server_key(paramiko.Ed25519Key(filename=key))
        box["t"] = t
        try:
            t.start_server(server=paramiko.ServerInterface())
        except Exception:
            pass

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    conn = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        ident, pkts = split_hello(hello)
        conn.sendall(ident + b"".join(pkts))
        return recv_until_newkeys(conn)
    finally:
        conn.close()
        lsock.close()
        if "t" in box:
            box["t"].close()
        th.join(timeout=10)


def main():
    if not os.path.exists(TARGET):
        sys.exit("build it first: make build/fuzz/fuzz_client")
    prefix, hello = target_hello()
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    n = 0
    for name, flags, body in seeds_after_kex():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes([flags]) + body)
        n += 1
    # the harness's own key exchange as a raw stream, with a banner line first
    after = login() + hostkeys() + open_confirm() + session_end(0)
    with open(os.path.join(OUT, "raw_fixed_kex"), "wb") as f:
        f.write(b"\x01" + b"Welcome, this line comes before the identification\r\n" + prefix +
                after)
    n += 1
    tmp = tempfile.mkdtemp(prefix="gen_corpus_client.")
    os.chmod(tmp, 0o755)
    try:
        for label, sshd in (("openssh10", OSSH10 + "/sbin/sshd"), ("debian", "/usr/sbin/sshd")):
            if not os.path.exists(sshd):
                print("skipped: no", sshd)
                continue
            rec = record_sshd(sshd, hello, tmp, label)
            if rec is None:
                continue
            # -yy (bit 1): the recorded server's host key is not in the harness's known_hosts
            for tail_name, flags, tail in (("exec", 0x03, after),
                                           ("kbdint", 0x03, seeds_after_kex()[6][2])):
                with open(os.path.join(OUT, "raw_%s_%s" % (label, tail_name)), "wb") as f:
                    f.write(bytes([flags]) + rec + tail)
                n += 1
        rec = record_paramiko(hello, tmp)
        if rec:
            for tail_name, flags, tail in (("exec", 0x03, after),
                                           ("kbdint", 0x03, seeds_after_kex()[6][2])):
                with open(os.path.join(OUT, "raw_paramiko_%s" % tail_name), "wb") as f:
                    f.write(bytes([flags]) + rec + tail)
                n += 1
    finally:
        shutil.rmtree(tmp)
    print("%d seeds in %s" % (n, OUT))


if __name__ == "__main__":
    main()
