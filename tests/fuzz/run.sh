#!/bin/sh
# Builds every tests/fuzz/fuzz_*.c with libFuzzer, ASan and UBSan and runs
# each for SECONDS (default 30). Usage: sh tests/fuzz/run.sh [SECONDS]
#
# The library is compiled once, with the same instrumentation, into an
# archive, so each harness links exactly the sources it needs. A harness
# that does not build (yet) is skipped with a message. Each run starts from
# a temporary copy of tests/fuzz/corpus/<name>/ (fuzz_request.c -> request),
# so nothing is written into the repository; new inputs are discarded and
# crash inputs are kept in build/fuzz/. Exits non-zero when any harness
# crashes (or none could be built), naming which.
set -u

secs=${1:-30}
case "$secs" in
'' | *[!0-9]*) echo "usage: sh tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
[ "$secs" -ge 1 ] || secs=1

cd "$(dirname "$0")/../.." || exit 2
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null 2>&1; then
	echo "fuzz: $CC not found (make fuzz installs clang and libclang-rt-dev)" >&2
	exit 2
fi

out=build/fuzz
obj=$out/obj
mkdir -p "$obj" "$out/gen" || exit 2
# -fno-sanitize-recover makes UBSan findings crashes, which libFuzzer reports.
CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 -D_GNU_SOURCE -Isrc/lib -Isrc/model -Isrc/admin -I$out/gen"
LIBS="-lsodium -lsqlite3 -lm"

work=
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The migrations are embedded in schema.c, as in the Makefile.
sh src/model/embed-schema.sh $(ls schema/*.sql 2>/dev/null | sort) > "$out/gen/schema_sql.h.tmp" 2>/dev/null &&
	mv "$out/gen/schema_sql.h.tmp" "$out/gen/schema_sql.h"

echo "fuzz: compiling the library with $CC"
rm -f "$obj"/*.o "$out/libhallmark-fuzz.a"
for src in src/lib/*.c src/model/*.c; do
	[ -f "$src" ] || continue
	o=$obj/$(echo "$src" | sed 's|^src/||; s|/|_|g; s|\.c$|.o|')
	if ! $CC $CFLAGS -c "$src" -o "$o" 2> "$o.log"; then
		echo "fuzz: $src does not compile; harnesses that need it are skipped:" >&2
		sed 's/^/    /' "$o.log" | head -20 >&2
		rm -f "$o"
	fi
done
# The catalogs, compiled as the Makefile compiles them.
if make -s build/catalog.c >/dev/null 2>&1 &&
    $CC $CFLAGS -c build/catalog.c -o "$obj/catalog.o" 2> "$obj/catalog.log"; then
	:
else
	echo "fuzz: the catalogs (build/catalog.c) do not build; harnesses that need them are skipped" >&2
fi
set -- "$obj"/*.o
if [ -f "$1" ]; then
	ar rcs "$out/libhallmark-fuzz.a" "$@" || exit 2
else
	ar rc "$out/libhallmark-fuzz.a" || exit 2
fi

ran=0
crashed=
skipped=
for h in tests/fuzz/fuzz_*.c; do
	[ -f "$h" ] || continue
	name=$(basename "$h" .c)
	short=${name#fuzz_}
	bin=$out/$name
	if ! $CC $CFLAGS "$h" "$out/libhallmark-fuzz.a" $LIBS -o "$bin" 2> "$out/$name.build.log"; then
		echo "fuzz: SKIP $name: it does not build yet (first lines of $out/$name.build.log):"
		grep -E 'error|undefined reference' "$out/$name.build.log" | head -5 | sed 's/^/    /'
		skipped="$skipped $name"
		continue
	fi

	rm -rf "$work"
	work=$(mktemp -d "${TMPDIR:-/tmp}/hm-fuzz-$short.XXXXXX") || exit 2
	seeds=none
	for c in "tests/fuzz/corpus/$short" "tests/fuzz/corpus/$name"; do
		if [ -d "$c" ]; then
			cp -R "$c/." "$work/" && seeds=$c
			break
		fi
	done
	dict=
	for d in "tests/fuzz/$short.dict" "tests/fuzz/$name.dict"; do
		[ -f "$d" ] && { dict=-dict=$d; break; }
	done

	echo "fuzz: $name for ${secs}s (seeds: $seeds)"
	rm -f "$out/$name"-crash-* "$out/$name"-leak-* "$out/$name"-timeout-* "$out/$name"-oom-*
	"$bin" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2560 \
		-artifact_prefix="$out/$name-" $dict "$work" > "$out/$name.log" 2>&1
	rc=$?
	ran=$((ran + 1))
	if [ $rc -ne 0 ]; then
		crashed="$crashed $name"
		echo "fuzz: CRASH in $name (exit $rc); log: $out/$name.log"
		grep -E 'ERROR|runtime error|requirement failed|SUMMARY|Test unit written|^ +#[0-9]+ .* (src|tests)/' \
			"$out/$name.log" | head -12 | sed 's/^/    /'
	else
		tail -n 3 "$out/$name.log" | grep -E '^Done [0-9]+ runs' | sed "s/^/    /"
	fi
	rm -rf "$work"
	work=
done

[ -n "$skipped" ] && echo "fuzz: skipped (did not build):$skipped"
if [ -n "$crashed" ]; then
	echo "fuzz: FAILED:$crashed" >&2
	exit 1
fi
if [ $ran -eq 0 ]; then
	echo "fuzz: no harness could be built" >&2
	exit 1
fi
echo "fuzz: $ran harness(es) ran for ${secs}s each without a crash"
exit 0
