# Shared by tests/bench/run.sh and its cases (sourced, POSIX sh).
#
# The tree under test is $tree (BENCH_TREE, default: this checkout): its
# build (the Makefile's OUT), templates, static files and lighttpd example
# are what gets measured, so an older checkout can be measured with this
# checkout's scripts. Every installation lives in its own directory under
# $tmp, with its own hallmark.conf, database and lighttpd on a loopback
# port, rendered from the tree's conf/lighttpd.conf.example exactly as the
# tests and `make run` render it.

die() {
	echo "bench: $*" >&2
	exit 1
}

# Processes to stop on exit (lighttpds, a wrk left running), by pid.
bench_pids=
bench_cleanup() {
	for p in $bench_pids; do
		kill "$p" 2>/dev/null || :
	done
	for p in $bench_pids; do
		wait "$p" 2>/dev/null || :
	done
	bench_pids=
	if [ -n "${tmp:-}" ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			echo "bench: kept $tmp (BENCH_KEEP=1)" >&2
		else
			rm -rf "$tmp"
		fi
	fi
}
forget_pid() {
	_keep=
	for _p in $bench_pids; do
		[ "$_p" = "$1" ] || _keep="$_keep $_p"
	done
	bench_pids=$_keep
}

# bench_setup: the temporary directory, the tree's build flags and a
# snapshot of what make built (so a rebuild in the tree during the run
# cannot swap binaries under lighttpd).
bench_setup() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	tree=$(cd "${BENCH_TREE:-$root}" && pwd) || die "no tree at $BENCH_TREE"
	# The flags come from the tree's Makefile itself (including any CC=,
	# CFLAGS= given to make), so the baseline cannot drift from the build.
	cat > "$tmp/flags.mk" <<'EOF'
include Makefile
.PHONY: _bench_flags
_bench_flags: ; @printf '%s\n' '$(CC)' '$(CPPFLAGS)' '$(WARN)' '$(CFLAGS)' '$(LDFLAGS)' '$(STATIC)' '$(LIBS_CORE)' '$(OUT)'
EOF
	make -C "$tree" --no-print-directory -s -f "$tmp/flags.mk" _bench_flags > "$tmp/flags" ||
		die "could not read the build flags from $tree/Makefile"
	flag() { sed -n "${1}p" "$tmp/flags"; }
	cc=$(flag 1) cppflags=$(flag 2) warn=$(flag 3) cflags=$(flag 4)
	ldflags=$(flag 5) static=$(flag 6) libs=$(flag 7) out=$(flag 8)
	case $out in /*) cgi_bin=$out ;; *) cgi_bin=$tree/$out ;; esac
	for f in order.cgi admin.cgi hallmarkctl; do
		[ -x "$cgi_bin/$f" ] || die "$cgi_bin/$f is missing: run make first"
	done
	# The web server's user must reach all of it, wherever the tree is:
	# CGIs, templates, and static/ and conf/ (lighttpd-conf.sh's ROOT).
	mkdir -p "$tmp/cgi-bin"
	cp -p "$cgi_bin"/*.cgi "$cgi_bin/hallmarkctl" "$tmp/cgi-bin/" &&
		cp -pR "$tree/templates" "$tmp/templates" &&
		cp -pR "$tree/static" "$tmp/static" &&
		cp -pR "$tree/conf" "$tmp/conf" ||
		die "could not copy the CGIs, templates, static files and configuration"
	chmod 755 "$tmp" && chmod -R a+rX "$tmp" || die "cannot open $tmp to the web server"
	cgi_bin=$tmp/cgi-bin
	ctl=$cgi_bin/hallmarkctl
	# The user lighttpd runs the CGIs as: the rendered configuration's
	# server.username when we are root (trees whose example drops root
	# to www-data, whose CGIs refuse to run as root and whose hallmarkctl
	# runs only as cgi_user), else whoever runs this.
	web_user=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		u=$(sh "$tree/src/scripts/lighttpd-conf.sh" "$tmp" "$cgi_bin" /dev/null "$tmp" 1 |
			sed -n 's/^[[:space:]]*server\.username[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p')
		if [ -n "$u" ]; then
			id "$u" > /dev/null 2>&1 || die "lighttpd would run as $u, who does not exist"
			web_user=$u
		fi
	fi
	# hallmark.conf learns who owns the state, in trees that have the key.
	has_cgi_user=0
	grep -q cgi_user "$tree/src/lib/config.c" 2>/dev/null && has_cgi_user=1
	tree_rev=$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo "?")
	if git -C "$tree" status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
		tree_rev="$tree_rev+changes"
	fi
	: > "$tmp/summary"
}

# as_web CMD...: runs CMD as the web server's user (root switches to it).
as_web() {
	if [ "$web_user" = "$(id -un)" ]; then
		"$@"
	else
		runuser -u "$web_user" -- "$@"
	fi
}

pick_port() {
	# 20000-59999, from the kernel's randomness; lighttpd tells us if taken.
	port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
}

# write_conf DIR PORT: DIR/hallmark.conf, the shipped defaults plus the
# lines in DIR/extra.conf (if any).
write_conf() {
	{
		echo "# Written by tests/bench/run.sh."
		echo "database = $1/hallmark.db"
		echo "media_dir = $1/media"
		echo "secret_key_file = $1/secret.key"
		echo "templates_dir = $tmp/templates"
		echo "base_url = http://127.0.0.1:$2"
		echo "default_timezone = Europe/London"
		if [ "$has_cgi_user" = 1 ]; then echo "cgi_user = $web_user"; fi
		if [ -f "$1/extra.conf" ]; then cat "$1/extra.conf"; fi
	} > "$1/hallmark.conf"
}

# install_new DIR [EXTRA_CONF_LINES]: a provisioned installation, as an
# operator makes one: hallmarkctl init, a shop "bench" with an owner
# "bench" (password in DIR/password), and the demo shop's jobs
# (hallmarkctl demo, its output in DIR/demo.txt).
install_new() {
	d=$1
	mkdir -p "$d"
	# The state belongs to the web server's user, which runs hallmarkctl.
	if [ "$web_user" != "$(id -un)" ]; then
		chown "$web_user:" "$d" || die "cannot give $d to $web_user"
	fi
	if [ -n "${2:-}" ]; then printf '%s\n' "$2" > "$d/extra.conf"; fi
	pick_port
	echo "$port" > "$d/port"
	write_conf "$d" "$port"
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n' > "$d/password"
	echo >> "$d/password"
	hc="HALLMARK_CONFIG=$d/hallmark.conf"
	as_web env "$hc" "$ctl" init > "$d/provision.log" 2>&1 &&
		as_web env "$hc" "$ctl" shop add bench "Bench Jewellers" Europe/London >> "$d/provision.log" 2>&1 &&
		as_web env "$hc" "$ctl" user add bench bench "Bench Staff" < "$d/password" >> "$d/provision.log" 2>&1 &&
		as_web env "$hc" "$ctl" demo "http://127.0.0.1" > "$d/demo.txt" 2>> "$d/provision.log" ||
		{ cat "$d/provision.log" >&2; die "provisioning $d failed"; }
}

# demo_tid DIR: the tracking ID of the demo's first job "In progress"
# (booked in, then four stage moves with notes).
demo_tid() {
	t=$(awk '$1 == "In" && $2 == "progress" { sub(/.*\/track\//, "", $3); print $3; exit }' "$1/demo.txt")
	case $t in
	???-????-????-????-????) echo "$t" ;;
	*) cat "$1/demo.txt" >&2; die "no tracking ID in the demo output" ;;
	esac
}

# serve DIR [LIGHTTPD_EXTRA]: starts lighttpd for the installation on its
# port (another one, rewriting base_url, if that is taken); the extra
# file's lines are appended to the rendered configuration.
serve() {
	d=$1 extra=${2:-}
	tries=0
	until start_lighttpd "$d" "$extra"; do
		tries=$((tries + 1))
		[ $tries -lt 5 ] || die "lighttpd would not start: $(cat "$d/lighttpd.out" "$d/error.log")"
		pick_port
		echo "$port" > "$d/port"
		write_conf "$d" "$port"	# base_url follows the port
	done
	echo "http://127.0.0.1:$(cat "$d/port")" > "$d/base"
}

start_lighttpd() {
	d=$1
	sh "$tree/src/scripts/lighttpd-conf.sh" "$tmp" "$cgi_bin" "$d/hallmark.conf" "$d" \
		"$(cat "$d/port")" > "$d/lighttpd.conf"
	if [ -n "$2" ]; then
		# A type for .html only where the example has none (a second
		# one is an error).
		if grep -q '"\.html"' "$d/lighttpd.conf"; then
			grep -v '^mimetype\.assign += ( "\.html"' "$2" >> "$d/lighttpd.conf"
		else
			cat "$2" >> "$d/lighttpd.conf"
		fi
	fi
	rm -f "$d/error.log"	# lighttpd creates it, as the user it runs as
	lighttpd -tt -f "$d/lighttpd.conf" > "$d/lighttpd.check" 2>&1 ||
		{ cat "$d/lighttpd.check" >&2; die "lighttpd rejected the configuration"; }
	lighttpd -D -f "$d/lighttpd.conf" > "$d/lighttpd.out" 2>&1 &
	lp=$!
	bench_pids="$bench_pids $lp"
	# Ready once it logs "server started"; gone if the port was taken.
	n=0
	while [ $n -lt 100 ]; do
		if grep -q 'server started' "$d/error.log" 2>/dev/null; then
			echo "$lp" > "$d/pid"
			return 0
		fi
		if ! kill -0 "$lp" 2>/dev/null; then
			wait "$lp" 2>/dev/null || :
			forget_pid "$lp"
			return 1
		fi
		sleep 0.05
		n=$((n + 1))
	done
	die "lighttpd did not start: $(cat "$d/lighttpd.out" "$d/error.log")"
}

# unserve DIR: stops the installation's lighttpd.
unserve() {
	[ -f "$1/pid" ] || return 0
	lp=$(cat "$1/pid")
	kill "$lp" 2>/dev/null || :
	wait "$lp" 2>/dev/null || :
	forget_pid "$lp"
	rm -f "$1/pid"
}

# --- a signed-in member of staff, with curl --------------------------------
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$1" | head -n 1; }

# login DIR: signs "bench" in through the real /admin/login form (GET for
# the hm_login cookie and the form's csrf, POST with Origin); the cookies
# stay in DIR/cookies. Then reads a signed-in page for the session's CSRF
# token, the default workflow, and whether forms carry a form token (fk).
login() {
	d=$1 base=$(cat "$1/base")
	jar=$d/cookies
	rm -f "$jar"
	curl -sS -c "$jar" -b "$jar" -o "$d/login.html" "$base/admin/login" ||
		die "GET /admin/login failed"
	tok=$(csrf_of "$d/login.html")
	[ -n "$tok" ] || die "no csrf field on /admin/login"
	st=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' -H "Origin: $base" \
		--data-urlencode "username=bench" --data-urlencode "password=$(cat "$d/password")" \
		--data-urlencode "csrf=$tok" "$base/admin/login") || die "POST /admin/login failed"
	[ "$st" = 303 ] || die "signing in answered $st, not 303"
	awk '$6 == "hm_session" { print $7 }' "$jar" > "$d/session"
	[ -s "$d/session" ] || die "no hm_session cookie after signing in"
	curl -sS -b "$jar" -o "$d/new.html" "$base/admin/jobs/new" || die "GET /admin/jobs/new failed"
	csrf_of "$d/new.html" > "$d/csrf"
	[ -s "$d/csrf" ] || die "no csrf field on /admin/jobs/new"
	sed -n 's/.*name="workflow" value="\([0-9]*\)" checked.*/\1/p' "$d/new.html" | head -n 1 > "$d/workflow"
	[ -s "$d/workflow" ] || die "no default workflow on /admin/jobs/new"
	if grep -q 'name="fk"' "$d/new.html"; then echo 1; else echo 0; fi > "$d/fk"
}

