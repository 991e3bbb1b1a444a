#!/bin/sh
# make check: unit tests, then interop tests; closes with one combined line
# "check: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
out=build/test-results; mkdir -p "$out"
sh tests/run-unit.sh "$@" | tee "$out/unit.txt"
uf=$(tail -n 1 "$out/unit.txt" | sed -n 's/^unit: [0-9]* passed, \([0-9]*\) failed$/\1/p')
up=$(tail -n 1 "$out/unit.txt" | sed -n 's/^unit: \([0-9]*\) passed, [0-9]* failed$/\1/p')
# counts FILE: "passed failed skipped" of a JUnit report
counts() {
	/usr/bin/python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
suites = [r] if r.tag == "testsuite" else list(r)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
sk = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - sk, f, sk)
PY
}
ip=0; if_=0; isk=0
# interop RUN_NAME XML [pytest args]: one run of the interop suite, added to the totals.
interop() {
	name=$1 xml=$2; shift 2
	rm -f "$xml"
	echo "interop ($name):"
	INTEROP_XML=$xml sh tests/run-interop.sh "$@"; irc=$?
	p=0 f=0 s=0
	[ -f "$xml" ] && set -- $(counts "$xml") && p=$1 f=$2 s=$3
	[ "$irc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	ip=$((ip + p)); if_=$((if_ + f)); isk=$((isk + s))
}
interop dynamic "$out/interop.xml"
# The same suite against the static musl binary (make check builds it), but for the tests
# that do not run our binary (fuzz targets, the minimal build's own tests).
if [ -x build/static/dropbearmulti ]; then
	export DBMULTI="$PWD/build/static/dropbearmulti"
	interop static "$out/interop-static.xml" \
		--ignore=tests/interop/test_fuzz_smoke.py --ignore=tests/interop/test_minimal.py
	unset DBMULTI
else
	echo "interop (static): build/static/dropbearmulti not built"; if_=$((if_ + 1))
fi
passed=$(( ${up:-0} + ip )); failed=$(( ${uf:-1} + if_ ))
if [ "${isk:-0}" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, ${isk} skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
