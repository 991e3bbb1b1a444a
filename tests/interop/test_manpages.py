"""Man pages (make man: build/man/) for every face, generated with its -h text from one
source per face (doc/FACE.opts): each renders with no warnings (man --warnings, groff
-ww), and every option on the page is in -h and every option in -h is on the page.
make install puts them in PREFIX/share/man and make uninstall removes everything it
installed."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BIN

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PAGES = {"dropbear": "8", "dbclient": "1", "dropbearkey": "1", "dropbearconvert": "1",
         "sftp-server": "8"}


def page_path(face):
    return os.path.join(os.path.dirname(BIN), "man", "%s.%s" % (face, PAGES[face]))


def help_text(face):
    r = subprocess.run([BIN, face, "-h"], capture_output=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return (r.stdout + r.stderr).decode()


@pytest.mark.parametrize("face", sorted(PAGES))
def test_page_renders_without_warnings(face):
    path = page_path(face)
    assert os.path.exists(path), "%s missing (make builds it)" % path
    if shutil.which("man"):
        r = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", path],
                           capture_output=True, timeout=60,
                           env=dict(os.environ, MANPAGER="cat", PAGER="cat", MANWIDTH="80"))
        assert r.returncode == 0 and not r.stderr.strip(), r.stderr.decode()
        assert face in r.stdout.decode()
    r = subprocess.run(["groff", "-ww", "-man", "-z", path], capture_output=True, timeout=60)
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr.decode()


@pytest.mark.parametrize("face", sorted(PAGES))
def test_page_options_match_help(face):
    src = open(page_path(face)).read()
    on_page = set(re.findall(r'^\.BI? "?\\-(\w)\b', src, re.M))
    in_help = set(re.findall(r"^-(\w)\b", help_text(face), re.M))
    assert on_page and on_page == in_help, (sorted(on_page), sorted(in_help))


def test_install_and_uninstall(tmp_path):
    if not os.path.exists(os.path.join(ROOT, "Makefile")) or \
            os.path.dirname(BIN) != os.path.join(ROOT, "build"):
        pytest.skip("not the tree's own dynamic build")
    dest = str(tmp_path / "dest")
    r = subprocess.run(["make", "-s", "install", "DESTDIR=" + dest, "PREFIX=/usr"],
                       cwd=ROOT, capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    for face, sec in PAGES.items():
        assert os.path.exists(os.path.join(dest, "usr/share/man/man%s/%s.%s" % (sec, face, sec)))
    assert os.path.exists(os.path.join(dest, "usr/sbin/dropbear"))
    r = subprocess.run(["make", "-s", "uninstall", "DESTDIR=" + dest, "PREFIX=/usr"],
                       cwd=ROOT, capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    left = [os.path.join(d, f) for d, _, fs in os.walk(dest) for f in fs]
    assert left == [], left
