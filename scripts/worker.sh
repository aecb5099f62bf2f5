#!/usr/bin/env bash
# CKAN's RQ job worker for the development portal, in the background.
#   worker.sh start | stop | status
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"
PIDFILE="$OIT_RUN/worker.pid"

case "${1:-}" in
    start)
        if pid_alive "$PIDFILE"; then say "job worker already running"; exit 0; fi
        say "starting CKAN job worker (log: $OIT_LOG/worker.log)"
        setsid nohup "$OIT_VENV/bin/ckan" -c ckan.ini oit worker >>"$OIT_LOG/worker.log" 2>&1 </dev/null &
        echo $! >"$PIDFILE"
        sleep 2
        pid_alive "$PIDFILE" || { tail -20 "$OIT_LOG/worker.log" >&2; die "the job worker stopped at once (log: $OIT_LOG/worker.log)"; }
        ;;
    stop) stop_pid "job worker" "$PIDFILE" ;;
    status) if pid_alive "$PIDFILE"; then echo "worker: running (pid $(cat "$PIDFILE"))"; else echo "worker: stopped"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
