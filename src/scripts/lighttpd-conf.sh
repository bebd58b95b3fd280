#!/bin/sh
# Writes a lighttpd configuration from conf/lighttpd.conf.example.
# usage: lighttpd-conf.sh ROOT CGI_BIN CONFIG LOG_DIR PORT [BIND]
root=$1 cgi=$2 config=$3 logdir=$4 port=$5 bind=${6:-127.0.0.1}
sed -e "s|@CGI_BIN@|$cgi|g" -e "s|@STATIC@|$root/static|g" -e "s|@CONFIG@|$config|g" \
    -e "s|@LOG_DIR@|$logdir|g" -e "s|@PORT@|$port|g" -e "s|@BIND@|$bind|g" \
    "$root/conf/lighttpd.conf.example"
