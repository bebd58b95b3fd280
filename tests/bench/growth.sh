# The growth case of `make bench` (sourced by tests/bench/run.sh): does the
# order page cost the same on a shop with a history as on a fresh one
# (DESIGN.md, Data: costs stay flat as the shop's history grows)?
#
# Two installations, provisioned alike (hallmarkctl init, a shop "bench"
# with its owner signed in through the real login form, the demo shop's
# jobs, BENCH_GROWTH_JOBS repairs booked in through the staff form) and
# served alike (each by its own lighttpd from the same example
# configuration, the same hallmark.conf keys). Then "after" receives
# BENCH_GROWTH_WRITES writes through the real CGIs (tests/bench/writes.lua:
# customer messages to the booked jobs and staff stage moves, half each,
# rotating over every booked job), and "before" none.
#
# Measured on both: the demo's first "In progress" job's order page. It
# belongs to the demo shop, which the writes never touch, so its page is the
# same on both (the report shows both sizes); what differs is everything
# around it: the tables, the WAL, the rate-limit store. At 1 and 16
# connections, a checked warm-up of each, then BENCH_GROWTH_ROUNDS 1 s rounds
# (default twice BENCH_SECONDS: a 5% difference needs more rounds than the
# order case's 20%) that take turns between the two (which goes first
# alternates); the ratio after/before is taken round by round, and the
# median kept.
#
# Environment: BENCH_GROWTH_WRITES (default 20000), BENCH_GROWTH_JOBS
# (default 200), BENCH_GROWTH_CONNS (connections making the writes,
# default 2: the write rate is highest there; contention is the write
# case's business).

