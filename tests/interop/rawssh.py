"""rawssh: a deliberately small SSH client for malformed-input tests.

It speaks one small suite -- curve25519-sha256, ecdh-sha2-nistp256 or
mlkem768x25519-sha256 (ML-KEM-768 from mlkem_py.py), ssh-ed25519, aes128-ctr, hmac-sha2-256,
no compression -- with every step exposed, so that a test can send what no real client
would: a bad MAC, short padding, a huge length, a message out of order. Built on the
'cryptography' module (Debian's python3-cryptography, which paramiko depends on). Each
step follows RFC 4253 (sections 6, 7, 8), RFC 8731 and OpenSSH's strict-kex notes.
"""
import hashlib
import hmac
import os
import socket
import struct

import mlkem_py

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import (X25519PrivateKey,
                                                              X25519PublicKey)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MSG_DISCONNECT = 1
MSG_IGNORE = 2
MSG_SERVICE_REQUEST = 5
MSG_SERVICE_ACCEPT = 6
MSG_EXT_INFO = 7
MSG_KEXINIT = 20
MSG_NEWKEYS = 21
MSG_KEX_ECDH_INIT = 30
MSG_KEX_ECDH_REPLY = 31
MSG_USERAUTH_REQUEST = 50
MSG_USERAUTH_FAILURE = 51

CLIENT_IDENT = b"SSH-2.0-rawssh_0.1"


def u32(n):
    return struct.pack(">I", n)


def string(b):
    if isinstance(b, str):
        b = b.encode()
    return u32(len(b)) + b


