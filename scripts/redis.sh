#!/usr/bin/env bash
# Private Redis in .run/redis, on 127.0.0.1:$OIT_REDIS_PORT, no persistence.
#   redis.sh start | stop | status
set -euo pipefail
source "$(dirname "$0")/env.sh"

DIR="$OIT_RUN/redis"
PIDFILE="$DIR/redis.pid"
running() { [ "$(redis-cli -h "$OIT_HOST" -p "$OIT_REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start() {
    command -v redis-server >/dev/null || die "redis-server not found (run scripts/bootstrap.sh)"
    mkdir -p "$DIR"
    if running; then say "Redis already running on $OIT_HOST:$OIT_REDIS_PORT"; return 0; fi
    say "starting Redis on $OIT_HOST:$OIT_REDIS_PORT"
    redis-server --bind "$OIT_HOST" --port "$OIT_REDIS_PORT" --dir "$DIR" \
        --daemonize yes --pidfile "$PIDFILE" --logfile "$OIT_LOG/redis.log" \
        --save "" --appendonly no \
        || die "Redis did not start (log: $OIT_LOG/redis.log)"
    for _ in $(seq 1 40); do running && return 0; sleep 0.25; done
    tail -20 "$OIT_LOG/redis.log" >&2 || true
    die "Redis is not answering on $OIT_HOST:$OIT_REDIS_PORT (log: $OIT_LOG/redis.log)"
}

case "${1:-}" in
    start) start ;;
    stop) stop_pid redis "$PIDFILE" ;;
    status) if running; then echo "redis: running on $OIT_HOST:$OIT_REDIS_PORT"; else echo "redis: stopped"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
