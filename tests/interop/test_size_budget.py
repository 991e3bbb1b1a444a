"""Issue 11's size budgets, kept: the fully featured static binary (make STATIC=1) no
larger than upstream Dropbear 2026.94's static binary (../shared/peers), and the
server-only MINIMAL build (make MINIMAL=1) at most 150,000 bytes. make check builds both.
A change that crosses a budget fails here and has to pay for itself: an options.h switch
that leaves it out of the build, or savings elsewhere (make size shows where the bytes
are). The files grow in 4 kB steps, so a small change can cost a whole page."""
import os

import pytest

from conftest import ROOT

STATIC = os.path.join(ROOT, "build", "static", "dropbearmulti")
MINIMAL = os.path.join(ROOT, "build", "minimal", "dropbearmulti")
UPSTREAM = os.path.normpath(os.path.join(ROOT, "..", "shared", "peers", "dropbear-2026.94",
                                         "dropbearmulti"))
MINIMAL_BUDGET = 150000


def size_of(path):
    if not os.path.isfile(path):
        pytest.skip("%s not built" % os.path.relpath(path, ROOT))
    return os.path.getsize(path)


def test_static_no_larger_than_dropbear_2026_94():
    ours = size_of(STATIC)
    if not os.path.isfile(UPSTREAM):
        pytest.skip("no ../shared/peers/dropbear-2026.94")
    theirs = os.path.getsize(UPSTREAM)
    assert ours <= theirs, ("build/static/dropbearmulti is %d bytes, over Dropbear "
                            "2026.94's %d: see make size" % (ours, theirs))


def test_minimal_within_budget():
    ours = size_of(MINIMAL)
    assert ours <= MINIMAL_BUDGET, ("build/minimal/dropbearmulti is %d bytes, over %d: "
                                    "see make size MINIMAL=1" % (ours, MINIMAL_BUDGET))