# book_jobs DIR N: N repairs booked in through the staff form (one curl,
# one connection), each answered 303.
book_jobs() {
	d=$1 n=$2 base=$(cat "$1/base")
	wf=$(cat "$d/workflow") tok=$(cat "$d/csrf") sess=$(cat "$d/session")
	i=1
	while [ "$i" -le "$n" ]; do
		[ "$i" = 1 ] || echo "next"
		printf 'url = "%s/admin/jobs/new"\n' "$base"
		printf 'data = "workflow=%s&customer_name=Bench+Customer+%d&item_type=Ring&csrf=%s"\n' \
			"$wf" "$i" "$tok"
		printf 'header = "Origin: %s"\ncookie = "hm_session=%s"\n' "$base" "$sess"
		printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n'
		i=$((i + 1))
	done > "$d/book.curl"
	curl -sS -K "$d/book.curl" > "$d/book.out" 2>&1 || { tail -3 "$d/book.out" >&2; die "booking in failed"; }
	good=$(grep -c '^303$' "$d/book.out" || :)
	[ "$good" = "$n" ] || die "booking in: $good of $n answered 303 ($(sort "$d/book.out" | uniq -c | tr '\n' ' '))"
}

# sql DIR QUERY: reads the installation's database (read-only, so nothing
# is checkpointed or changed by looking; as the web server's user, so no
# file SQLite might create is someone else's).
sql() { as_web sqlite3 -readonly -separator ' ' -cmd '.timeout 10000' "$1/hallmark.db" "$2"; }

