#!/bin/sh
# `make install`: copies a built Hallmark into its system locations.
# usage: install.sh DESTDIR PREFIX SYSCONF STATEDIR OUT
#   DESTDIR   staging root for packagers ("" for a live install)
#   PREFIX    e.g. /usr/local
#   SYSCONF   directory of hallmark.conf, e.g. /etc/hallmark
#   STATEDIR  database, key and media, e.g. /var/lib/hallmark
#   OUT       the directory the CGIs and hallmarkctl were built into
# Paths written into hallmark.conf are the final ones, without DESTDIR.
# An existing hallmark.conf is never touched: it is the operator's.
# Environment: LIGHTTPD_CONFDIR (default /etc/lighttpd) and APACHE_CONFDIR
# (default /etc/apache2): where their conf-available/ directory exists under
# DESTDIR, Hallmark's part of the web server's configuration goes there too
# (50-hallmark.conf, hallmark.conf), again never over an operator's file.
# NGINX_CONFDIR (default /etc/nginx): where its snippets/ exists under
# DESTDIR, Hallmark's part goes there as hallmark.conf, to be included in a
# server block; FCGIWRAP_SOCKET (default /run/fcgiwrap.socket, Debian's) is
# the fcgiwrap that part passes the CGIs to.
# SYSTEMD_UNITDIR (default /etc/systemd/system): where it exists under
# DESTDIR, the units that send notifications and purge old records go there
# (never enabled: the operator does that); they are always in
# PREFIX/share/hallmark/systemd too. CGI_USER: their User= (default: cgi_user
# from an existing hallmark.conf, else www-data).
set -eu

