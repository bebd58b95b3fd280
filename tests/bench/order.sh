# The order case of `make bench` (sourced by tests/bench/run.sh):
# throughput of the customer's order page (/track/<ID>) beside two
# baselines measured in the same run, on the same lighttpd:
#   - a minimal SQLite CGI (tests/bench/minimal.c): same database opened
#     read-only, one indexed query, a small page; built with the real CGIs'
#     compiler flags and static linking, taken from the Makefile;
#   - a static file of 6 KB.
# Each at 1 connection (wrk -t1 -c1) and 16 connections (wrk -t2 -c16):
# a checked warm-up, then BENCH_SECONDS of measurement in 1 s rounds that
# take turns between the three. The installation is provisioned with the
# shipped defaults (rate limiting on).

case_order() {
	target_pct=80
	od_=$tmp/order
	echo
	echo "=== order page beside a minimal SQLite CGI and a static file ==="
	mkdir -p "$tmp/bench-cgi" "$tmp/bench-static"
	set -f	# the flags are word-split on purpose, never globbed
	echo "building tests/bench/minimal.c: $cc $cflags ... $ldflags $static ... $libs"
	# (The linker's warning about dlopen in static SQLite is the same one
	# the real CGIs get; it is shown only if the build fails.)
	$cc $cppflags $warn $cflags -c "$root/tests/bench/minimal.c" -o "$tmp/minimal.o" > "$tmp/build.log" 2>&1 &&
		$cc $ldflags $static -o "$tmp/bench-cgi/minimal.cgi" "$tmp/minimal.o" $libs >> "$tmp/build.log" 2>&1 ||
		{ cat "$tmp/build.log" >&2; die "tests/bench/minimal.c did not build"; }
	set +f
	for f in "$cgi_bin/order.cgi" "$tmp/bench-cgi/minimal.cgi"; do
		if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then
			link=dynamically
		else
			link=statically
		fi
		echo "  $(basename "$f"): $link linked, $(wc -c < "$f") bytes"
	done

	# No ratelimit_* keys: the limiter runs at its defaults, as customers
	# get it. Successful lookups are not counted against a client, so the
	# order page must answer 200 throughout.
	install_new "$od_"
	tid=$(demo_tid "$od_")

	# A 6 KB static page, served by the same lighttpd.
	{
		printf '<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>bench-static</title>\n'
		i=0
		while [ $i -lt 60 ]; do
			printf '<p>Static baseline paragraph %02d: the server floor for a page of this size.</p>\n' $i
			i=$((i + 1))
		done
	} | head -c 6144 > "$tmp/bench-static/page.html"

	# lighttpd: the shipped configuration plus the two baselines.
	cat > "$tmp/order-lighttpd.extra" <<EOF

# --- added by tests/bench/run.sh ---
alias.url += (
  "/bench/minimal.cgi" => "$tmp/bench-cgi/minimal.cgi",
  "/bench/static/"     => "$tmp/bench-static/",
)
mimetype.assign += ( ".html" => "text/html; charset=utf-8" )
\$HTTP["url"] =~ "^/bench/minimal\\.cgi(/|\$)" {
  cgi.assign = ( ".cgi" => "" )
  setenv.set-environment = ( "BENCH_DATABASE" => "$od_/hallmark.db" )
}
EOF
	serve "$od_" "$tmp/order-lighttpd.extra"
	base=$(cat "$od_/base")

	rounds=$bench_secs round_secs=1
	if [ "$bench_secs" -lt 3 ]; then rounds=1 round_secs=$bench_secs; fi
	static_url=$base/bench/static/page.html
	minimal_url=$base/bench/minimal.cgi/$tid
	order_url=$base/track/$tid

	echo "lighttpd $(lighttpd -v 2>&1 | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p') on $base," \
		"$(nproc) CPUs, load average $(cut -d' ' -f1 /proc/loadavg)"
	echo "each target: ${bench_warm}s checked warm-up, then $rounds round(s) of ${round_secs}s taking turns"
	echo "order page: /track/$tid (rate limiting at the shipped defaults)"
	load_note
	res_=$tmp/order.results
	: > "$res_"
	for c in 1 16; do
		t=1
		[ "$c" = 1 ] || t=2
		warm_up static "$static_url" "bench-static" "$c" "$t" "$res_"
		warm_up minimal "$minimal_url" "$tid" "$c" "$t" "$res_"
		warm_up order "$order_url" "$tid" "$c" "$t" "$res_"
		r=1
		while [ $r -le $rounds ]; do
			measure static "$static_url" "$c" "$t" "$r" "$res_"
			measure minimal "$minimal_url" "$c" "$t" "$r" "$res_"
			measure order "$order_url" "$c" "$t" "$r" "$res_"
			r=$((r + 1))
		done
	done
	unserve "$od_"

	echo
	awk -v target="$target_pct" "$awk_lib"'
	{ take() }
	END {
		split("static minimal order", names, " ")
		label["static"] = "static file, 6 KB"
		label["minimal"] = "minimal SQLite CGI"
		label["order"] = "order page /track/ID"
		header()
		for (ci = 1; ci <= 2; ci++) {
			c = ci == 1 ? 1 : 16
			for (i = 1; i <= 3; i++) row(names[i], c, label[names[i]])
		}
		printf "* median over the rounds; latencies as wrk reports them\n"
		printf "\n%-28s %20s %20s\n", "ratio of req/s (median,", "1 conn", "16 conns"
		printf "%-28s %20s %20s\n", " min-max over rounds)", "", ""
		split("order minimal order static minimal static", pairs, " ")
		split("order page / minimal CGI|order page / static file|minimal CGI / static file", plabel, "|")
		for (p = 1; p <= 3; p++) {
			num = pairs[2 * p - 1]; den = pairs[2 * p]
			m1 = ratio(num, den, 1); s1 = sprintf("%.1f%% (%.1f-%.1f)", m1, lo, hi)
			m16 = ratio(num, den, 16); s16 = sprintf("%.1f%% (%.1f-%.1f)", m16, lo, hi)
			printf "%-28s %20s %20s\n", plabel[p], s1, s16
			if (p == 1) got = m16
		}
		o = "order" SUBSEP 16
		printf "\ntarget: at 16 connections the order page reaches >= %d%% of the minimal SQLite CGI\n", target
		printf "        with no non-2xx responses and no socket errors\n"
		if (got >= target && non[o] == 0 && sock[o] == 0 && wb[o] == 0)
			printf "result: PASS (%.0f%%, 0 non-2xx)\n", got
		else {
			why = ""
			if (got < target) why = sprintf("%.0f%% < %d%%", got, target)
			if (non[o] + wb[o] > 0) why = why (why == "" ? "" : "; ") sprintf("%d non-2xx (+%d non-200 in the warm-up)", non[o], wb[o])
			if (sock[o] > 0) why = why (why == "" ? "" : "; ") sprintf("%d socket errors", sock[o])
			printf "result: BELOW TARGET (%s)\n", why
		}
	}' "$res_" | tee "$tmp/order.report"
	sed -n 's/^result: /order page vs minimal CGI: /p' "$tmp/order.report" >> "$tmp/summary"
	cgi_log "$od_"
}
