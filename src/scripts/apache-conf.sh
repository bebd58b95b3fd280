#!/bin/sh
# Writes an Apache configuration from conf/apache.conf.example: a private
# apache2 for Hallmark alone (the tests run one on a free loopback port).
# usage: apache-conf.sh ROOT CGI_BIN CONFIG LOG_DIR PORT [BIND [RUN_DIR [MODULES [USER [GROUP]]]]]
#   ROOT     holds static/ and conf/: the source tree or $PREFIX/share/hallmark
#   RUN_DIR  ServerRoot, pid file and locks (default: LOG_DIR)
#   MODULES  Apache's modules (default: /usr/lib/apache2/modules, Debian's)
#   USER     the CGIs' user (default: whoever runs this, or www-data for
#            root, which Apache refuses to serve as); GROUP: USER's group
# Start it with: apache2 -f FILE -DFOREGROUND
set -eu
root=$1 cgi=$2 config=$3 logdir=$4 port=$5 bind=${6:-127.0.0.1}
rundir=${7:-$logdir} modules=${8:-/usr/lib/apache2/modules}
if [ -n "${9:-}" ]; then
	user=$9
elif [ "$(id -u)" = 0 ]; then
	user=www-data
else
	user=$(id -un)
fi
group=${10:-$(id -gn "$user")}
sed -e "s|@CGI_BIN@|$cgi|g" -e "s|@STATIC@|$root/static|g" -e "s|@CONFIG@|$config|g" \
    -e "s|@LOG_DIR@|$logdir|g" -e "s|@PORT@|$port|g" -e "s|@BIND@|$bind|g" \
    -e "s|@RUN_DIR@|$rundir|g" -e "s|@MODULES@|$modules|g" \
    -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
    "$root/conf/apache.conf.example"
