"""The client half of ML-KEM-768 (FIPS 203) in plain Python, for rawssh: key generation
and decapsulation. Slow and not constant time (test use only). Decapsulation here skips
the re-encryption check of Algorithm 18: an honest server's ciphertext gives the same K
either way, and the tests that need implicit rejection are the C unit tests.

Written from FIPS 203 independently of common/crypto/mlkem768.c; a rawssh handshake
with our server verifies the server's signature over an exchange hash containing K, so
it succeeds only if this code and the server's encapsulation agree.
"""
import hashlib

Q = 3329
K = 3


def _br7(i):
    return int("{:07b}".format(i)[::-1], 2)


ZETAS = [pow(17, _br7(i), Q) for i in range(128)]
GAMMAS = [pow(17, 2 * _br7(i) + 1, Q) for i in range(128)]


def ntt(f):
    f = list(f)
    i = 1
    ln = 128
    while ln >= 2:
        for start in range(0, 256, 2 * ln):
            z = ZETAS[i]
            i += 1
            for j in range(start, start + ln):
                t = z * f[j + ln] % Q
                f[j + ln] = (f[j] - t) % Q
                f[j] = (f[j] + t) % Q
        ln //= 2
    return f


def ntt_inv(f):
    f = list(f)
    i = 127
    ln = 2
    while ln <= 128:
        for start in range(0, 256, 2 * ln):
            z = ZETAS[i]
            i -= 1
            for j in range(start, start + ln):
                t = f[j]
                f[j] = (t + f[j + ln]) % Q
                f[j + ln] = z * (f[j + ln] - t) % Q
        ln *= 2
    return [x * 3303 % Q for x in f]


def mul(a, b):
    out = [0] * 256
    for i in range(128):
        a0, a1, b0, b1 = a[2 * i], a[2 * i + 1], b[2 * i], b[2 * i + 1]
        out[2 * i] = (a0 * b0 + a1 * b1 * GAMMAS[i]) % Q
        out[2 * i + 1] = (a0 * b1 + a1 * b0) % Q
    return out


def add(a, b):
    return [(x + y) % Q for x, y in zip(a, b)]


def encode(f, d):
    v = 0
    for i, c in enumerate(f):
        v |= c << (d * i)
    return v.to_bytes(32 * d, "little")


def decode(b, d):
    v = int.from_bytes(b, "little")
    m = (1 << d) - 1
    f = [(v >> (d * i)) & m for i in range(256)]
    return [x % Q for x in f] if d == 12 else f


def sample_ntt(seed):
    x = hashlib.shake_128(seed).digest(168 * 8)
    out, i = [], 0
    while len(out) < 256:
        d1 = x[i] | (x[i + 1] & 15) << 8
        d2 = x[i + 1] >> 4 | x[i + 2] << 4
        if d1 < Q:
            out.append(d1)
        if d2 < Q and len(out) < 256:
            out.append(d2)
        i += 3
    return out


def cbd2(seed, n):
    b = hashlib.shake_256(seed + bytes([n])).digest(128)
    bits = [(b[i // 8] >> (i % 8)) & 1 for i in range(1024)]
    return [(bits[4 * i] + bits[4 * i + 1] - bits[4 * i + 2] - bits[4 * i + 3]) % Q
            for i in range(256)]


def keygen(d, z):
    """ML-KEM.KeyGen_internal (Algorithms 13 and 16): (ek, dk)."""
    g = hashlib.sha3_512(d + bytes([K])).digest()
    rho, sigma = g[:32], g[32:]
    s = [ntt(cbd2(sigma, i)) for i in range(K)]
    e = [ntt(cbd2(sigma, K + i)) for i in range(K)]
    t = []
    for i in range(K):
        acc = e[i]
        for j in range(K):
            acc = add(acc, mul(sample_ntt(rho + bytes([j, i])), s[j]))
        t.append(acc)
    ek = b"".join(encode(x, 12) for x in t) + rho
    dk = b"".join(encode(x, 12) for x in s) + ek + hashlib.sha3_256(ek).digest() + z
    return ek, dk


def compress(x, d):
    return ((x << d) + Q // 2) // Q % (1 << d)


def decompress(y, d):
    return (y * Q + (1 << (d - 1))) >> d


def decaps(dk, c):
    """K-PKE.Decrypt then (K, r) = G(m || h); no re-encryption check (see above)."""
    s = [decode(dk[384 * i:384 * (i + 1)], 12) for i in range(K)]
    h = dk[768 * K + 32:768 * K + 64]
    acc = [0] * 256
    for i in range(K):
        u = [decompress(y, 10) for y in decode(c[320 * i:320 * (i + 1)], 10)]
        acc = add(acc, mul(s[i], ntt(u)))
    w = ntt_inv(acc)
    v = [decompress(y, 4) for y in decode(c[960:1088], 4)]
    m = encode([compress((a - b) % Q, 1) for a, b in zip(v, w)], 1)
    return hashlib.sha3_512(m + h).digest()[:32]