# targets DIR: DIR/targets for tests/bench/writes.lua: the session, its
# CSRF token, the shop "bench"'s jobs and their workflow's stages.
targets() {
	d=$1
	{
		echo "origin $(cat "$d/base")"
		echo "cookie $(cat "$d/session")"
		echo "csrf $(cat "$d/csrf")"
		echo "fk $(cat "$d/fk")"
		sql "$d" "SELECT 'job', j.id, j.tracking_id FROM jobs j JOIN shops s ON s.id = j.shop_id
			WHERE s.slug = 'bench' ORDER BY j.id"
		sql "$d" "SELECT 'stage', id FROM stages WHERE workflow_id = $(cat "$d/workflow")
			ORDER BY position"
	} > "$d/targets" || die "could not list the jobs to write to"
	grep -q '^job ' "$d/targets" && grep -q '^stage ' "$d/targets" ||
		die "no jobs or stages to write to"
}

# drive DIR CONNS THREADS SECONDS [QUOTA]: writes with tests/bench/writes.lua
# for SECONDS, or until each thread has made QUOTA successful writes.
# The WRITES line lands in $wres, the largest size the WAL was seen at
# (sampled every 0.2 s) in $walmax.
drive() {
	d=$1 c=$2 t=$3 dsecs=$4 quota=${5:-0}
	base=$(cat "$d/base")
	log=$d/writes.$c.$(date +%s%N)
	rm -f "$d/stop".*
	wrk -t"$t" -c"$c" -d"${dsecs}s" --timeout 30s -s "$root/tests/bench/writes.lua" "$base" \
		-- "$d/targets" "$quota" "$d/stop" > "$log" 2>&1 &
	wp=$!
	bench_pids="$bench_pids $wp"
	walmax=0
	while kill -0 "$wp" 2>/dev/null; do
		w=$(stat -c %s "$d/hallmark.db-wal" 2>/dev/null || echo 0)
		if [ "$w" -gt "$walmax" ]; then walmax=$w; fi
		# With a quota, every thread marks it reached; then wrk is told
		# to stop (SIGINT: it prints its summary as at the end of -d).
		if [ "$quota" -gt 0 ]; then
			nstop=0
			for f in "$d"/stop.*; do
				if [ -e "$f" ]; then nstop=$((nstop + 1)); fi
			done
			if [ "$nstop" -ge "$t" ]; then
				kill -INT "$wp" 2>/dev/null || :
				break
			fi
		fi
		sleep 0.2
	done
	wait "$wp" || { cat "$log" >&2; forget_pid "$wp"; die "wrk failed (writes, $c connections)"; }
	forget_pid "$wp"
	wres=$(grep '^WRITES ' "$log") || { cat "$log" >&2; die "no result from wrk (writes)"; }
}

