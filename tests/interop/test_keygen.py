"""dropbearkey against the real tools: OpenSSH's ssh-keygen and Debian's dropbear-bin.

Every key type and size: our fingerprint equals ssh-keygen's, ssh-keygen accepts our
public line, and key files move both ways between our dropbearkey and Debian's with the
same public key. Bad arguments and broken files give one line and exit status 1.
"""
import os
import random
import re
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MULTI = os.environ.get("DBMULTI", os.path.join(ROOT, "build", "dropbearmulti"))
DEBIAN_KEYGEN = "/usr/bin/dropbearkey"
TIMEOUT = 120

TYPES = [("ed25519", None), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521),
         ("rsa", 1024), ("rsa", 2048), ("rsa", 3072), ("rsa", 4096)]
TYPE_NAMES = {"ed25519": "ssh-ed25519", "rsa": "ssh-rsa"}


def ours(*args, **kw):
    return subprocess.run([MULTI, "dropbearkey", *args], capture_output=True, text=True,
                          timeout=TIMEOUT, **kw)


def debian(*args):
    return subprocess.run([DEBIAN_KEYGEN, *args], capture_output=True, text=True,
                          timeout=TIMEOUT)


def keygen_l(path):
    r = subprocess.run(["ssh-keygen", "-l", "-f", path], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()[1]


def parse_output(out):
    """(public line, fingerprint) from dropbearkey's stdout (both implementations)."""
    lines = out.splitlines()
    i = lines.index("Public key portion is:")
    fp = [l for l in lines if l.startswith("Fingerprint: ")]
    assert len(fp) == 1, out
    return lines[i + 1], fp[0].split()[1]


def type_name(t, bits):
    return TYPE_NAMES.get(t) or "ecdsa-sha2-nistp%d" % bits


def gen_args(t, bits, path):
    args = ["-t", t, "-f", path]
    if bits:
        args += ["-s", str(bits)]
    return args


@pytest.mark.parametrize("t,bits", TYPES, ids=["%s%s" % (t, b or "") for t, b in TYPES])
def test_generate_matches_ssh_keygen_and_debian(tmp_path, t, bits):
    key = str(tmp_path / "k")
    r = ours(*gen_args(t, bits, key), "-C", "me@test")
    assert r.returncode == 0, r.stderr
    line, fp = parse_output(r.stdout)
    kt, b64, comment = line.split(" ")
    assert kt == type_name(t, bits) and comment == "me@test"
    assert (os.stat(key).st_mode & 0o777) == 0o600
    with open(key + ".pub") as f:
        assert f.read() == line + "\n"
    # OpenSSH reads the public line and computes the same fingerprint.
    assert keygen_l(key + ".pub") == fp
    expect_bits = {"ed25519": 256}.get(t, bits)
    out = subprocess.run(["ssh-keygen", "-l", "-f", key + ".pub"], capture_output=True,
                         text=True, timeout=TIMEOUT).stdout
    assert out.split()[0] == str(expect_bits)
    # -y on our file prints the same.
    y = ours("-y", "-f", key)
    assert y.returncode == 0, y.stderr
    yline, yfp = parse_output(y.stdout)
    assert yline.split()[:2] == [kt, b64] and yfp == fp
    # Debian's dropbearkey reads our file and finds the same public key.
    d = debian("-y", "-f", key)
    assert d.returncode == 0, d.stderr + d.stdout
    dline, dfp = parse_output(d.stdout)
    assert dline.split()[:2] == [kt, b64] and dfp == fp


DEBIAN_TYPES = [("ed25519", None), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521),
                ("rsa", 2048), ("rsa", 4096)]


@pytest.mark.parametrize("t,bits", DEBIAN_TYPES,
                         ids=["%s%s" % (t, b or "") for t, b in DEBIAN_TYPES])
def test_debian_keys_load_in_ours(tmp_path, t, bits):
    key = str(tmp_path / "dk")
    d = debian(*gen_args(t, bits, key))
    assert d.returncode == 0, d.stderr
    dline, dfp = parse_output(d.stdout)
    y = ours("-y", "-f", key)
    assert y.returncode == 0, y.stderr
    yline, yfp = parse_output(y.stdout)
    assert yline.split()[:2] == dline.split()[:2]
    assert yfp == dfp
    # and OpenSSH agrees on the fingerprint of that public line
    pub = tmp_path / "dk.line.pub"
    pub.write_text(yline + "\n")
    assert keygen_l(str(pub)) == dfp


def one_error_line(r):
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_bad_arguments(tmp_path):
    k = str(tmp_path / "k")
    assert "foo" in one_error_line(ours("-t", "foo", "-f", k))
    assert "-f" in one_error_line(ours("-t", "ed25519"))
    assert "1000" in one_error_line(ours("-t", "rsa", "-s", "1000", "-f", k))
    assert "9000" in one_error_line(ours("-t", "rsa", "-s", "9000", "-f", k))
    assert "1028" in one_error_line(ours("-t", "rsa", "-s", "1028", "-f", k))
    assert "300" in one_error_line(ours("-t", "ecdsa", "-s", "300", "-f", k))
    assert "abc" in one_error_line(ours("-t", "rsa", "-s", "abc", "-f", k))
    assert one_error_line(ours("-t", "ed25519", "-s", "512", "-f", k))
    assert not os.path.exists(k)
    one_error_line(ours("-t", "ed25519", "-f", k, "-Z"))
    assert not os.path.exists(k)


