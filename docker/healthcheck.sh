#!/bin/bash
# The image's HEALTHCHECK: healthy while the app answers HTTP on its listen address. Any status
# counts (a login page, a redirect): the point is that Kestrel is up and the app has not hung.
# The address is the first of ASPNETCORE_URLS, else the app's default; the Host header is
# localhost, which the app's AllowedHosts always accepts.
# No curl in the slim image: bash's /dev/tcp does the request.
set -u
url=${ASPNETCORE_URLS:-http://127.0.0.1:5280}
url=${url%%;*}
scheme=${url%%://*}
authority=${url#*://}
authority=${authority%%/*}
if [[ $authority =~ ^(.*):([0-9]+)$ ]]; then
    host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
else
    host=$authority port=$([ "$scheme" = https ] && echo 443 || echo 80)
fi
host=${host#[}
host=${host%]}
# A wildcard listens on every address, loopback included.
case $host in '*' | '+' | 0.0.0.0 | '::') host=127.0.0.1 ;; esac

exec 3<>"/dev/tcp/$host/$port" || exit 1
# TLS is beyond bash: for https an accepted connection is the check.
[ "$scheme" = https ] && exit 0
printf 'GET / HTTP/1.0\r\nHost: localhost:%s\r\nConnection: close\r\n\r\n' "$port" >&3
read -r -t 5 status <&3 || exit 1
case $status in HTTP/1.?\ [1-5][0-9][0-9]*) exit 0 ;; *) exit 1 ;; esac
