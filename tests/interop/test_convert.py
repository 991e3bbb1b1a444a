"""dropbearconvert and the OpenSSH key readers against the real tools: OpenSSH's
ssh-keygen and Debian's dropbear-bin (dropbearconvert, dropbearkey).

Keys made by ssh-keygen in every type and size, in the default format, -m PEM, -m PKCS8
and with a passphrase, convert to Dropbear's format with the public line of their .pub
file, and back to a file ssh-keygen reads and signs with. Dropbear -> OpenSSH ->
Dropbear is byte-identical; our conversions equal Debian's where both read the input.
Wrong passphrases, unsupported ciphers and KDFs, public keys and mismatched halves give
one line and exit status 1, and so does every truncated file, never a signal.
"""
import base64
import os
import random
import re
import shutil
import struct
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MULTI = os.environ.get("DBMULTI", os.path.join(ROOT, "build", "dropbearmulti"))
DEBIAN_CONVERT = "/usr/bin/dropbearconvert"
DEBIAN_KEYGEN = "/usr/bin/dropbearkey"
TIMEOUT = 120
PASS = "correct horse"

SSH_TYPES = [("ed25519", None), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521),
             ("rsa", 2048), ("rsa", 4096)]
FORMATS = ["default", "PEM", "PKCS8", "passphrase"]
OUR_TYPES = [("ed25519", None), ("ecdsa", 256), ("ecdsa", 384), ("ecdsa", 521),
             ("rsa", 1024), ("rsa", 2048), ("rsa", 3072), ("rsa", 4096)]
