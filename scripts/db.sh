#!/usr/bin/env bash
# Sets up the CKAN database of an ini (core and plugin migrations, DataStore
# permissions). Idempotent.   db.sh [INI]   (default ckan.ini)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"
ini="${1:-ckan.ini}"
ckan=("$OIT_VENV/bin/ckan" -c "$ini")

# Read/write rights of the DataStore users, as CKAN's datastore plugin wants them.
stamp="$(bash "$OIT_ROOT/scripts/pg.sh" dir)/datastore-permissions.$(basename "$ini")"
if [ ! -e "$stamp" ]; then
    say "setting DataStore permissions for $ini"
    "${ckan[@]}" datastore set-permissions 2>>"$OIT_LOG/db.log" | bash "$OIT_ROOT/scripts/pg.sh" psql -d postgres >>"$OIT_LOG/db.log" 2>&1 \
        || { tail -20 "$OIT_LOG/db.log" >&2; die "DataStore permissions failed (log: $OIT_LOG/db.log)"; }
    touch "$stamp"
fi
say "migrating the database of $ini"
"${ckan[@]}" db upgrade >>"$OIT_LOG/db.log" 2>&1 \
    || { tail -30 "$OIT_LOG/db.log" >&2; die "ckan db upgrade failed for $ini (log: $OIT_LOG/db.log)"; }
