#!/bin/sh
# `make bench`: throughput of the customer's order page (/track/<ID>) beside
# two baselines measured in the same run, on the same lighttpd:
#   - a minimal SQLite CGI (tests/bench/minimal.c): same database opened
#     read-only, one indexed query, a small page; built with the real CGIs'
#     compiler flags and static linking, taken from the Makefile;
#   - a static file of 6 KB.
# Each at 1 connection (wrk -t1 -c1) and 16 connections (wrk -t2 -c16):
# a checked warm-up, then BENCH_SECONDS of measurement in 1 s rounds that
# take turns between the three. The installation is provisioned in a
# temporary directory with the shipped defaults (rate limiting on).
# Prints req/s, latency, non-2xx and socket errors, the ratios, and whether
# the order page meets its target (DESIGN.md, Performance). A benchmark,
# not a timed test: it exits non-zero only when something failed to run.
#
# Environment: BENCH_SECONDS (default 5), BENCH_WARMUP (default 1).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
secs=${BENCH_SECONDS:-5}
warm=${BENCH_WARMUP:-1}
target_pct=80

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hallmark-bench.XXXXXX")
lpid=
cleanup() {
	if [ -n "$lpid" ]; then
		kill "$lpid" 2>/dev/null || :
		wait "$lpid" 2>/dev/null || :
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

die() {
	echo "bench: $*" >&2
	exit 1
}

# --- the minimal CGI, built exactly as the Makefile builds a CGI ----------
# The flags come from the Makefile itself (including any CC=, CFLAGS= given
# to make), so the baseline cannot drift from the real build.
cat > "$tmp/flags.mk" <<'EOF'
include Makefile
.PHONY: _bench_flags
_bench_flags: ; @printf '%s\n' '$(CC)' '$(CPPFLAGS)' '$(WARN)' '$(CFLAGS)' '$(LDFLAGS)' '$(STATIC)' '$(LIBS_CORE)' '$(OUT)'
EOF
make --no-print-directory -s -f "$tmp/flags.mk" _bench_flags > "$tmp/flags" ||
	die "could not read the build flags from the Makefile"
flag() { sed -n "${1}p" "$tmp/flags"; }
cc=$(flag 1) cppflags=$(flag 2) warn=$(flag 3) cflags=$(flag 4)
ldflags=$(flag 5) static=$(flag 6) libs=$(flag 7) out=$(flag 8)
case $out in /*) cgi_bin=$out ;; *) cgi_bin=$root/$out ;; esac
for f in order.cgi hallmarkctl; do
	[ -x "$cgi_bin/$f" ] || die "$cgi_bin/$f is missing: run make first"
done
# Measure a snapshot of what make built (and of the templates), so a
# rebuild in the tree during the run cannot swap binaries under lighttpd.
mkdir -p "$tmp/cgi-bin"
cp -p "$cgi_bin"/*.cgi "$cgi_bin/hallmarkctl" "$tmp/cgi-bin/" &&
	cp -pR "$root/templates" "$tmp/templates" ||
	die "could not copy the CGIs and templates"
cgi_bin=$tmp/cgi-bin

mkdir -p "$tmp/bench-cgi" "$tmp/bench-static"
set -f	# the flags are word-split on purpose, never globbed
echo "building tests/bench/minimal.c: $cc $cflags ... $ldflags $static ... $libs"
# (The linker's warning about dlopen in static SQLite is the same one the
# real CGIs get; it is shown only if the build fails.)
$cc $cppflags $warn $cflags -c tests/bench/minimal.c -o "$tmp/minimal.o" > "$tmp/build.log" 2>&1 &&
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

# --- a provisioned installation, shipped defaults ------------------------
# No ratelimit_* keys: the limiter runs at its defaults, as customers get it.
# Successful lookups are not counted against a client, so the order page
# must answer 200 throughout.
port=
pick_port() {
	# 20000-59999, from the kernel's randomness; lighttpd tells us if taken.
	port=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
}
pick_port
conf=$tmp/hallmark.conf
write_conf() {
	cat > "$conf" <<EOF
# Written by tests/bench/run.sh.
database = $tmp/hallmark.db
media_dir = $tmp/media
secret_key_file = $tmp/secret.key
templates_dir = $tmp/templates
base_url = http://127.0.0.1:$port
default_timezone = Europe/London
EOF
}
write_conf
export HALLMARK_CONFIG="$conf"
ctl=$cgi_bin/hallmarkctl
"$ctl" init > "$tmp/provision.log" 2>&1 &&
	"$ctl" shop add bench "Bench Jewellers" Europe/London >> "$tmp/provision.log" 2>&1 &&
	printf '%s\n' "bench password $(od -An -N8 -tx8 /dev/urandom | tr -d ' ')" |
	"$ctl" user add bench bench "Bench Staff" >> "$tmp/provision.log" 2>&1 &&
	"$ctl" demo "http://127.0.0.1" > "$tmp/demo.txt" 2>> "$tmp/provision.log" ||
	{ cat "$tmp/provision.log" >&2; die "provisioning failed"; }
# The first job "In progress": booked in, then four stage moves with notes.
tid=$(awk '$1 == "In" && $2 == "progress" { sub(/.*\/track\//, "", $3); print $3; exit }' "$tmp/demo.txt")
case $tid in
RPR-????-????-????-????) ;;
*) cat "$tmp/demo.txt" >&2; die "no tracking ID in the demo output" ;;
esac

# A 6 KB static page, served by the same lighttpd.
{
	printf '<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>bench-static</title>\n'
	i=0
	while [ $i -lt 60 ]; do
		printf '<p>Static baseline paragraph %02d: the server floor for a page of this size.</p>\n' $i
		i=$((i + 1))
	done
} | head -c 6144 > "$tmp/bench-static/page.html"

# --- lighttpd: the shipped configuration plus the two baselines ----------
start_lighttpd() {
	sh "$root/src/scripts/lighttpd-conf.sh" "$root" "$cgi_bin" "$conf" "$tmp" "$port" \
		> "$tmp/lighttpd.conf"
	cat >> "$tmp/lighttpd.conf" <<EOF

# --- added by tests/bench/run.sh ---
alias.url += (
  "/bench/minimal.cgi" => "$tmp/bench-cgi/minimal.cgi",
  "/bench/static/"     => "$tmp/bench-static/",
)
mimetype.assign += ( ".html" => "text/html; charset=utf-8" )
\$HTTP["url"] =~ "^/bench/minimal\\.cgi(/|\$)" {
  cgi.assign = ( ".cgi" => "" )
  setenv.set-environment = ( "BENCH_DATABASE" => "$tmp/hallmark.db" )
}
EOF
	: > "$tmp/error.log"
	lighttpd -tt -f "$tmp/lighttpd.conf" > "$tmp/lighttpd.check" 2>&1 ||
		{ cat "$tmp/lighttpd.check" >&2; die "lighttpd rejected the configuration"; }
	lighttpd -D -f "$tmp/lighttpd.conf" > "$tmp/lighttpd.out" 2>&1 &
	lpid=$!
	# Ready once it logs "server started"; gone if the port was taken.
	n=0
	while [ $n -lt 100 ]; do
		grep -q 'server started' "$tmp/error.log" 2>/dev/null && return 0
		kill -0 "$lpid" 2>/dev/null || { wait "$lpid" 2>/dev/null || :; lpid=; return 1; }
		sleep 0.05
		n=$((n + 1))
	done
	die "lighttpd did not start: $(cat "$tmp/lighttpd.out" "$tmp/error.log")"
}
tries=0
until start_lighttpd; do
	tries=$((tries + 1))
	[ $tries -lt 5 ] || die "lighttpd would not start: $(cat "$tmp/lighttpd.out" "$tmp/error.log")"
	pick_port
	write_conf	# base_url follows the port
done
base=http://127.0.0.1:$port

# --- wrk ------------------------------------------------------------------
# Warm-up runs check every response: 200 and the expected text in the body
# (wrk's own count misses 3xx, and a 404 page would look like a fast 200).
cat > "$tmp/check.lua" <<'EOF'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) marker = args[1]; good = 0; bad = 0; first_bad = "" end
function response(status, headers, body)
  if status == 200 and (marker == nil or string.find(body, marker, 1, true)) then
    good = good + 1
  else
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end
function done(summary, latency, requests)
  local g, b, f = 0, 0, "-"
  for _, t in ipairs(threads) do
    g = g + t:get("good"); b = b + t:get("bad")
    if f == "-" and t:get("first_bad") ~= "" then f = t:get("first_bad") end
  end
  io.write(string.format("CHECK good=%d bad=%d first_bad=%s\n", g, b, f))
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

# warm_up NAME URL MARKER CONNS THREADS: every response checked; at one
# connection anything but the expected 200 page means the setup is wrong.
warm_up() {
	name=$1 url=$2 marker=$3 c=$4 t=$5
	log=$tmp/wrk-$name-$c.warm
	wrk -t"$t" -c"$c" -d"${warm}s" -s "$tmp/check.lua" "$url" -- "$marker" > "$log" 2>&1 ||
		{ cat "$log" >&2; die "wrk failed (warm-up, $name, $c connections)"; }
	check=$(grep '^CHECK ' "$log") || { cat "$log" >&2; die "no check result from wrk"; }
	good=$(echo "$check" | awk '{ sub(/^good=/, "", $2); print $2 }')
	bad=$(echo "$check" | awk '{ sub(/^bad=/, "", $3); print $3 }')
	if [ "$c" = 1 ] && { [ "$bad" != 0 ] || [ "$good" = 0 ]; }; then
		cat "$log" >&2
		die "$name does not answer 200 with the expected page at $url ($check)"
	fi
	echo "warm $name $c bad=$bad" >> "$tmp/results"
}

# measure NAME URL CONNS THREADS ROUND: one measured round.
measure() {
	name=$1 url=$2 c=$3 t=$4 r=$5
	log=$tmp/wrk-$name-$c-$r
	wrk -t"$t" -c"$c" -d"${round_secs}s" -s "$tmp/report.lua" "$url" > "$log" 2>&1 ||
		{ cat "$log" >&2; die "wrk failed ($name, $c connections)"; }
	res=$(grep '^RESULT ' "$log") || { cat "$log" >&2; die "no result from wrk"; }
	# wrk's own lines, when present, must agree with the script's counts.
	non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$log")
	sock=$(sed -n 's/^ *Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$log" |
		awk '{ print $1 + $2 + $3 + $4 }')
	echo "run $name $c $r $res non2xx=${non2xx:-0} wrksock=${sock:-0}" >> "$tmp/results"
}

# The measured time is cut into rounds that take turns (static, minimal,
# order, static, ...), so a burst of load from something else on the
# machine lands on all three alike; ratios are taken round by round and
# the median kept.
rounds=$secs round_secs=1
if [ "$secs" -lt 3 ]; then rounds=1 round_secs=$secs; fi
static_url=$base/bench/static/page.html
minimal_url=$base/bench/minimal.cgi/$tid
order_url=$base/track/$tid

load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "lighttpd $(lighttpd -v 2>&1 | sed -n 's/^lighttpd\/\([^ ]*\).*/\1/p') on $base," \
	"$(nproc) CPUs, load average $load"
echo "each target: ${warm}s checked warm-up, then $rounds round(s) of ${round_secs}s taking turns"
echo "order page: /track/$tid (rate limiting at the shipped defaults)"
case $load in
[0-9]*) awk -v l="$load" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }' &&
	echo "note: the machine is busy (load $load on $(nproc) CPUs); expect noisy figures" ;;
