"""The portable AES, CTR, CBC, GHASH and GCM (common/crypto/aes_ct.c, ghash_ct.c) under
valgrind with their secrets marked undefined (tests/ct/aes_taint.c): no branch and no
memory index may depend on key, IV or data. libtomcrypt's T-table AES must be reported
by the same check, so that a silent valgrind cannot pass it. Not a timing test: memcheck
follows data flow, so the result is the same on a loaded machine."""
import os
import shutil
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

pytestmark = pytest.mark.skipif(not shutil.which("valgrind") or
                                not os.path.exists("/usr/include/valgrind/memcheck.h"),
                                reason="needs valgrind and its headers")


@pytest.fixture(scope="module")
def taint(tmp_path_factory):
    exe = str(tmp_path_factory.mktemp("ct") / "aes_taint")
    # -Os as the shipped objects are built (crypto/ gets -Os in every build)
    r = subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Os", "-g", "-I" + ROOT,
                        "-I" + os.path.join(ROOT, "common"),
                        os.path.join(ROOT, "tests", "ct", "aes_taint.c"),
                        os.path.join(ROOT, "common", "crypto", "aes_ct.c"),
                        os.path.join(ROOT, "common", "crypto", "ghash_ct.c"),
                        "-ltomcrypt", "-o", exe], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    return exe


def memcheck(exe, *args):
    return subprocess.run(["valgrind", "-q", "--error-exitcode=99", exe] + list(args),
                          capture_output=True, text=True, timeout=300)


def test_portable_aes_gcm_no_secret_branch_or_index(taint):
    r = memcheck(taint)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "uninitialised" not in r.stderr, r.stderr[-4000:]


def test_table_aes_is_caught(taint):
    r = memcheck(taint, "ltc")
    assert r.returncode == 99, r.stderr[-2000:]
    assert "Use of uninitialised value of size 8" in r.stderr