if [ $# -ne 5 ]; then
	echo "usage: $0 DESTDIR PREFIX SYSCONF STATEDIR OUT" >&2
	exit 2
fi
destdir=$1 prefix=$2 sysconf=$3 statedir=$4 out=$5
root=$(cd "$(dirname "$0")/../.." && pwd)

say() {
	printf '  %-12s %s\n' "$1" "$2"
}

# A path as the replacement text of a s||| command.
sed_escape() {
	printf '%s\n' "$1" | sed 's/[\\|&]/\\&/g'
}

die() {
	echo "install: $*" >&2
	exit 1
}

for v in "$prefix" "$sysconf" "$statedir"; do
	case $v in
	/*) ;;
	*) die "PREFIX, SYSCONF and STATEDIR must be absolute paths (got '$v')" ;;
	esac
done
case $destdir in
"" | /*) ;;
*) destdir=$(pwd)/$destdir ;;
esac
case $out in
/*) ;;
*) out=$(pwd)/$out ;;
esac

if [ ! -x "$out/hallmarkctl" ] || [ -z "$(find "$out" -maxdepth 1 -name '*.cgi' -type f 2>/dev/null)" ]; then
	die "no built CGIs and hallmarkctl in $out: run make first"
fi

bindir=$prefix/bin
libexec=$prefix/lib/hallmark/cgi-bin
share=$prefix/share/hallmark

mkdirs() {
	for d in "$@"; do
		install -d -m 0755 "$destdir$d"
	done
}

# Copies the files under SRC (subdirectories too) into DST with MODE.
copy_tree() {
	src=$1 dst=$2 mode=$3
	(cd "$src" && find . -type d) | while IFS= read -r d; do
		install -d -m 0755 "$destdir$dst/${d#./}"
	done
	(cd "$src" && find . -type f) | while IFS= read -r f; do
		install -m "$mode" "$src/${f#./}" "$destdir$dst/${f#./}"
	done
}

echo "Installing Hallmark into ${destdir:-/}"
mkdirs "$bindir" "$libexec" "$share" "$share/conf"
# SYSCONF may be the operator's, with a mode of their choosing.
[ -d "$destdir$sysconf" ] || install -d -m 0755 "$destdir$sysconf"

# install(1) unlinks before writing, so a CGI that is running right now
# keeps its old image and the next request gets the new one.
for f in "$out"/*.cgi; do
	install -m 0755 "$f" "$destdir$libexec/"
done
say CGIs "$destdir$libexec"
install -m 0755 "$out/hallmarkctl" "$destdir$bindir/"
say hallmarkctl "$destdir$bindir/hallmarkctl"

for d in templates static schema; do
	copy_tree "$root/$d" "$share/$d" 0644
	say "$d" "$destdir$share/$d"
done
for f in "$root"/conf/*.example "$root"/conf/lighttpd-headers.lua; do
	install -m 0644 "$f" "$destdir$share/conf/"
done
say examples "$destdir$share/conf"

# Hallmark's part of the web server's configuration, for Debian's layout:
# rendered with the installed paths into $share/conf, and into the web
# server's conf-available/ when there is one (enabled by the operator, with
# lighttpd-enable-mod hallmark or a2enconf hallmark).
render() {
	sed -e "s|@CGI_BIN@|$(sed_escape "$libexec")|g" \
	    -e "s|@STATIC@|$(sed_escape "$share/static")|g" \
	    -e "s|@CONF_DIR@|$(sed_escape "$share/conf")|g" \
	    -e "s|@CONFIG@|$(sed_escape "$sysconf/hallmark.conf")|g" \
	    -e "s|@FCGIWRAP_SOCKET@|$(sed_escape "$fcgiwrap_socket")|g" "$1"
}
# Installs FILE as DEST, unless DEST is already there and different: then
# it is the operator's (or an older release's) and is kept, with a word.
install_conf() {
	file=$1 dest=$2
	if [ ! -e "$dest" ]; then
		install -m 0644 "$file" "$dest"
		say "" "$dest"
	elif cmp -s "$file" "$dest"; then
		say "" "$dest (unchanged)"
	else
		say "" "$dest differs: kept as it is (compare it with"
		say "" "$3)"
	fi
}
fcgiwrap_socket=${FCGIWRAP_SOCKET:-/run/fcgiwrap.socket}
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
render "$root/conf/lighttpd-hallmark.conf.in" > "$tmpdir/lighttpd-hallmark.conf"
render "$root/conf/apache-hallmark.conf.in" > "$tmpdir/apache-hallmark.conf"
render "$root/conf/nginx-hallmark.conf.in" > "$tmpdir/nginx-hallmark.conf"
install -m 0644 "$tmpdir/lighttpd-hallmark.conf" "$tmpdir/apache-hallmark.conf" \
    "$tmpdir/nginx-hallmark.conf" "$destdir$share/conf/"
say web "$destdir$share/conf/lighttpd-hallmark.conf, apache-hallmark.conf, nginx-hallmark.conf"
lighttpd_dir=${LIGHTTPD_CONFDIR:-/etc/lighttpd}
apache_dir=${APACHE_CONFDIR:-/etc/apache2}
nginx_dir=${NGINX_CONFDIR:-/etc/nginx}
if [ -d "$destdir$lighttpd_dir/conf-available" ]; then
	install_conf "$tmpdir/lighttpd-hallmark.conf" "$destdir$lighttpd_dir/conf-available/50-hallmark.conf" \
	    "$destdir$share/conf/lighttpd-hallmark.conf"
fi
if [ -d "$destdir$apache_dir/conf-available" ]; then
	install_conf "$tmpdir/apache-hallmark.conf" "$destdir$apache_dir/conf-available/hallmark.conf" \
	    "$destdir$share/conf/apache-hallmark.conf"
fi
if [ -d "$destdir$nginx_dir/snippets" ]; then
	install_conf "$tmpdir/nginx-hallmark.conf" "$destdir$nginx_dir/snippets/hallmark.conf" \
	    "$destdir$share/conf/nginx-hallmark.conf"
fi

# systemd units for hallmarkctl send (every minute) and purge (daily), run
# as the CGI user. Installed, never enabled: that is the operator's step.
cgi_user=${CGI_USER:-}
if [ -z "$cgi_user" ] && [ -r "$destdir$sysconf/hallmark.conf" ]; then
	cgi_user=$(sed -n 's/^[[:space:]]*cgi_user[[:space:]]*=[[:space:]]*\([^#[:space:]]*\).*/\1/p' \
	    "$destdir$sysconf/hallmark.conf" | tail -n 1)
fi
cgi_user=${cgi_user:-www-data}
unitdir=${SYSTEMD_UNITDIR:-/etc/systemd/system}
install -d -m 0755 "$destdir$share/systemd"
for f in "$root"/conf/systemd/*.in; do
	unit=$(basename "$f" .in)
	sed -e "s|@BINDIR@|$(sed_escape "$bindir")|g" \
	    -e "s|@CONFIG@|$(sed_escape "$sysconf/hallmark.conf")|g" \
	    -e "s|@STATEDIR@|$(sed_escape "$statedir")|g" \
	    -e "s|@USER@|$(sed_escape "$cgi_user")|g" "$f" > "$tmpdir/$unit"
	install -m 0644 "$tmpdir/$unit" "$destdir$share/systemd/"
done
say systemd "$destdir$share/systemd (User=$cgi_user)"
if [ -d "$destdir$unitdir" ]; then
	for f in "$tmpdir"/hallmark-*.service "$tmpdir"/hallmark-*.timer; do
		install_conf "$f" "$destdir$unitdir/$(basename "$f")" "$destdir$share/systemd/$(basename "$f")"
	done
fi
rm -rf "$tmpdir"
trap - EXIT

# The configuration: made once from the example, pointing at what was just
# installed. No secrets in it (the key is its own 0600 file), and the web
# server's user must read it, hence 0644.
conf=$destdir$sysconf/hallmark.conf
if [ -e "$conf" ]; then
	say config "$conf exists: kept as it is (compare it with the new"
	say "" "$destdir$share/conf/hallmark.conf.example)"
else
	tmp=$(mktemp "$destdir$sysconf/.hallmark.conf.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	sed -e "s|^templates_dir *=.*|templates_dir = $(sed_escape "$share/templates")|" \
	    -e "s|/var/lib/hallmark|$(sed_escape "$statedir")|g" \
	    "$root/conf/hallmark.conf.example" > "$tmp"
	install -m 0644 "$tmp" "$conf"
	rm -f "$tmp"
	trap - EXIT
	say config "$conf (new: set base_url)"
fi

# Database, key and media: never served, so not world-readable. Left alone
# when it exists, since the operator has given it to the web server's user.
if [ -d "$destdir$statedir" ]; then
	say state "$destdir$statedir exists: owner and mode kept"
else
	install -d -m 0750 "$destdir$statedir"
	say state "$destdir$statedir (new, mode 0750)"
fi

# The binaries look for $SYSCONF/hallmark.conf when HALLMARK_CONFIG is
# unset; a different SYSCONF at install time than at build time would leave
# hallmarkctl looking in the wrong place.
if ! grep -q -a -F "$sysconf/hallmark.conf" "$out/hallmarkctl"; then
	echo "install: warning: these binaries were built with another SYSCONF;" \
	    "they find $sysconf/hallmark.conf only through HALLMARK_CONFIG or -c" \
	    "(rebuild with: make clean && make SYSCONF=$sysconf)" >&2
fi

cat <<EOF

Next steps for a new installation (everything runs as $cgi_user, never root):
  1. Edit $sysconf/hallmark.conf (base_url at least).
  2. Give $statedir to the web server's user:
       chown $cgi_user: $statedir
  3. As that user, create the database and key, a shop and a staff account:
       runuser -u $cgi_user -- $bindir/hallmarkctl -c $sysconf/hallmark.conf init
       runuser -u $cgi_user -- $bindir/hallmarkctl -c $sysconf/hallmark.conf shop add SLUG "SHOP NAME" [TIMEZONE]
       runuser -u $cgi_user -- $bindir/hallmarkctl -c $sysconf/hallmark.conf user add SLUG USERNAME ["FULL NAME"]
  4. Serve it, on Debian with lighttpd:
       apt install lighttpd lighttpd-modules-lua
       lighttpd-enable-mod hallmark && service lighttpd force-reload
     or with Apache:
       a2enmod cgi headers && a2enconf hallmark && systemctl restart apache2
     or with nginx and fcgiwrap (apt install nginx fcgiwrap): put
       include snippets/hallmark.conf;
     in a server block of its own (README.md, "Behind nginx"), then
       nginx -t && systemctl reload nginx
     (elsewhere: $share/conf/lighttpd.conf.example, apache.conf.example or
     nginx-hallmark.conf).
  5. Deliver notifications every minute and purge old records daily, with
     systemd (the units are installed, not enabled):
       systemctl daemon-reload
       systemctl enable --now hallmark-send.timer hallmark-purge.timer
     or with cron, in /etc/cron.d/hallmark:
       * * * * * $cgi_user $bindir/hallmarkctl -c $sysconf/hallmark.conf send
       30 3 * * * $cgi_user $bindir/hallmarkctl -c $sysconf/hallmark.conf purge
On an upgrade, apply the new migrations (as the web server's user too):
       runuser -u $cgi_user -- $bindir/hallmarkctl -c $sysconf/hallmark.conf migrate
EOF
