#!/usr/bin/env bash
# The backing services together:  services.sh start | stop | status
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"

case "${1:-}" in
    start)
        set -e
        bash "$here/pg.sh" start
        bash "$here/redis.sh" start
        bash "$here/solr.sh" start
        ;;
    stop)
        # Everything we started, by pid; the portal and worker first.
        stop_pid portal "$OIT_RUN/ckan.pid"
        bash "$here/worker.sh" stop
        bash "$here/solr.sh" stop
        bash "$here/redis.sh" stop
        bash "$here/pg.sh" stop
        ;;
    status)
        rc=0
        for s in pg redis solr worker; do bash "$here/$s.sh" status || rc=1; done
        if pid_alive "$OIT_RUN/ckan.pid"; then echo "portal: running on http://$OIT_HOST:$OIT_CKAN_PORT"; else echo "portal: stopped"; fi
        exit $rc
        ;;
    assert-stopped)
        # After `stop`: none of our ports may still answer.
        rc=0
        for port in "$OIT_PG_PORT" "$OIT_REDIS_PORT" "$OIT_SOLR_PORT" "$OIT_CKAN_PORT"; do
            if (exec 3<>"/dev/tcp/$OIT_HOST/$port") 2>/dev/null; then
                echo "still listening on $OIT_HOST:$port" >&2; rc=1
            fi
        done
        for f in "$OIT_RUN/ckan.pid" "$OIT_RUN/worker.pid" "$OIT_RUN/solr/solr.pid" "$OIT_RUN/redis/redis.pid"; do
            if pid_alive "$f"; then echo "still running: pid $(cat "$f") ($f)" >&2; rc=1; fi
        done
        exit $rc
        ;;
    *) echo "usage: $0 start|stop|status|assert-stopped" >&2; exit 2 ;;
esac
