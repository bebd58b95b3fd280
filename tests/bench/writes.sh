# The write case of `make bench` (sourced by tests/bench/run.sh): many
# people writing at once. BENCH_WRITERS (default 40) connections, each a
# writer waiting for its answer before the next write, for
# BENCH_WRITE_SECONDS (default 20): customer messages to BENCH_WRITE_JOBS
# (default 200) jobs and staff stage moves on them, half each
# (tests/bench/writes.lua), on a fresh installation provisioned as in the
# growth case (rate limits raised so that nothing is refused for volume).
# A 1 s warm-up at 2 connections first, not counted.
#
# Reports writes/s (answers 2xx/3xx per second), wrk's latency p50, p90,
# p99 and maximum over every answered request, the 503s, any other status
# that is not 2xx/3xx, socket errors and timeouts (wrk's timeout is 30 s,
# so slow answers are measured rather than dropped), and checks the
# database holds what was acknowledged.
# Target (DESIGN.md, Data): no 503s, no other failures, p99 under 1 s.

case_writes() {
	wconns=${BENCH_WRITERS:-40}
	wsecs=${BENCH_WRITE_SECONDS:-20}
	wjobs=${BENCH_WRITE_JOBS:-200}
	w_=$tmp/writes
	echo
	echo "=== writes: $wconns concurrent writers for ${wsecs}s ==="
	install_new "$w_" "$raised_limits"
	serve "$w_"
	login "$w_"
	book_jobs "$w_" "$wjobs"
	targets "$w_"
	echo "$wjobs jobs booked in; customer messages and staff stage moves, half each," \
		"$( [ "$(cat "$w_/fk")" = 1 ] && echo "each with a fresh form token (fk)" || echo "no form tokens (this tree has none)")"
	load_note
	drive "$w_" 2 1 1
	m0=$(sql "$w_" "SELECT count(*) FROM messages") e0=$(sql "$w_" "SELECT count(*) FROM job_events")
	# Only the measured run's log lines count (lighttpd keeps the file open).
	wlog0=0
	if [ -f "$w_/cgi.log" ]; then wlog0=$(wc -l < "$w_/cgi.log"); fi
	wt=2
	[ "$wconns" -ge 2 ] || wt=1
	drive "$w_" "$wconns" "$wt" "$wsecs"
	wpeak=$walmax
	sleep 1	# writes still in flight when wrk stopped
	wsz=$(sizes "$w_")
	m1=$(sql "$w_" "SELECT count(*) FROM messages") e1=$(sql "$w_" "SELECT count(*) FROM job_events")
	unserve "$w_"
	echo
	awk -v r="$wres" -v c="$wconns" -v dm=$((m1 - m0)) -v de=$((e1 - e0)) 'BEGIN {
		n = split(r, f, " ")
		for (i = 2; i <= n; i++) { split(f[i], a, "="); v[a[1]] = a[2] }
		secs = v["duration_us"] / 1e6
		ms = 1000
		printf "%8s %9s %9s %9s %9s %9s %6s %6s %8s\n", "writers", "writes/s", "p50", "p90",
			"p99", "max", "503", "other", "sockerr"
		printf "%8d %9.1f %7.0fms %7.0fms %7.0fms %7.0fms %6d %6d %8d\n", c, v["ok"] / secs,
			v["p50_us"] / ms, v["p90_us"] / ms, v["p99_us"] / ms, v["max_us"] / ms,
			v["s503"], v["other"], v["sockerr"] + v["timeouts"]
		printf "%d requests in %.1f s: %d answered 2xx/3xx (%d messages, %d stage moves)\n",
			v["requests"], secs, v["ok"], v["ok_msg"], v["ok_stage"]
		if (v["other"] > 0) printf "other statuses: %d, the first %d\n", v["other"], v["first_other"]
		if (v["timeouts"] > 0) printf "timeouts (no answer in 30 s): %d\n", v["timeouts"]
		printf "stored: %d messages and %d stage events more (writes still in flight when wrk\n", dm, de
		printf "        stopped are stored but not counted above)\n"
		if (dm < v["ok_msg"] || de < v["ok_stage"])
			printf "LOST: fewer rows stored than writes acknowledged\n"
		printf "\ntarget: no 503s, no other failures, p99 under 1 s\n"
		why = ""
		if (v["s503"] > 0) why = sprintf("%d 503s (%.1f%%)", v["s503"], 100 * v["s503"] / v["requests"])
		bad = v["other"] + v["sockerr"] + v["timeouts"]
		if (bad > 0) why = why (why == "" ? "" : "; ") sprintf("%d other failures", bad)
		if (v["p99_us"] >= 1e6) why = why (why == "" ? "" : "; ") sprintf("p99 %.2f s", v["p99_us"] / 1e6)
		if (dm < v["ok_msg"] || de < v["ok_stage"]) why = why (why == "" ? "" : "; ") "acknowledged writes lost"
		if (why == "")
			printf "result: PASS (%.0f writes/s, p99 %.0f ms, no 503s)\n", v["ok"] / secs, v["p99_us"] / ms
		else
			printf "result: MISSES TARGET (%s)\n", why
	}' | tee "$tmp/writes.report"
	echo "after the writes: $wsz"
	echo "largest WAL seen while writing: $wpeak bytes"
	wal_note "$wsz"
	sed -n "s/^result: /$wconns writers: /p" "$tmp/writes.report" >> "$tmp/summary"
	cgi_log "$w_" "$wlog0"
}
