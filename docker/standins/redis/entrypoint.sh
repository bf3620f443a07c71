#!/bin/sh
# What the official redis entrypoint does: redis-server started without a config file gets
# --protected-mode no (it is reached over the container network), and runs as redis.
set -eu
case "${1:-}:${2:-}" in
    redis-server:*.conf) ;;
    redis-server:*) shift; set -- redis-server --protected-mode no "$@" ;;
esac
if [ "$(id -u)" = 0 ]; then
    chown redis:redis /data
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
