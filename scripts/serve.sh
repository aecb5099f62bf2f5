#!/usr/bin/env bash
# Serves the development portal in the foreground; its pid is kept so that
# `make stop` can end a portal started elsewhere.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"
PIDFILE="$OIT_RUN/ckan.pid"
pid_alive "$PIDFILE" && die "the portal already runs (pid $(cat "$PIDFILE")); make stop ends it"
echo $$ >"$PIDFILE"
say "serving http://$OIT_HOST:$OIT_CKAN_PORT (Ctrl-C or make stop ends it)"
exec "$OIT_VENV/bin/ckan" -c ckan.ini run --host "$OIT_HOST" --port "$OIT_CKAN_PORT" --disable-reloader
