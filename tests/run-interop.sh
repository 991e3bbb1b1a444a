#!/bin/sh
# Interop tests against real peers, with Debian's pytest and paramiko.
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/test-results
/usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml=build/test-results/interop.xml tests/interop "$@"
rc=$?
[ $rc -eq 5 ] && rc=0 # no tests collected is not a failure of the suite
exit $rc