esac
: > "$tmp/results"
for c in 1 16; do
	t=1
	[ "$c" = 1 ] || t=2
	warm_up static "$static_url" "bench-static" "$c" "$t"
	warm_up minimal "$minimal_url" "$tid" "$c" "$t"
	warm_up order "$order_url" "$tid" "$c" "$t"
	r=1
	while [ $r -le $rounds ]; do
		measure static "$static_url" "$c" "$t" "$r"
		measure minimal "$minimal_url" "$c" "$t" "$r"
		measure order "$order_url" "$c" "$t" "$r"
		r=$((r + 1))
	done
done
kill "$lpid" 2>/dev/null || :
wait "$lpid" 2>/dev/null || :
lpid=

# --- report ---------------------------------------------------------------
echo
awk -v target="$target_pct" '
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
$1 == "warm" { split($4, kvp, "="); wb[$2 SUBSEP $3] = kvp[2]; next }
$1 == "run" {
	n = $2 SUBSEP $3
	req = kv("requests"); dur = kv("duration_us") / 1e6
	reqs[n] += req; secs[n] += dur
	latsum[n] += kv("mean_us") * req
	np[n]++; p99[n, np[n]] = kv("p99_us")
	rrps[$2, $3, $4] = dur > 0 ? req / dur : 0
	nr[$3] = max(nr[$3], $4)
	non[n] += max(kv("status"), kv("non2xx"))
	sock[n] += max(kv("sockerr"), kv("wrksock"))
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
END {
	split("static minimal order", names, " ")
	label["static"] = "static file, 6 KB"
	label["minimal"] = "minimal SQLite CGI"
	label["order"] = "order page /track/ID"
	printf "%-22s %5s %10s %10s %10s %8s %9s\n", "", "conns", "req/s", "mean lat", "p99 lat*", "non-2xx", "sock err"
	for (ci = 1; ci <= 2; ci++) {
		c = ci == 1 ? 1 : 16
		for (i = 1; i <= 3; i++) {
			n = names[i] SUBSEP c
			delete v
			for (k = 1; k <= np[n]; k++) v[k] = p99[n, k]
			printf "%-22s %5d %10.0f %10s %10s %8d %9d\n", label[names[i]], c,
				secs[n] ? reqs[n] / secs[n] : 0, us(reqs[n] ? latsum[n] / reqs[n] : 0),
				us(np[n] ? median(v, np[n]) : 0), non[n], sock[n]
		}
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
}' "$tmp/results"

# What the CGIs logged (busy databases, rate-limit trouble) is part of the result.
if [ -s "$tmp/cgi.log" ]; then
	echo
	echo "the CGIs logged $(wc -l < "$tmp/cgi.log") line(s); most frequent:"
	sort "$tmp/cgi.log" | uniq -c | sort -rn | head -5
fi
exit 0