def test_existing_file_not_overwritten(tmp_path):
    k = tmp_path / "k"
    k.write_bytes(b"precious")
    line = one_error_line(ours("-t", "ed25519", "-f", str(k)))
    assert str(k) in line
    assert k.read_bytes() == b"precious"


@pytest.mark.parametrize("stale", ["file", "symlink"])
def test_stale_pub_replaced(tmp_path, stale):
    """A FILE.pub left from an earlier key (FILE gone) is replaced by the new key's, with a
    note on stderr (issue 14); a symlink there is replaced, its target left alone."""
    k, pub, target = tmp_path / "k", tmp_path / "k.pub", tmp_path / "elsewhere"
    target.write_text("not mine\n")
    if stale == "file":
        pub.write_text("ssh-ed25519 AAAAstale old@key\n")
    else:
        os.symlink(str(target), str(pub))
    r = ours("-t", "ed25519", "-f", str(k))
    assert r.returncode == 0, r.stderr
    assert "stale public key file" in r.stderr
    assert not pub.is_symlink()
    printed = [l for l in r.stdout.splitlines() if l.startswith("ssh-ed25519 ")]
    assert pub.read_text().split()[:2] == printed[0].split()[:2]
    assert target.read_text() == "not mine\n"
    y = ours("-y", "-f", str(k))
    assert printed[0].split()[1] in y.stdout


def test_symlink_not_followed(tmp_path):
    target = tmp_path / "target"
    link = tmp_path / "k"
    os.symlink(str(target), str(link))
    one_error_line(ours("-t", "ed25519", "-f", str(link)))
    assert not target.exists()


def test_missing_and_unreadable_files(tmp_path):
    missing = str(tmp_path / "nope")
    assert missing in one_error_line(ours("-y", "-f", missing))
    assert str(tmp_path) in one_error_line(ours("-y", "-f", str(tmp_path)))  # a directory
    big = tmp_path / "big"
    big.write_bytes(b"\0" * (1 << 20))
    assert str(big) in one_error_line(ours("-y", "-f", str(big)))


def test_broken_key_files_refused_cleanly(tmp_path):
    """Truncations and random bytes: one line, exit 1, never a signal."""
    rnd = random.Random(1234)
    for t, bits in [("ed25519", None), ("ecdsa", 256), ("rsa", 1024)]:
        key = str(tmp_path / ("k" + t))
        assert ours(*gen_args(t, bits, key)).returncode == 0
        data = open(key, "rb").read()
        cuts = sorted(set([0, 1, 3, 4, 5, len(data) // 2, len(data) - 1] +
                          rnd.sample(range(len(data)), 10)))
        for cut in cuts:
            p = tmp_path / "cut"
            p.write_bytes(data[:cut])
            one_error_line(ours("-y", "-f", str(p)))
        p = tmp_path / "trailing"
        p.write_bytes(data + b"\0")
        one_error_line(ours("-y", "-f", str(p)))
    for n in [1, 16, 100, 1000]:
        p = tmp_path / "random"
        p.write_bytes(bytes(rnd.getrandbits(8) for _ in range(n)))
        one_error_line(ours("-y", "-f", str(p)))


def test_multicall_dispatch(tmp_path):
    r = subprocess.run([MULTI, "nosuchface"], capture_output=True, text=True, timeout=10)
    assert r.returncode == 1
    assert "dropbearkey" in r.stderr and "dbclient" in r.stderr and len(r.stderr.splitlines()) == 1
    link = tmp_path / "dropbearkey"
    os.symlink(MULTI, str(link))
    r = subprocess.run([str(link), "-t", "ed25519", "-f", str(tmp_path / "k")],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0 and "Public key portion is:" in r.stdout
    for name in ["dropbear", "dbclient", "dropbearkey", "dropbearconvert"]:
        assert os.path.realpath(os.path.join(os.path.dirname(MULTI), name)) == os.path.realpath(MULTI)


@pytest.mark.skipif(os.environ.get("SKIP_STATIC") == "1", reason="SKIP_STATIC=1")
def test_static_build_runs_alone(tmp_path):
    """make STATIC=1 gives a binary `file` calls static-pie linked, that runs on its own
    (empty environment, no dynamic loader involved)."""
    bdir = os.path.join(ROOT, "build", "static")
    r = subprocess.run(["make", "-s", "STATIC=1", "BUILD=" + bdir], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    binary = os.path.join(bdir, "dropbearmulti")
    desc = subprocess.run(["file", "-L", binary], capture_output=True, text=True).stdout
    # static-pie: no program interpreter, and position-independent (ASLR)
    assert "static-pie linked" in desc, desc
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True)
    assert "statically linked" in ldd.stdout + ldd.stderr or \
        "not a dynamic executable" in ldd.stdout + ldd.stderr, ldd.stdout + ldd.stderr
    key = str(tmp_path / "sk")
    r = subprocess.run([binary, "dropbearkey", "-t", "ecdsa", "-f", key], env={},
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    _, fp = parse_output(r.stdout)
    assert keygen_l(key + ".pub") == fp
