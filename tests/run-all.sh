#!/bin/sh
# make check: unit tests, then interop tests; closes with one combined line
# "check: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
out=build/test-results; mkdir -p "$out"
sh tests/run-unit.sh "$@" | tee "$out/unit.txt"
uf=$(tail -n 1 "$out/unit.txt" | sed -n 's/^unit: [0-9]* passed, \([0-9]*\) failed$/\1/p')
up=$(tail -n 1 "$out/unit.txt" | sed -n 's/^unit: \([0-9]*\) passed, [0-9]* failed$/\1/p')
sh tests/run-interop.sh; irc=$?
ip=0; if_=0
if [ -f "$out/interop.xml" ]; then
	set -- $(/usr/bin/python3 - "$out/interop.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
suites = [r] if r.tag == "testsuite" else list(r)
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
sk = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - sk, f, sk)
PY
)
	ip=$1; if_=$2; isk=$3
fi
[ "$irc" -eq 0 ] || [ "$if_" -gt 0 ] || if_=1
passed=$(( ${up:-0} + ip )); failed=$(( ${uf:-1} + if_ ))
if [ "${isk:-0}" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, ${isk} skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
