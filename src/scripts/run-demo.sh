#!/bin/sh
# `make run`: provisions a demo installation in var/ (once), then serves it
# with lighttpd in the foreground on 127.0.0.1:$PORT, with the sender of
# notifications (hallmarkctl send --loop 5) beside it. Messages are not
# sent anywhere: each email and text message is a file in var/mail and
# var/sms (the file transport), to read or open in a mail program.
#
# Run as root, lighttpd and the CGIs run as www-data, like a real install,
# and so does hallmarkctl: www-data owns the demo's state (database, key,
# media, logs) and only reads the rest. What the web server needs from the
# checkout (the CGIs, hallmarkctl, templates/, static/, conf/) is copied on
# each run to var/web/. When www-data cannot reach the checkout (under /root,
# say), var/ is a link to /var/lib/hallmark-demo, which holds the same;
# `make reset` deletes both. Run as anyone else, everything runs as them.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${1:-8080}
base=http://127.0.0.1:$port

# The port first: a taken one fails here, before anything is provisioned or
# printed. (lighttpd is started, and checked, before the logins are shown.)
case $port in
'' | *[!0-9]* | 0*) port_ok=no ;;
*) [ "$port" -le 65535 ] && port_ok=yes || port_ok=no ;;
esac
if [ "$port_ok" = no ]; then
	echo "make run: PORT must be a number from 1 to 65535 (got '$port'), e.g. make run PORT=8081" >&2
	exit 2
fi
if ! python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
' "$port"; then
	echo "make run: port $port on 127.0.0.1 is already in use (another make run, or another server)." >&2
	echo "Choose another port: make run PORT=$((port == 65535 ? 8081 : port + 1))" >&2
	exit 1
fi

if [ "$(id -u)" = 0 ]; then
	user=www-data
	as_user() { runuser -u "$user" -- "$@"; }
	# For the background sender: setpriv execs the command itself, so a
	# stop reaches it directly (runuser would stand between, and talk).
	run_as="setpriv --reuid=$user --regid=$(id -g "$user") --init-groups"
else
	user=$(id -un)
	as_user() { "$@"; }
	run_as=
fi
group=$(id -gn "$user")

var=$root/var
if [ "$(id -u)" = 0 ] && ! as_user test -r "$root/Makefile"; then
	# www-data cannot walk into the checkout: keep the demo where it can.
	away=/var/lib/hallmark-demo
	if [ -d "$var" ] && [ ! -L "$var" ]; then
		echo "make run: $var is a directory www-data cannot reach;" \
		    "make reset, then make run again" >&2
		exit 1
	fi
	mkdir -p "$away"
	chmod 0755 "$away"
	ln -sfn "$away" "$var"
	var=$away
fi
mkdir -p "$var"

# The runtime copy: replaced whole on each run, so a rebuild is served.
web=$var/web
rm -rf "$web"
mkdir -p "$web/cgi-bin" "$web/bin"
cp "$root"/cgi-bin/*.cgi "$web/cgi-bin/"
cp "$root/cgi-bin/hallmarkctl" "$web/bin/"
cp -R "$root/templates" "$root/static" "$root/conf" "$web/"
chmod -R a+rX,go-w "$web"

# The state: the web server's user's alone.
state=$var/state
mkdir -p "$state"
chmod 0700 "$state"
[ "$(id -u)" = 0 ] && chown "$user:$group" "$state"
# Where the demo's messages land: the sender, as the user, writes them.
mkdir -p "$var/mail" "$var/sms"
[ "$(id -u)" = 0 ] && chown "$user:$group" "$var/mail" "$var/sms"

conf=$var/hallmark.conf
{
	echo "# Written by make run; make reset starts over."
	echo "database = $state/hallmark.db"
	echo "media_dir = $state/media"
	echo "secret_key_file = $state/secret.key"
	echo "templates_dir = $web/templates"
	echo "base_url = $base"
	echo "default_timezone = Europe/London"
	# Known to the C code once hallmarkctl and the CGIs check who runs them.
	if grep -q cgi_user "$root/src/lib/config.c" 2>/dev/null; then
		echo "cgi_user = $user"
	fi
	# Notifications are written as files instead of being sent.
	echo "mail_transport = file"
	echo "mail_dir = $var/mail"
	echo "mail_from = tracking@hallmark.invalid"
	echo "sms_transport = file"
	echo "sms_dir = $var/sms"
} > "$conf"
chmod 0644 "$conf"
export HALLMARK_CONFIG="$conf"
ctl() {
	(cd "$state" && as_user "$web/bin/hallmarkctl" -c "$conf" "$@")
}

if [ ! -f "$state/hallmark.db" ]; then
	ctl init
	# The password is printed once by demo; keep it for the next make run.
	ctl demo "@BASE@" > "$var/demo.txt"
	chmod 600 "$var/demo.txt"
else
	ctl migrate >/dev/null
fi
sh "$root/src/scripts/lighttpd-conf.sh" "$web" "$web/cgi-bin" "$conf" "$state" "$port" \
	127.0.0.1 "$user" "$group" > "$var/lighttpd.conf"

# lighttpd first, in the background: only once it listens are the logins
# and links printed, so they never describe a server that has died (the
# port taken since the check above, a bad configuration). A background
# job of this script ignores Ctrl-C, so the EXIT trap stops it.
lighttpd -D -f "$var/lighttpd.conf" 2> "$var/lighttpd.stderr" &
server=$!
stop_all() {
	for p in ${sender:-} ${server:-}; do
		kill "$p" 2>/dev/null || true
	done
	for p in ${sender:-} ${server:-}; do
		wait "$p" 2>/dev/null || true
	done
}
trap 'stop_all' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
listening() {
	python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5).close()
except OSError:
    sys.exit(1)
' "$port"
}
tries=0
until listening; do
	tries=$((tries + 1))
	if ! kill -0 "$server" 2>/dev/null || [ "$tries" -ge 100 ]; then
		echo "make run: lighttpd did not start on 127.0.0.1:$port:" >&2
		sed 's/^/  /' "$var/lighttpd.stderr" "$state/error.log" 2>/dev/null | tail -n 5 >&2
		echo "If the port is taken, choose another: make run PORT=$((port == 65535 ? 8081 : port + 1))" >&2
		exit 1
	fi
	sleep 0.1
done

echo
echo "Hallmark demo on $base  (Ctrl-C stops it; make reset starts over)"
echo
sed "s|@BASE@|$base|g" "$var/demo.txt" | grep -v '^demo shop ready'
echo
echo "Customer lookup: $base/track"
echo "Server and CGI logs: $state/error.log, $state/cgi.log (lighttpd and the CGIs run as $user)"
echo "Notifications: book a job in with Email or Text message as the customer's choice;"
echo "  emails appear in $var/mail/*.eml, text messages in $var/sms/*.txt"
echo "  (hallmarkctl send --loop 5 delivers them every 5 seconds, as $user)."
echo

# The sender, stopped with the web server (Ctrl-C, or lighttpd exiting).
# exec, so $! is the sender itself.
(cd "$state" && exec $run_as "$web/bin/hallmarkctl" -c "$conf" send --loop 5) &
sender=$!
# Until lighttpd exits (or Ctrl-C): its status is make run's.
status=0
wait "$server" || status=$?
server=
exit "$status"
