#!/bin/sh
# `make bench`: Hallmark's costs measured beside baselines run in the same
# invocation, on the same lighttpd, never against a clock:
#
#   order   the customer's order page (/track/<ID>) beside a minimal SQLite
#           CGI and a static file (tests/bench/order.sh);
#   growth  the order page on a fresh installation and on one after
#           BENCH_GROWTH_WRITES (20,000) writes made through the real CGIs,
#           side by side (tests/bench/growth.sh);
#   writes  BENCH_WRITERS (40) concurrent writers, customers and staff:
#           writes/s, latency, 503s (tests/bench/writes.sh);
#   languages  the order page in English, Spanish and Arabic beside the same
#           page from before Hallmark had languages (tests/bench/languages.sh).
#
# Each prints its figures, its target and whether it is met; a summary of
# the targets ends the run. A benchmark, not a timed test: it exits
# non-zero only when something failed to run. The default run takes about
# four minutes on an idle two-core machine (much longer on a busy one),
# most of it making the growth case's writes.
#
# Environment:
#   BENCH_CASES    which cases, in order (default "order growth writes languages")
#   BENCH_TREE     the checkout whose build is measured (default this one;
#                  it must have been built with make). Its CGIs, templates,
#                  static files and lighttpd example are used, with these
#                  scripts: e.g. BENCH_TREE=/tmp/old to measure an old commit.
#   BENCH_SECONDS  measured seconds per target and connection count (default
#                  5, in 1 s rounds), BENCH_WARMUP (default 1)
#   BENCH_GROWTH_WRITES, BENCH_GROWTH_JOBS, BENCH_GROWTH_CONNS,
#   BENCH_GROWTH_ROUNDS                                         (growth.sh)
#   BENCH_WRITERS, BENCH_WRITE_SECONDS, BENCH_WRITE_JOBS        (writes.sh)
#   BENCH_BASE_TREE, BENCH_LANG_ROUNDS                          (languages.sh)
#   BENCH_KEEP=1   keep the installations (databases, logs) for a look after
#
# Needs lighttpd, wrk, curl and sqlite3 (the Makefile's DEB_BENCH).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
bench_secs=${BENCH_SECONDS:-5}
bench_warm=${BENCH_WARMUP:-1}
cases=${BENCH_CASES:-order growth writes languages}

. "$root/tests/bench/lib.sh"
. "$root/tests/bench/order.sh"
. "$root/tests/bench/growth.sh"
. "$root/tests/bench/writes.sh"
. "$root/tests/bench/languages.sh"

for case_ in $cases; do
	case $case_ in
	order | growth | writes | languages) ;;
	*) die "unknown case $case_ in BENCH_CASES (order, growth, writes, languages)" ;;
	esac
done
for p in lighttpd wrk curl sqlite3; do
	command -v "$p" > /dev/null || die "$p is missing (make bench installs it)"
done

# Limits that refuse nothing a benchmark sends from one address: the
# growth and write cases make thousands of writes from 127.0.0.1.
raised_limits='ratelimit_messages = 1000000
ratelimit_job_messages = 1000000
ratelimit_lookups = 1000000'

bench_setup
write_lua
started=$(date +%s)
echo "measuring $tree (commit $tree_rev), lighttpd" \
	"$(lighttpd -v 2>&1 | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p'), $(nproc) CPUs," \
	"load average $(cut -d' ' -f1 /proc/loadavg); CGIs run as $web_user"
for case_ in $cases; do
	"case_$case_"
done

echo
echo "=== summary ($(( $(date +%s) - started )) s) ==="
cat "$tmp/summary"
exit 0