# kv KEY LINE: a key=value field of a result line.
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# sizes DIR: the database files' sizes in bytes.
sizes() {
	for f in hallmark.db hallmark.db-wal hallmark.db-shm hallmark.db.ratelimit hallmark.db.ratelimit-journal; do
		if [ -e "$1/$f" ]; then
			printf '%s=%s ' "$f" "$(wc -c < "$1/$f" | tr -d ' ')"
		fi
	done
	echo
}

# wal_note SIZES: a word when writes left the WAL holding frames: a CGI
# that opens the database while no other connection has it open rebuilds
# the WAL's index by reading its frames, so public pages pay for them until
# the WAL is truncated or restarted.
wal_note() {
	wal=$(printf '%s\n' "$1" | tr ' ' '\n' | sed -n 's/^hallmark\.db-wal=//p')
	if [ "${wal:-0}" -gt 0 ]; then
		echo "note: the writes left $wal bytes in the WAL: until it is truncated or" \
			"restarted, each request that opens the database while no other connection" \
			"has it open reads its frames to rebuild the WAL index"
	fi
}

# --- wrk: checked warm-ups and measured rounds -----------------------------
# Warm-up runs check every response: 200 and the expected text in the body
# (wrk's own count misses 3xx, and a 404 page would look like a fast 200).
write_lua() {
	cat > "$tmp/check.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) marker = args[1]; good = 0; bad = 0; first_bad = ""; bytes = 0 end
function response(status, headers, body)
  if status == 200 and (marker == nil or string.find(body, marker, 1, true)) then
    good = good + 1
    bytes = #body
  else
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end
function done(summary, latency, requests)
  local g, b, f, n = 0, 0, "-", 0
  for _, t in ipairs(threads) do
    g = g + t:get("good"); b = b + t:get("bad")
    if f == "-" and t:get("first_bad") ~= "" then f = t:get("first_bad") end
    if t:get("bytes") > n then n = t:get("bytes") end
  end
  io.write(string.format("CHECK good=%d bad=%d first_bad=%s bytes=%d\n", g, b, f, n))
end
EOF
	# Measured runs only summarise, so wrk stays at full speed.
	cat > "$tmp/report.lua" <<'EOF'
function done(s, lat, req)
  local e = s.errors
  io.write(string.format("RESULT requests=%d duration_us=%d sockerr=%d status=%d "
    .. "mean_us=%.0f p99_us=%d\n", s.requests, s.duration,
    e.connect + e.read + e.write + e.timeout, e.status, lat.mean, lat:percentile(99)))
end
EOF
}

