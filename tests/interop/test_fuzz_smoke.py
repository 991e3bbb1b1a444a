"""Every libFuzzer target under tests/fuzz builds and survives a short run.

This is a smoke test (CI minutes are limited); long runs are done by hand:
    make fuzz && build/fuzz/fuzz_NAME -max_total_time=600
"""
import glob
import os
import subprocess

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGETS = sorted(os.path.splitext(os.path.basename(p))[0]
                 for p in glob.glob(os.path.join(ROOT, "tests", "fuzz", "fuzz_*.c")))
SECONDS = int(os.environ.get("FUZZ_SMOKE_SECONDS", "10"))


@pytest.fixture(scope="module")
def fuzz_build():
    r = subprocess.run(["make", "-s", "fuzz"], cwd=ROOT, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return os.path.join(ROOT, "build", "fuzz")


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_smoke(fuzz_build, target, tmp_path):
    corpus = os.path.join(ROOT, "tests", "fuzz", "corpus", target)
    args = [os.path.join(fuzz_build, target), "-max_total_time=%d" % SECONDS,
            "-rss_limit_mb=1024", "-timeout=10", str(tmp_path)]
    if os.path.isdir(corpus):
        args.append(corpus)
    r = subprocess.run(args, cwd=str(tmp_path), capture_output=True, text=True,
                       timeout=SECONDS + 120)
    assert r.returncode == 0, r.stderr[-4000:]
    assert "Done" in r.stderr, r.stderr[-2000:]