def mpint(n):
    if n == 0:
        return u32(0)
    b = n.to_bytes((n.bit_length() + 8) // 8, "big")  # a leading 0 when the top bit is set
    return string(b)


class Reader:
    def __init__(self, data):
        self.d = data
        self.p = 0

    def raw(self, n):
        if self.p + n > len(self.d):
            raise ValueError("truncated")
        v = self.d[self.p:self.p + n]
        self.p += n
        return v

    def u8(self):
        return self.raw(1)[0]

    def u32(self):
        return struct.unpack(">I", self.raw(4))[0]

    def bool(self):
        return self.u8() != 0

    def string(self):
        return self.raw(self.u32())

    def text(self):
        return self.string().decode("utf-8", "replace")


class Disconnected(Exception):
    def __init__(self, code, text):
        super().__init__("disconnect %d: %s" % (code, text))
        self.code = code
        self.text = text


class Direction:
    """One direction's keys: aes128-ctr keystream and hmac-sha2-256 key, or none."""

    def __init__(self):
        self.seq = 0
        self.ctx = None
        self.mac_key = None
        self.block = 8

    def set_keys(self, key, iv, mac_key, encrypt):
        c = Cipher(algorithms.AES(key), modes.CTR(iv))
        self.ctx = c.encryptor() if encrypt else c.decryptor()
        self.mac_key = mac_key
        self.block = 16


class RawClient:
    def __init__(self, port, timeout=10.0, source=None):
        """source: the local address to connect from (127.0.0.x are loopback too)."""
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                             source_address=(source, 0) if source else None)
        self.port = self.sock.getsockname()[1]  # our source port: names us in the log
        self.rbuf = b""
        self.tx = Direction()
        self.rx = Direction()
        self.strict = False
        self.server_ident = None
        self.session_id = None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # ---- raw bytes

    def send_raw(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.rbuf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise EOFError("connection closed by the server")
            self.rbuf += d

    def _take(self, n):
        self._fill(n)
        v, self.rbuf = self.rbuf[:n], self.rbuf[n:]
        return v

    def send_ident(self, line=CLIENT_IDENT):
        self.send_raw(line + b"\r\n")

    def read_ident(self):
        while b"\n" not in self.rbuf:
            if len(self.rbuf) > 255:
                raise ValueError("server identification too long")
            self._fill(len(self.rbuf) + 1)
        line, self.rbuf = self.rbuf.split(b"\n", 1)
        self.server_ident = line.rstrip(b"\r")
        return self.server_ident

    # ---- packets (RFC 4253 section 6)

    def encode_packet(self, payload, padlen=None, corrupt_mac=False):
        d = self.tx
        if padlen is None:
            padlen = d.block - (5 + len(payload)) % d.block
            if padlen < 4:
                padlen += d.block
        pkt = u32(1 + len(payload) + padlen) + bytes([padlen]) + payload + os.urandom(padlen)
        mac = b""
        if d.mac_key is not None:
            mac = hmac.new(d.mac_key, u32(d.seq) + pkt, hashlib.sha256).digest()
            if corrupt_mac:
                mac = mac[:-1] + bytes([mac[-1] ^ 1])
            pkt = d.ctx.update(pkt)
        d.seq = (d.seq + 1) & 0xffffffff
        return pkt + mac

    def send_packet(self, payload, **kw):
        self.send_raw(self.encode_packet(payload, **kw))

    def read_packet(self, handle_transport=True):
        """The next payload; DISCONNECT raises Disconnected, IGNORE/DEBUG are skipped."""
        while True:
            d = self.rx
            if d.ctx is None:
                length = struct.unpack(">I", self._take(4))[0]
                if length > 35000:
                    raise ValueError("bad length %d" % length)
                body = self._take(length)
                plain = u32(length) + body
            else:
                first = d.ctx.update(self._take(16))
                length = struct.unpack(">I", first[:4])[0]
                if length > 35000 or (length + 4) % 16:
                    raise ValueError("bad length %d" % length)
                plain = first + d.ctx.update(self._take(length + 4 - 16))
                mac = self._take(32)
                want = hmac.new(d.mac_key, u32(d.seq) + plain, hashlib.sha256).digest()
                if not hmac.compare_digest(mac, want):
                    raise ValueError("bad MAC from the server")
            d.seq = (d.seq + 1) & 0xffffffff
            padlen = plain[4]
            payload = plain[5:len(plain) - padlen]
            if handle_transport and payload[0] == MSG_DISCONNECT:
                r = Reader(payload[1:])
                raise Disconnected(r.u32(), r.text())
            if handle_transport and payload[0] in (MSG_IGNORE, 4):
                continue
            return payload

    def read_disconnect(self):
        """Reads until the server's DISCONNECT or EOF; returns (code, text) or None."""
        try:
            while True:
                self.read_packet()
        except Disconnected as e:
            return (e.code, e.text)
        except (EOFError, OSError, ValueError):
            return None

    # ---- key exchange (RFC 4253 7 and 8, RFC 8731)

    @staticmethod
    def kexinit(kex="curve25519-sha256", hostkey="ssh-ed25519", cipher="aes128-ctr",
                mac="hmac-sha2-256", comp="none", strict=True, ext_info=False,
                follows=False):
        kexlist = kex + (",kex-strict-c-v00@openssh.com" if strict else "") + \
            (",ext-info-c" if ext_info else "")
        lists = [kexlist, hostkey, cipher, cipher, mac, mac, comp, comp, "", ""]
        return bytes([MSG_KEXINIT]) + os.urandom(16) + b"".join(string(x) for x in lists) + \
            bytes([1 if follows else 0]) + u32(0)

    def start(self):
        self.send_ident()
        self.read_ident()

    def handshake(self, method="curve25519-sha256", pre=(), post=(), **kw):
        """Identification, key exchange by `method` (curve25519-sha256 or
        ecdh-sha2-nistp256) with the server's ed25519 signature verified, and NEWKEYS
        both ways. `pre` / `post`: payloads sent just before / after our KEXINIT.
        Returns the server's host key blob."""
        self.start()
        kw.setdefault("kex", method)
        for p in pre:
            self.send_packet(p)
        i_c = self.kexinit(**kw)
        self.send_packet(i_c)
        for p in post:
            self.send_packet(p)
        i_s = self.read_packet()
        assert i_s[0] == MSG_KEXINIT, i_s[:1]
        self.strict = kw.get("strict", True) and \
            b"kex-strict-s-v00@openssh.com" in Reader(i_s[17:]).string()
        if method == "ecdh-sha2-nistp256":
            priv = ec.generate_private_key(ec.SECP256R1())
            q_c = priv.public_key().public_bytes(serialization.Encoding.X962,
                                                 serialization.PublicFormat.UncompressedPoint)
        elif method == "mlkem768x25519-sha256":
            # draft-ietf-sshm-mlkem-hybrid-kex: Q_C = ek || X25519 public
            ek, dk = mlkem_py.keygen(os.urandom(32), os.urandom(32))
            priv = X25519PrivateKey.generate()
            q_c = ek + priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)
        else:
            priv = X25519PrivateKey.generate()
            q_c = priv.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)
        self.send_packet(bytes([MSG_KEX_ECDH_INIT]) + string(q_c))
        rep = self.read_packet()
        assert rep[0] == MSG_KEX_ECDH_REPLY, rep[:1]
        r = Reader(rep[1:])
        k_s, q_s, sig = r.string(), r.string(), r.string()
        if method == "ecdh-sha2-nistp256":
            peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), q_s)
            shared = priv.exchange(ec.ECDH(), peer)  # RFC 5656 4: x as an mpint
        elif method == "mlkem768x25519-sha256":
            # Q_S = ciphertext || X25519 public; K = string SHA-256(ss_pq || ss_x25519)
            assert len(q_s) == 1088 + 32, len(q_s)
            ss = mlkem_py.decaps(dk, q_s[:1088])
            shared = priv.exchange(X25519PublicKey.from_public_bytes(q_s[1088:]))
            shared = ss + shared
        else:
            shared = priv.exchange(X25519PublicKey.from_public_bytes(q_s))
        if method == "mlkem768x25519-sha256":
            k = string(hashlib.sha256(shared).digest())
        else:
            k = mpint(int.from_bytes(shared, "big"))  # RFC 8731 3: X as a big-endian mpint
        h = hashlib.sha256(string(CLIENT_IDENT) + string(self.server_ident) + string(i_c) +
                           string(i_s) + string(k_s) + string(q_c) + string(q_s) + k).digest()
        kr = Reader(k_s)
        assert kr.text() == "ssh-ed25519"
        sr = Reader(sig)
        assert sr.text() == "ssh-ed25519"
        Ed25519PublicKey.from_public_bytes(kr.string()).verify(sr.string(), h)
        self.session_id = self.session_id or h

        def derive(letter, n):
            out = hashlib.sha256(k + h + letter + self.session_id).digest()
            while len(out) < n:
                out += hashlib.sha256(k + h + out).digest()
            return out[:n]

        self.send_packet(bytes([MSG_NEWKEYS]))
        self.tx.set_keys(derive(b"C", 16), derive(b"A", 16), derive(b"E", 32), True)
        if self.strict:
            self.tx.seq = 0
        nk = self.read_packet()
        assert nk == bytes([MSG_NEWKEYS]), nk[:1]
        self.rx.set_keys(derive(b"D", 16), derive(b"B", 16), derive(b"F", 32), False)
        if self.strict:
            self.rx.seq = 0
        return k_s

    def auth_none(self, user="nobody"):
        """SERVICE_REQUEST ssh-userauth, then USERAUTH_REQUEST "none": the methods list."""
        self.send_packet(bytes([MSG_SERVICE_REQUEST]) + string("ssh-userauth"))
        p = self.read_packet()
        while p[0] == MSG_EXT_INFO:
            p = self.read_packet()
        assert p[0] == MSG_SERVICE_ACCEPT, p[:1]
        self.send_packet(bytes([MSG_USERAUTH_REQUEST]) + string(user) +
                         string("ssh-connection") + string("none"))
        p = self.read_packet()
        assert p[0] == MSG_USERAUTH_FAILURE, p[:1]
        r = Reader(p[1:])
        return r.text(), r.bool()