# warm_up NAME URL MARKER CONNS THREADS RESULTS: every response checked; at
# one connection anything but the expected 200 page means the setup is
# wrong. Records the warm-up's failures and the page's size.
warm_up() {
	name=$1 url=$2 marker=$3 c=$4 t=$5 results=$6
	log=$tmp/wrk-$name-$c.warm
	wrk -t"$t" -c"$c" -d"${bench_warm}s" -s "$tmp/check.lua" "$url" -- "$marker" > "$log" 2>&1 ||
		{ cat "$log" >&2; die "wrk failed (warm-up, $name, $c connections)"; }
	check=$(grep '^CHECK ' "$log") || { cat "$log" >&2; die "no check result from wrk"; }
	good=$(kv good "$check") bad=$(kv bad "$check")
	if [ "$c" = 1 ] && { [ "$bad" != 0 ] || [ "$good" = 0 ]; }; then
		cat "$log" >&2
		die "$name does not answer 200 with the expected page at $url ($check)"
	fi
	echo "warm $name $c bad=$bad bytes=$(kv bytes "$check")" >> "$results"
}

# measure NAME URL CONNS THREADS ROUND RESULTS: one measured round.
measure() {
	name=$1 url=$2 c=$3 t=$4 r=$5 results=$6
	log=$tmp/wrk-$name-$c-$r
	wrk -t"$t" -c"$c" -d"${round_secs}s" -s "$tmp/report.lua" "$url" > "$log" 2>&1 ||
		{ cat "$log" >&2; die "wrk failed ($name, $c connections)"; }
	res=$(grep '^RESULT ' "$log") || { cat "$log" >&2; die "no result from wrk"; }
	# wrk's own lines, when present, must agree with the script's counts.
	non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$log")
	sock=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$log" |
		awk '{ print $1 + $2 + $3 + $4 }')
	echo "run $name $c $r $res non2xx=${non2xx:-0} wrksock=${sock:-0}" >> "$results"
}

