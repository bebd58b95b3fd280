# The languages case of `make bench` (sourced by tests/bench/run.sh): what
# choosing a page's language and looking its texts up in the catalogs cost
# the order page, against the same page built from the last commit before
# Hallmark had languages: BENCH_BASE_TREE, a checkout built with make, or
# else that commit (LANG_BASE_COMMIT) exported with git archive and built
# here, which adds a minute or two.
#
# Two installations provisioned alike by their own trees' hallmarkctl (init,
# a shop, the demo), each served by its own lighttpd from its own tree's
# example configuration. Measured, in 1 s rounds that take turns (the
# order rotates): the base tree's page of the demo's first "In progress"
# job; this tree's same page in English (the shop's language: the browser
# asks for nothing), in Spanish and in Arabic (?lang=es, ?lang=ar: the
# menu's links, which also set the cookie). The ratios are this tree's
# req/s over the base tree's, median over the rounds.

LANG_BASE_COMMIT=b138cc2

case_languages() {
	lbase=${BENCH_BASE_TREE:-}
	echo
	echo "=== languages: the order page before and after, in English, Spanish and Arabic ==="
	if [ -z "$lbase" ]; then
		lbase=$tmp/base-src
		mkdir -p "$lbase"
		if ! git -C "$root" archive "$LANG_BASE_COMMIT" 2>/dev/null | tar -x -C "$lbase"; then
			echo "skipped: commit $LANG_BASE_COMMIT is not in this checkout; set BENCH_BASE_TREE" \
				"to a checkout from before languages, built with make"
			echo "languages: skipped (no base tree)" >> "$tmp/summary"
			return 0
		fi
		echo "building commit $LANG_BASE_COMMIT (before languages) in $lbase ..."
		make -C "$lbase" -j"$(nproc)" all > "$lbase/build.log" 2>&1 ||
			{ tail -20 "$lbase/build.log" >&2; die "the base tree did not build"; }
	fi
	lbase=$(cd "$lbase" && pwd) || die "no tree at $BENCH_BASE_TREE"
	lang_pct=97
	# The base tree's files, where the web server's user reaches them.
	lroot=$tmp/base-root
	mkdir -p "$lroot/cgi-bin"
	lout=$(make -C "$lbase" --no-print-directory -s -f "$tmp/flags.mk" _bench_flags | sed -n 8p)
	case $lout in /*) ;; *) lout=$lbase/$lout ;; esac
	[ -x "$lout/order.cgi" ] || die "$lout/order.cgi is missing: run make in $lbase"
	cp -p "$lout"/*.cgi "$lout/hallmarkctl" "$lroot/cgi-bin/" &&
		cp -pR "$lbase/templates" "$lbase/static" "$lbase/conf" "$lroot/" ||
		die "could not copy the base tree's files"
	chmod -R a+rX "$lroot"

	# Provisioned and served by the base tree: the helpers read these.
	s_tree=$tree s_tmp=$tmp s_cgi=$cgi_bin s_ctl=$ctl s_hcu=$has_cgi_user
	tree=$lbase tmp=$lroot cgi_bin=$lroot/cgi-bin ctl=$lroot/cgi-bin/hallmarkctl
	has_cgi_user=0
	grep -q cgi_user "$lbase/src/lib/config.c" 2>/dev/null && has_cgi_user=1
	install_new "$s_tmp/lang-base"
	serve "$s_tmp/lang-base"
	tree=$s_tree tmp=$s_tmp cgi_bin=$s_cgi ctl=$s_ctl has_cgi_user=$s_hcu
	lb_=$tmp/lang-base ln_=$tmp/lang-now
	install_new "$ln_"
	serve "$ln_"

	btid=$(demo_tid "$lb_") ntid=$(demo_tid "$ln_")
	burl=$(cat "$lb_/base")/track/$btid
	nurl=$(cat "$ln_/base")/track/$ntid
	rounds=${BENCH_LANG_ROUNDS:-$((2 * bench_secs))} round_secs=1
	echo "base: $lbase (commit $(git -C "$lbase" rev-parse --short HEAD 2>/dev/null || echo "?"))"
	echo "measured: the demo's first \"In progress\" job's page on each;" \
		"${bench_warm}s checked warm-up, then $rounds round(s) of ${round_secs}s taking turns"
	load_note
	lres_=$tmp/languages.results
	: > "$lres_"
	for c in 1 16; do
		t=1
		[ "$c" = 1 ] || t=2
		warm_up base "$burl" "$btid" "$c" "$t" "$lres_"
		warm_up en "$nurl" "$ntid" "$c" "$t" "$lres_"
		warm_up es "$nurl?lang=es" "$ntid" "$c" "$t" "$lres_"
		warm_up ar "$nurl?lang=ar" "$ntid" "$c" "$t" "$lres_"
		r=1
		while [ $r -le $rounds ]; do
			# Each round starts with the next one of the four.
			k=0
			while [ $k -lt 4 ]; do
				i=$(( (r + k) % 4 ))
				case $i in
				0) measure base "$burl" "$c" "$t" "$r" "$lres_" ;;
				1) measure en "$nurl" "$c" "$t" "$r" "$lres_" ;;
				2) measure es "$nurl?lang=es" "$c" "$t" "$r" "$lres_" ;;
				3) measure ar "$nurl?lang=ar" "$c" "$t" "$r" "$lres_" ;;
				esac
				k=$((k + 1))
			done
			r=$((r + 1))
		done
	done
	unserve "$lb_"
	unserve "$ln_"

	echo
	awk -v target="$lang_pct" "$awk_lib"'
	{ take() }
	END {
		split("base en es ar", names, " ")
		label["base"] = "before languages"
		label["en"] = "now, English"
		label["es"] = "now, Spanish"
		label["ar"] = "now, Arabic"
		header()
		for (ci = 1; ci <= 2; ci++) {
			c = ci == 1 ? 1 : 16
			for (i = 1; i <= 4; i++) row(names[i], c, label[names[i]])
		}
		printf "* median over the rounds; latencies as wrk reports them\n"
		printf "page measured: %d bytes before, %d in English, %d in Spanish, %d in Arabic\n",
			wbytes["base" SUBSEP 1], wbytes["en" SUBSEP 1], wbytes["es" SUBSEP 1], wbytes["ar" SUBSEP 1]
		printf "\n%-28s %20s %20s\n", "ratio of req/s (median,", "1 conn", "16 conns"
		printf "%-28s %20s %20s\n", " min-max over rounds)", "", ""
		worst = 1e9
		for (i = 2; i <= 4; i++) {
			m1 = ratio(names[i], "base", 1); s1 = sprintf("%.1f%% (%.1f-%.1f)", m1, lo, hi)
			m16 = ratio(names[i], "base", 16); s16 = sprintf("%.1f%% (%.1f-%.1f)", m16, lo, hi)
			printf "%-28s %20s %20s\n", label[names[i]] " / before", s1, s16
			if (names[i] != "ar") { worst = m1 < worst ? m1 : worst; worst = m16 < worst ? m16 : worst }
		}
		bad = 0
		for (i = 1; i <= 4; i++)
			for (ci = 1; ci <= 2; ci++) {
				n = names[i] SUBSEP (ci == 1 ? 1 : 16)
				bad += non[n] + sock[n] + wb[n]
			}
		printf "\ntarget: the page in English and in Spanish keeps >= %d%% of the req/s it had\n", target
		printf "        before languages, at 1 and at 16 connections, with no failed requests\n"
		if (worst >= target && bad == 0)
			printf "result: PASS (worst %.1f%%)\n", worst
		else
			printf "result: BELOW TARGET (worst %.1f%%%s)\n", worst,
				bad ? sprintf("; %d failed requests", bad) : ""
	}' "$lres_" | tee "$tmp/languages.report"
	sed -n 's/^result: /order page with languages: /p' "$tmp/languages.report" >> "$tmp/summary"
	cgi_log "$ln_"
}
