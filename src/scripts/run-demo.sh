#!/bin/sh
# `make run`: provisions a demo installation in var/ (once), then serves it
# with lighttpd in the foreground on 127.0.0.1:$PORT.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${1:-8080}
var=$root/var
base=http://127.0.0.1:$port
mkdir -p "$var"

cat > "$var/hallmark.conf" <<CONF
# Written by make run; make reset starts over.
database = $var/hallmark.db
media_dir = $var/media
secret_key_file = $var/secret.key
templates_dir = $root/templates
base_url = $base
default_timezone = Europe/London
CONF
export HALLMARK_CONFIG="$var/hallmark.conf"
ctl="$root/cgi-bin/hallmarkctl"

if [ ! -f "$var/hallmark.db" ]; then
	"$ctl" init
	# The password is printed once by demo; keep it for the next make run.
	"$ctl" demo "@BASE@" > "$var/demo.txt"
	chmod 600 "$var/demo.txt"
else
	"$ctl" migrate >/dev/null
fi
sh "$root/src/scripts/lighttpd-conf.sh" "$root" "$root/cgi-bin" "$var/hallmark.conf" "$var" "$port" \
	> "$var/lighttpd.conf"

echo
echo "Hallmark demo on $base  (Ctrl-C stops it; make reset starts over)"
echo
sed "s|@BASE@|$base|g" "$var/demo.txt" | grep -v '^demo shop ready'
echo
echo "Customer lookup: $base/track"
echo "Server and CGI logs: $var/error.log, $var/cgi.log"
echo
exec lighttpd -D -f "$var/lighttpd.conf"