# The awk functions the reports share.
awk_lib='
function kv(k,   i, a) {
	for (i = 5; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] }
	return 0
}
function max(a, b) { return a > b ? a : b }
# Median of the n values v[1..n] (sorts v).
function median(v, n,   i, j, x) {
	for (i = 2; i <= n; i++) {
		x = v[i]
		for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]
		v[j + 1] = x
	}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function us(x) { return x >= 1000 ? sprintf("%.2f ms", x / 1000) : sprintf("%d us", x) }
# Reads the warm and run lines of a results file into the arrays below.
function take() {
	if ($1 == "warm") {
		split($4, kvp, "="); wb[$2 SUBSEP $3] = kvp[2]
		split($5, kvp, "="); wbytes[$2 SUBSEP $3] = kvp[2]
		return 1
	}
	if ($1 != "run") return 0
	n = $2 SUBSEP $3
	req = kv("requests"); dur = kv("duration_us") / 1e6
	reqs[n] += req; secs[n] += dur
	latsum[n] += kv("mean_us") * req
	np[n]++; p99[n, np[n]] = kv("p99_us")
	rrps[$2, $3, $4] = dur > 0 ? req / dur : 0
	nr[$3] = max(nr[$3], $4)
	non[n] += max(kv("status"), kv("non2xx"))
	sock[n] += max(kv("sockerr"), kv("wrksock"))
	return 1
}
# ratio(a, b, c): median over rounds of a/b at c connections, in percent;
# lo/hi get the spread.
function ratio(a, b, c,   r, v, k) {
	k = 0; lo = 1e9; hi = 0
	for (r = 1; r <= nr[c]; r++)
		if (rrps[b, c, r] > 0) {
			v[++k] = 100 * rrps[a, c, r] / rrps[b, c, r]
			lo = v[k] < lo ? v[k] : lo; hi = v[k] > hi ? v[k] : hi
		}
	return k ? median(v, k) : 0
}
# row(name, c, label): one line of the req/s table.
function row(name, c, label,   n, v, k) {
	n = name SUBSEP c
	delete v
	for (k = 1; k <= np[n]; k++) v[k] = p99[n, k]
	printf "%-22s %5d %10.0f %10s %10s %8d %9d\n", label, c,
		secs[n] ? reqs[n] / secs[n] : 0, us(reqs[n] ? latsum[n] / reqs[n] : 0),
		us(np[n] ? median(v, np[n]) : 0), non[n], sock[n]
}
function header() {
	printf "%-22s %5s %10s %10s %10s %8s %9s\n", "", "conns", "req/s", "mean lat", "p99 lat*", "non-2xx", "sock err"
}
'

# cgi_log DIR [SKIP]: what the installation's CGIs logged (busy databases,
# rate-limit trouble) is part of the result; SKIP lines logged earlier are
# left out.
cgi_log() {
	[ -s "$1/cgi.log" ] || return 0
	tail -n +$((${2:-0} + 1)) "$1/cgi.log" > "$1/cgi.log.run"
	if [ -s "$1/cgi.log.run" ]; then
		echo "the CGIs logged $(wc -l < "$1/cgi.log.run") line(s); most frequent:"
		sort "$1/cgi.log.run" | uniq -c | sort -rn | head -5
	fi
}

# busy_note: a warning when something else is loading the machine.
load_note() {
	load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
	case $load in
	[0-9]*) awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
		echo "note: the machine is busy (load $load on $(nproc) CPUs); expect noisy figures" ;;
	esac
	:
}
