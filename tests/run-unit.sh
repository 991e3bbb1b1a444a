#!/bin/sh
# Runs each unit-test program; prints their summaries and a closing
# "unit: N passed, N failed" line. Exit status 1 if anything failed or crashed.
passed=0; failed=0; status=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v '^unit: ' >&2
	line=$(printf '%s\n' "$out" | grep '^unit: ' | tail -n 1)
	if [ -z "$line" ]; then
		echo "unit: $t crashed or printed no summary (exit $rc)"
		failed=$((failed + 1)); status=1; continue
	fi
	echo "$line"
	p=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	passed=$((passed + p)); failed=$((failed + f))
	[ "$rc" -eq 0 ] || status=1
done
echo "unit: $passed passed, $failed failed"
exit $status
