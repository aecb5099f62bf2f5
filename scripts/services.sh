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
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
