#!/bin/sh
# Writes a lighttpd configuration from conf/lighttpd.conf.example.
# usage: lighttpd-conf.sh ROOT CGI_BIN CONFIG LOG_DIR PORT [BIND [USER [GROUP]]]
#   ROOT   holds static/ and conf/: the source tree, $PREFIX/share/hallmark
#          or a copy of them
#   USER   who lighttpd and the CGIs run as (default: www-data when this runs
#          as root, else whoever runs it, since only root can switch user);
#          GROUP: USER's group
set -eu
root=$1 cgi=$2 config=$3 logdir=$4 port=$5 bind=${6:-127.0.0.1}
if [ -n "${7:-}" ]; then
	user=$7
elif [ "$(id -u)" = 0 ]; then
	user=www-data
else
	user=$(id -un)
fi
group=${8:-$(id -gn "$user")}
sed -e "s|@CGI_BIN@|$cgi|g" -e "s|@STATIC@|$root/static|g" -e "s|@CONFIG@|$config|g" \
    -e "s|@CONF_DIR@|$root/conf|g" -e "s|@LOG_DIR@|$logdir|g" -e "s|@PORT@|$port|g" \
    -e "s|@BIND@|$bind|g" -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
    "$root/conf/lighttpd.conf.example"