WRITTEN_CIPHERS = ["aes256-ctr", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"]


def tid(t, bits):
    return "%s%s" % (t, bits or "")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DROPBEAR_PASSPHRASE", "DROPBEAR_NEW_PASSPHRASE")}
    env.update(extra)
    return env


def ours(face, *args, passphrase=None, new_passphrase=None, **kw):
    """Our binary, in a new session: no controlling terminal, so never a prompt."""
    extra = {}
    if passphrase is not None:
        extra["DROPBEAR_PASSPHRASE"] = passphrase
    if new_passphrase is not None:
        extra["DROPBEAR_NEW_PASSPHRASE"] = new_passphrase
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("capture_output", True)
    return subprocess.run([MULTI, face, *args], env=clean_env(**extra), timeout=TIMEOUT,
                          start_new_session=True, **kw)


def convert(*args, **kw):
    return ours("dropbearconvert", *args, **kw)


def run(*args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(list(args), timeout=TIMEOUT, start_new_session=True, **kw)


def ok(r):
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    return r


def one_error_line(r):
    """Exit status 1 (never a signal) and exactly one line on stderr."""
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    err = r.stderr.decode() if isinstance(r.stderr, bytes) else r.stderr
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    return lines[0]


def public_line(out):
    """The public line dropbearkey -y prints (ours and Debian's)."""
    text = out.decode() if isinstance(out, bytes) else out
    lines = text.splitlines()
    return lines[lines.index("Public key portion is:") + 1]


def keygen_y(path, passphrase=None):
    args = ["ssh-keygen", "-y", "-f", path]
    if passphrase is not None:
        args[2:2] = ["-P", passphrase]
    return ok(run(*args, text=True)).stdout.strip()


def type_and_blob(line):
    return line.split()[:2]


def ssh_keygen(path, t, bits, fmt, comment=None):
    args = ["ssh-keygen", "-q", "-t", t, "-f", path, "-N", PASS if fmt == "passphrase" else ""]
    if bits:
        args += ["-b", str(bits)]
    if fmt in ("PEM", "PKCS8"):
        args += ["-m", fmt]
    if comment is not None:
        args += ["-C", comment]
    ok(run(*args))
    return path


@pytest.fixture(scope="module")
def keydir(tmp_path_factory):
    return tmp_path_factory.mktemp("sshkeys")


_made = {}


def made_key(keydir, t, bits, fmt):
    """ssh-keygen's key of this kind, made once per module (RSA 4096 takes a while)."""
    key = str(keydir / ("%s-%s" % (tid(t, bits), fmt)))
    if key not in _made:
        _made[key] = ssh_keygen(key, t, bits, fmt)
    return key


@pytest.fixture(scope="module")
def dispatch_reads_openssh(tmp_path_factory):
    """True once keyfile_parse hands OpenSSH files to keyfile-openssh.c (the key
    module's side of issue #6); until then the faces other than dropbearconvert read
    Dropbear's format only."""
    probe = str(tmp_path_factory.mktemp("probe") / "k")
    ok(run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", probe))
    return ours("dropbearkey", "-y", "-f", probe).returncode == 0


# ---------------------------------------------------------------- ssh-keygen's keys


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("t,bits", SSH_TYPES, ids=[tid(*x) for x in SSH_TYPES])
def test_ssh_keygen_key_to_dropbear_and_back(keydir, tmp_path, t, bits, fmt):
    key = made_key(keydir, t, bits, fmt)
    publine = open(key + ".pub").read().strip()
    pw = PASS if fmt == "passphrase" else None
    db = str(tmp_path / "db")
    enc_pem = None
    if fmt == "passphrase" and t != "ed25519" and (bits or 0) < 4096:
        # a passphrase on PEM is OpenSSL's legacy encryption: refused with advice
        enc_pem = str(tmp_path / "encpem")
        ok(run("ssh-keygen", "-q", "-t", t, "-b", str(bits), "-m", "PEM", "-N", PASS,
               "-f", enc_pem))
    r = convert("openssh", "dropbear", key, db, passphrase=pw)
    ok(r)
    assert b"Key is a " in r.stderr and b"Wrote key to" in r.stderr
    assert (os.stat(db).st_mode & 0o777) == 0o600
    # dropbearkey -y prints the .pub line, comment included (user@host: ssh-keygen's
    # default comment, and dropbearkey's for a file that has none)
    assert public_line(ok(ours("dropbearkey", "-y", "-f", db)).stdout) == publine
    # and Debian's dropbearkey reads our file
    d = run(DEBIAN_KEYGEN, "-y", "-f", db, text=True)
    assert d.returncode == 0, d.stderr
    assert type_and_blob(public_line(d.stdout)) == type_and_blob(publine)
    # back to OpenSSH: ssh-keygen reads it and finds the same public key
    back = str(tmp_path / "back")
    ok(convert("dropbear", "openssh", db, back))
    assert (os.stat(back).st_mode & 0o777) == 0o600
    assert type_and_blob(keygen_y(back)) == type_and_blob(publine)
    # and the same again with the passphrase kept on the OpenSSH side
    if pw:
        back2 = str(tmp_path / "back2")
        ok(convert("-e", "openssh", "openssh", key, back2, passphrase=pw, new_passphrase=pw))
        assert keygen_y(back2, pw) == publine  # the comment is carried
        assert run("ssh-keygen", "-y", "-P", "wrong", "-f", back2).returncode != 0
        if enc_pem:
            line = one_error_line(convert("openssh", "dropbear", enc_pem, str(tmp_path / "x"),
                                          passphrase=PASS))
            assert "ssh-keygen -p" in line


@pytest.mark.parametrize("fmt", ["default", "PEM", "PKCS8"])
@pytest.mark.parametrize("t,bits", SSH_TYPES, ids=[tid(*x) for x in SSH_TYPES])
def test_agrees_with_debian_dropbearconvert(keydir, tmp_path, t, bits, fmt):
    key = made_key(keydir, t, bits, fmt)
    mine, theirs = str(tmp_path / "mine"), str(tmp_path / "theirs")
    ok(convert("openssh", "dropbear", key, mine))
    d = run(DEBIAN_CONVERT, "openssh", "dropbear", key, theirs)
    if fmt == "PKCS8" and t != "ed25519":
        if d.returncode != 0:
            pytest.skip("Debian's dropbearconvert does not read PKCS#8 %s" % t)
    else:
        assert d.returncode == 0, d.stderr
    assert open(mine, "rb").read() == open(theirs, "rb").read()
    # the other way: both OpenSSH outputs hold the same key, and each tool reads the
    # other's output back to the same Dropbear bytes
    o_mine, o_theirs = str(tmp_path / "o_mine"), str(tmp_path / "o_theirs")
    ok(convert("dropbear", "openssh", mine, o_mine))
    ok(run(DEBIAN_CONVERT, "dropbear", "openssh", mine, o_theirs))
    assert type_and_blob(keygen_y(o_mine)) == type_and_blob(keygen_y(o_theirs))
    x1, x2 = str(tmp_path / "x1"), str(tmp_path / "x2")
    ok(run(DEBIAN_CONVERT, "openssh", "dropbear", o_mine, x1))
    ok(convert("openssh", "dropbear", o_theirs, x2))
    assert open(x1, "rb").read() == open(mine, "rb").read()
    assert open(x2, "rb").read() == open(mine, "rb").read()


@pytest.mark.parametrize("t,bits", SSH_TYPES, ids=[tid(*x) for x in SSH_TYPES])
def test_faces_read_openssh_files_directly(keydir, dispatch_reads_openssh, t, bits):
    """dropbearkey -y (like dropbear -r and dbclient -i) takes the OpenSSH file as is."""
    if not dispatch_reads_openssh:
        pytest.skip("keyfile_parse does not dispatch to keyfile-openssh.c yet")
    for fmt in ["default", "PEM", "PKCS8", "passphrase"]:
        key = made_key(keydir, t, bits, fmt)
        publine = open(key + ".pub").read().strip()
        r = ours("dropbearkey", "-y", "-f", key,
                 passphrase=PASS if fmt == "passphrase" else None)
        assert public_line(ok(r).stdout) == publine


# ---------------------------------------------------------------- Dropbear's keys


def our_key(path, t, bits):
    args = ["-t", t, "-f", path]
    if bits:
        args += ["-s", str(bits)]
    ok(ours("dropbearkey", *args))
    return path


@pytest.mark.parametrize("t,bits", OUR_TYPES, ids=[tid(*x) for x in OUR_TYPES])
def test_dropbear_openssh_dropbear_is_identical(tmp_path, t, bits):
    db = our_key(str(tmp_path / "k"), t, bits)
    pub = open(db + ".pub").read().strip()
    data = open(db, "rb").read()
    o, back = str(tmp_path / "k.openssh"), str(tmp_path / "k.back")
    ok(convert("dropbear", "openssh", db, o))
    assert keygen_y(o).split()[:2] == pub.split()[:2]
    ok(convert("openssh", "dropbear", o, back))
    assert open(back, "rb").read() == data
    # OpenSSH signs with it, and the signature verifies: the private half is whole
    # (for RSA this checks the iqmp we computed, which Dropbear's format lacks)
    msg = tmp_path / "msg"
    msg.write_bytes(b"migrating to dropbear\n")
    ok(run("ssh-keygen", "-Y", "sign", "-f", o, "-n", "file", str(msg)))
    signers = tmp_path / "allowed"
    signers.write_text("me@test " + " ".join(pub.split()[:2]) + "\n")
    with open(str(msg), "rb") as f:
        ok(run("ssh-keygen", "-Y", "verify", "-f", str(signers), "-I", "me@test", "-n", "file",
               "-s", str(msg) + ".sig", stdin=f))
    # the same through each cipher we write, and back with the passphrase
    for i, cipher in enumerate(WRITTEN_CIPHERS):
        enc, back2 = str(tmp_path / ("enc%d" % i)), str(tmp_path / ("back%d" % i))
        ok(convert("-e", "-c", cipher, "-a", "2", "dropbear", "openssh", db, enc,
                   new_passphrase=PASS))
        assert keygen_y(enc, PASS).split()[:2] == pub.split()[:2]
        ok(convert("openssh", "dropbear", enc, back2, passphrase=PASS))
        assert open(back2, "rb").read() == data


DEBIAN_TYPES = [("ed25519", None), ("ecdsa", 256), ("ecdsa", 521), ("rsa", 2048)]


@pytest.mark.parametrize("t,bits", DEBIAN_TYPES, ids=[tid(*x) for x in DEBIAN_TYPES])
def test_debian_keys_round_trip(tmp_path, t, bits):
    db = str(tmp_path / "dk")
    args = ["-t", t, "-f", db] + (["-s", str(bits)] if bits else [])
    ok(run(DEBIAN_KEYGEN, *args))
    data = open(db, "rb").read()
    o, back, theirs = str(tmp_path / "o"), str(tmp_path / "back"), str(tmp_path / "theirs")
    ok(convert("dropbear", "openssh", db, o))
    ok(convert("openssh", "dropbear", o, back))
    assert open(back, "rb").read() == data
    ok(run(DEBIAN_CONVERT, "openssh", "dropbear", o, theirs))
    assert open(theirs, "rb").read() == data


# ---------------------------------------------------------------- behaviour


def test_stdin_stdout_and_comment(tmp_path):
    key = ssh_keygen(str(tmp_path / "k"), "ed25519", None, "default", comment="me@test")
    with open(key, "rb") as f:
        r = ok(convert("openssh", "openssh", "-", "-", stdin=f))
    assert r.stdout.startswith(b"-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert all(len(l) <= 70 for l in r.stdout.splitlines())
    out = tmp_path / "copy"
    out.write_bytes(r.stdout)
    os.chmod(str(out), 0o600)
    assert keygen_y(str(out)) == open(key + ".pub").read().strip()  # comment kept
    r = ok(convert("openssh", "dropbear", key, "-"))
    ok(convert("openssh", "dropbear", key, str(tmp_path / "d")))
    assert r.stdout == (tmp_path / "d").read_bytes()


def test_output_never_overwritten(tmp_path):
    key = ssh_keygen(str(tmp_path / "k"), "ed25519", None, "default")
    out = tmp_path / "out"
    out.write_bytes(b"precious")
    line = one_error_line(convert("openssh", "dropbear", key, str(out)))
    assert str(out) in line and "exists" in line
    assert out.read_bytes() == b"precious"
    target, link = tmp_path / "target", tmp_path / "link"
    os.symlink(str(target), str(link))
    one_error_line(convert("openssh", "dropbear", key, str(link)))
    assert not target.exists()


def test_passphrase_errors(tmp_path):
    key = ssh_keygen(str(tmp_path / "k"), "ed25519", None, "passphrase")
    out = str(tmp_path / "out")
    assert "incorrect passphrase" in one_error_line(
        convert("openssh", "dropbear", key, out, passphrase="not it"))
    # no terminal, no variable: told how to give it
    assert "DROPBEAR_PASSPHRASE" in one_error_line(convert("openssh", "dropbear", key, out))
    assert not os.path.exists(out)
    for cipher in ["aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr",
                   "aes256-cbc"]:
        k = str(tmp_path / cipher.split("@")[0])
        ok(run("ssh-keygen", "-q", "-t", "ed25519", "-N", PASS, "-a", "2", "-Z", cipher, "-f", k))
        ok(convert("openssh", "dropbear", k, k + ".db", passphrase=PASS))
        assert "incorrect passphrase" in one_error_line(
            convert("openssh", "dropbear", k, k + ".x", passphrase=PASS + "!"))


def decoded(path):
    text = open(path).read()
    body = re.search(r"-----BEGIN OPENSSH PRIVATE KEY-----\n(.*)-----END", text, re.S).group(1)
    return bytearray(base64.b64decode(body))


def armoured(blob):
    b64 = base64.b64encode(bytes(blob)).decode()
    return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" +
            "".join(b64[i:i + 70] + "\n" for i in range(0, len(b64), 70)) +
            "-----END OPENSSH PRIVATE KEY-----\n")


def test_unsupported_and_broken_files(tmp_path):
    out = str(tmp_path / "out")
    k3 = str(tmp_path / "k3des")
    ok(run("ssh-keygen", "-q", "-t", "ed25519", "-N", PASS, "-Z", "3des-cbc", "-f", k3))
    line = one_error_line(convert("openssh", "dropbear", k3, out, passphrase=PASS))
    assert "unsupported cipher '3des-cbc'" in line

    key = ssh_keygen(str(tmp_path / "k"), "ed25519", None, "passphrase")
    blob = decoded(key)
    i = blob.index(b"bcrypt")
    blob[i:i + 6] = b"scrypt"
    p = tmp_path / "scrypt"
    p.write_text(armoured(blob))
    assert "'scrypt'" in one_error_line(convert("openssh", "dropbear", str(p), out,
                                                passphrase=PASS))
    blob[i:i + 6] = b"bcrypt"
    rounds_at = i + 6 + 4 + 4 + 16
    blob[rounds_at:rounds_at + 4] = struct.pack(">I", 1 << 30)
    p = tmp_path / "rounds"
    p.write_text(armoured(blob))
    assert "limit" in one_error_line(convert("openssh", "dropbear", str(p), out, passphrase=PASS))

    # a public key where the private one is needed, in each of its forms
    assert "public key" in one_error_line(convert("openssh", "dropbear", key + ".pub", out))
    pem = tmp_path / "pub.pem"
    eckey = ssh_keygen(str(tmp_path / "ec"), "ecdsa", 256, "default")
    ok(run("ssh-keygen", "-e", "-m", "PKCS8", "-f", eckey + ".pub", stdout=open(str(pem), "w"),
           capture_output=False))
    assert "public key" in one_error_line(convert("openssh", "dropbear", str(pem), out))
    rfc = tmp_path / "pub.rfc4716"
    ok(run("ssh-keygen", "-e", "-f", key + ".pub", stdout=open(str(rfc), "w"),
           capture_output=False))
    assert "public key" in one_error_line(convert("openssh", "dropbear", str(rfc), out))

    # the header's public key from another key: the halves do not match
    plain = ssh_keygen(str(tmp_path / "p"), "ed25519", None, "default")
    other = ssh_keygen(str(tmp_path / "o"), "ed25519", None, "default")
    a, b = decoded(plain), decoded(other)
    pk_b = base64.b64decode(open(other + ".pub").read().split()[1])[-32:]
    pk_a = base64.b64decode(open(plain + ".pub").read().split()[1])[-32:]
    j = a.index(pk_a)
    a[j:j + 32] = pk_b
    p = tmp_path / "mismatch"
    p.write_text(armoured(a))
    assert "does not match" in one_error_line(convert("openssh", "dropbear", str(p), out))
    assert not os.path.exists(out)

    # arguments
    assert one_error_line(convert("openssh", "dropbear", plain))
    assert "'pem'" in one_error_line(convert("pem", "dropbear", plain, out))
    assert "no encryption" in one_error_line(convert("-e", "openssh", "dropbear", plain, out,
                                                     new_passphrase="x"))
    assert "rot13" in one_error_line(convert("-e", "-c", "rot13", "openssh", "openssh", plain,
                                             out))
    assert one_error_line(convert("-a", "0", "openssh", "openssh", plain, out))
    assert one_error_line(convert("-Q", "openssh", "openssh", plain, out))
    assert str(tmp_path) in one_error_line(convert("openssh", "dropbear", str(tmp_path), out))
    assert "nope" in one_error_line(convert("openssh", "dropbear", str(tmp_path / "nope"), out))
    assert not os.path.exists(out)
    assert b"Usage" in ok(convert("-h")).stdout


def format_samples(tmp_path):
    """One small file of every format we read."""
    files = {}
    files["openssh"] = ssh_keygen(str(tmp_path / "f_openssh"), "ed25519", None, "default")
    files["openssh-enc"] = ssh_keygen(str(tmp_path / "f_enc"), "ecdsa", 256, "passphrase")
    files["pkcs1"] = ssh_keygen(str(tmp_path / "f_pkcs1"), "rsa", 1024, "PEM")
    files["sec1"] = ssh_keygen(str(tmp_path / "f_sec1"), "ecdsa", 256, "PEM")
    files["pkcs8-ec"] = ssh_keygen(str(tmp_path / "f_p8ec"), "ecdsa", 384, "PKCS8")
    files["pkcs8-rsa"] = ssh_keygen(str(tmp_path / "f_p8rsa"), "rsa", 1024, "PKCS8")
    if shutil.which("openssl"):  # ssh-keygen 9.2 writes no PKCS#8 Ed25519
        ed = str(tmp_path / "f_p8ed")
        ok(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", ed))
        files["pkcs8-ed25519"] = ed
    db = str(tmp_path / "f_dropbear")
    ok(convert("openssh", "dropbear", files["openssh"], db))
    files["dropbear"] = db
    return files


def test_every_format_read_and_truncations_refused(tmp_path):
    rnd = random.Random(6)
    files = format_samples(tmp_path)
    cut = tmp_path / "cut"
    for name, path in files.items():
        data = open(path, "rb").read()
        ok(convert("openssh", "dropbear", path, str(tmp_path / (name + ".db")), passphrase=PASS))
        if name == "openssh":
            offsets = range(len(data) - 1)  # every one
        else:
            offsets = sorted(set([0, 1, 10, 36, len(data) // 2, len(data) - 2] +
                                 rnd.sample(range(len(data) - 1), 25)))
        for n in offsets:
            cut.write_bytes(data[:n])
            one_error_line(convert("openssh", "dropbear", str(cut), str(tmp_path / "never"),
                                   passphrase=PASS))
        assert not os.path.exists(str(tmp_path / "never"))


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="no valgrind")
def test_truncations_under_valgrind(tmp_path):
    files = format_samples(tmp_path)
    cut = tmp_path / "cut"
    for name, path in files.items():
        data = open(path, "rb").read()
        for n in (len(data) // 3, len(data) - 40):
            cut.write_bytes(data[:n])
            r = subprocess.run(["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                                MULTI, "dropbearconvert", "openssh", "dropbear", str(cut),
                                str(tmp_path / "never")],
                               env=clean_env(DROPBEAR_PASSPHRASE=PASS), capture_output=True,
                               text=True, timeout=TIMEOUT, start_new_session=True,
                               stdin=subprocess.DEVNULL)
            assert r.returncode == 1, (name, n, r.stderr)


@pytest.mark.parametrize("t", ["ed25519", "ecdsa", "rsa"])
def test_system_host_keys(tmp_path, t):
    """/etc/ssh/ssh_host_*_key convert as they are (a server moved from OpenSSH)."""
    key = "/etc/ssh/ssh_host_%s_key" % t
    if not os.access(key, os.R_OK):
        pytest.skip("%s not readable" % key)
    db = str(tmp_path / "host")
    ok(convert("openssh", "dropbear", key, db))
    pub = open(key + ".pub").read().split()[:2]
    assert public_line(ok(ours("dropbearkey", "-y", "-f", db)).stdout).split()[:2] == pub


def test_blowfish_table_is_reproducible():
    """The pi table in common/bcrypt.c is exactly what tests/gen_blowfish_pi.py prints."""
    src = open(os.path.join(ROOT, "common", "bcrypt.c")).read()
    m = re.search(r"/\* BEGIN tests/gen_blowfish_pi.py \*/\n(.*?)/\* END tests/gen_blowfish_pi.py",
                  src, re.S)
    assert m
    gen = run("/usr/bin/python3", os.path.join(ROOT, "tests", "gen_blowfish_pi.py"), text=True)
    assert ok(gen).stdout == m.group(1)
