#!/bin/sh
# Installs whichever of the named Debian packages are missing. Needs root
# only when something is missing. A package counts as there when an
# installed one provides it: a Node.js from elsewhere that bundles its npm
# provides npm and conflicts with Debian's, which apt could not install.
provided=$(dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null |
	sed -n 's/^[^|]*ok installed|//p' | tr ',' '\n' | sed 's/([^)]*)//; s/ //g')
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		printf '%s\n' "$provided" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing missing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	echo "Not root: install them as root (su -), with: apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
apt-get install -y -qq --no-install-recommends $missing >/dev/null || exit 1