case_growth() {
	gw=${BENCH_GROWTH_WRITES:-20000}
	gjobs=${BENCH_GROWTH_JOBS:-200}
	gconns=${BENCH_GROWTH_CONNS:-2}
	growth_pct=95
	gb_=$tmp/before ga_=$tmp/after
	echo
	echo "=== growth: the order page on a fresh installation and after $gw writes ==="
	for g_ in "$gb_" "$ga_"; do
		install_new "$g_" "$raised_limits"
		serve "$g_"
		login "$g_"
		book_jobs "$g_" "$gjobs"
	done
	targets "$ga_"
	gt=2
	[ "$gconns" -ge 2 ] || gt=1
	echo "both: $gjobs jobs booked in through the staff form, rate limits raised" \
		"($(echo "$raised_limits" | sed 's/ = [0-9]*//' | tr '\n' ' ' | sed 's/ $//'))"
	echo "before the writes: $(sizes "$ga_")"
	echo "writing: $gw writes through the CGIs at $gconns connections" \
		"(customer messages and stage moves, half each, over $gjobs jobs)..."
	t0=$(date +%s%N)
	drive "$ga_" "$gconns" "$gt" 3600 $(( (gw + gt - 1) / gt ))
	t1=$(date +%s%N)
	gsizes=$(sizes "$ga_")
	awk -v r="$wres" -v ns=$((t1 - t0)) 'BEGIN {
		n = split(r, f, " ")
		for (i = 2; i <= n; i++) { split(f[i], a, "="); v[a[1]] = a[2] }
		printf "  %d writes answered 2xx/3xx (%d messages, %d stage moves) in %.1f s, %.0f writes/s;\n",
			v["ok"], v["ok_msg"], v["ok_stage"], ns / 1e9, v["ok"] / (ns / 1e9)
		printf "  %d answered 503, %d another error status, %d socket errors, %d timeouts\n",
			v["s503"], v["other"], v["sockerr"], v["timeouts"]
	}'
	echo "after the writes:  $gsizes"
	echo "largest WAL seen while writing: $walmax bytes"
	wal_note "$gsizes"

	btid=$(demo_tid "$gb_") atid=$(demo_tid "$ga_")
	burl=$(cat "$gb_/base")/track/$btid aurl=$(cat "$ga_/base")/track/$atid
	rounds=${BENCH_GROWTH_ROUNDS:-$((2 * bench_secs))} round_secs=1
	echo "measured on both: the demo's first \"In progress\" job's page (not written to)"
	echo "each: ${bench_warm}s checked warm-up, then $rounds round(s) of ${round_secs}s taking turns"
	load_note
	gres_=$tmp/growth.results
	: > "$gres_"
	for c in 1 16; do
		t=1
		[ "$c" = 1 ] || t=2
		warm_up before "$burl" "$btid" "$c" "$t" "$gres_"
		warm_up after "$aurl" "$atid" "$c" "$t" "$gres_"
		r=1
		while [ $r -le $rounds ]; do
			if [ $((r % 2)) = 1 ]; then
				measure before "$burl" "$c" "$t" "$r" "$gres_"
				measure after "$aurl" "$c" "$t" "$r" "$gres_"
			else
				measure after "$aurl" "$c" "$t" "$r" "$gres_"
				measure before "$burl" "$c" "$t" "$r" "$gres_"
			fi
			r=$((r + 1))
		done
	done
	unserve "$gb_"
	unserve "$ga_"

	echo
	awk -v target="$growth_pct" -v writes="$gw" "$awk_lib"'
	{ take() }
	END {
		header()
		for (ci = 1; ci <= 2; ci++) {
			c = ci == 1 ? 1 : 16
			row("before", c, "fresh installation")
			row("after", c, "after " writes " writes")
		}
		printf "* median over the rounds; latencies as wrk reports them\n"
		printf "page measured: %d bytes fresh, %d bytes after the writes\n",
			wbytes["before" SUBSEP 1], wbytes["after" SUBSEP 1]
		m1 = ratio("after", "before", 1); s1 = sprintf("%.1f%% (%.1f-%.1f)", m1, lo, hi)
		m16 = ratio("after", "before", 16); s16 = sprintf("%.1f%% (%.1f-%.1f)", m16, lo, hi)
		printf "\n%-28s %20s %20s\n", "ratio of req/s (median,", "1 conn", "16 conns"
		printf "%-28s %20s %20s\n", " min-max over rounds)", "", ""
		printf "%-28s %20s %20s\n", "after / before", s1, s16
		bad = 0
		for (ci = 1; ci <= 2; ci++) {
			c = ci == 1 ? 1 : 16
			bad += non["after" SUBSEP c] + sock["after" SUBSEP c] + wb["after" SUBSEP c]
			bad += non["before" SUBSEP c] + sock["before" SUBSEP c] + wb["before" SUBSEP c]
		}
		printf "\ntarget: after the writes the order page keeps >= %d%% of its req/s, at 1 and\n", target
		printf "        at 16 connections, with no non-2xx responses and no socket errors\n"
		if (m1 >= target && m16 >= target && bad == 0)
			printf "result: PASS (%.1f%% at 1 connection, %.1f%% at 16)\n", m1, m16
		else {
			why = ""
			if (m1 < target) why = sprintf("%.1f%% < %d%% at 1 connection", m1, target)
			if (m16 < target) why = why (why == "" ? "" : "; ") sprintf("%.1f%% < %d%% at 16", m16, target)
			if (bad > 0) why = why (why == "" ? "" : "; ") sprintf("%d failed requests", bad)
			printf "result: BELOW TARGET (%s)\n", why
		}
	}' "$gres_" | tee "$tmp/growth.report"
	sed -n 's/^result: /order page after the writes: /p' "$tmp/growth.report" >> "$tmp/summary"

	# What the writes left behind (read-only, after the measurement).
	for g_ in "$gb_" "$ga_"; do
		case $g_ in "$gb_") gl_="fresh:" ;; *) gl_="after:" ;; esac
		fk_=0
		if [ -n "$(sql "$g_" "SELECT 1 FROM sqlite_master WHERE name = 'form_keys'")" ]; then fk_=1; fi
		printf '%-7s %s\n' "$gl_" "$(sql "$g_" "SELECT (SELECT count(*) FROM messages) || ' messages, ' ||
			(SELECT count(*) FROM job_events) || ' job events, ' ||
			(SELECT count(*) FROM jobs) || ' jobs' $([ $fk_ = 1 ] &&
			echo "|| ', ' || (SELECT count(*) FROM form_keys) || ' form keys'")")"
	done
	cgi_log "$ga_"
}
