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
# The server and client parts once more against the ASan+UBSan build (make SAN=1): any
# report aborts the process that made it (halt_on_error, abort_on_error) and is written
# under build/san-logs, which must stay empty; a connection process may have no stderr
# the test sees, so the logs are checked after the run. Leak checking is off: every
# connection process ends with exit() from wherever it stands, by design.
# (278 tests, 171 s on the shared 2-core machine)
SAN_TESTS="test_transport.py test_auth.py test_session.py test_client.py test_forward.py
	test_sftp.py test_hardening.py test_probes.py"
if [ -x build/san/dropbearmulti ]; then
	sanlogs="$PWD/build/san-logs"
	rm -rf "$sanlogs" && mkdir -p "$sanlogs" && chmod 1777 "$sanlogs" # the user's processes log too
	set --
	san_files=
	for t in $SAN_TESTS; do san_files="$san_files tests/interop/$t"; done
	san_start=$(date +%s)
	INTEROP_TESTS="$san_files" DBMULTI="$PWD/build/san/dropbearmulti" \
	ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:log_path=$sanlogs/asan" \
	UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$sanlogs/ubsan" \
		interop sanitizers "$out/interop-san.xml" "$@"
	echo "interop (sanitizers): $(( $(date +%s) - san_start )) s"
	if [ -n "$(ls -A "$sanlogs")" ]; then
		echo "interop (sanitizers): reports in $sanlogs:"
		for f in "$sanlogs"/*; do echo "== $f"; head -n 40 "$f"; done
		if_=$((if_ + 1))
	fi
else
	echo "interop (sanitizers): build/san/dropbearmulti not built"; if_=$((if_ + 1))
fi
passed=$(( ${up:-0} + ip )); failed=$(( ${uf:-1} + if_ ))
if [ "${isk:-0}" -gt 0 ]; then
	echo "check: $passed passed, $failed failed, ${isk} skipped"
else
	echo "check: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
