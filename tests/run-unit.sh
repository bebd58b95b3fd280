#!/bin/sh
# Runs each unit-test binary; each prints "<name>: N passed, N failed".
status=0
for t in "$@"; do
	"$t" || status=1
done
exit $status
