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
# pg_trgm in the DataStore database: the trigram indexes of records search (Thai words inside
# cells, ckanext/oit/records/text_search.py). Made by the superuser; every run, so that an
# environment set up before it has it too.
datastore_db="$(sed -n 's|^ckan\.datastore\.write_url *= *[^ ]*/\([^/?]*\)\(?.*\)\{0,1\}$|\1|p' "$ini")"
[ -n "$datastore_db" ] || die "no ckan.datastore.write_url database in $ini"
bash "$OIT_ROOT/scripts/pg.sh" psql -d "$datastore_db" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm" >>"$OIT_LOG/db.log" 2>&1 \
    || { tail -20 "$OIT_LOG/db.log" >&2; die "could not create pg_trgm in $datastore_db (log: $OIT_LOG/db.log)"; }
say "migrating the database of $ini"
"${ckan[@]}" db upgrade >>"$OIT_LOG/db.log" 2>&1 \
    || { tail -30 "$OIT_LOG/db.log" >&2; die "ckan db upgrade failed for $ini (log: $OIT_LOG/db.log)"; }

# A Solr schema change wiped this ini's core (scripts/solr.sh left a marker): refill it.
core="$(sed -n 's|^solr_url *= *.*/solr/\([^/]*\)/*$|\1|p' "$ini")"
marker="$OIT_RUN/solr/reindex-$core"
if [ -n "$core" ] && [ -e "$marker" ]; then
    say "rebuilding the search index of $ini (core $core was wiped by a schema change)"
    "${ckan[@]}" search-index rebuild >>"$OIT_LOG/db.log" 2>&1 \
        || { tail -30 "$OIT_LOG/db.log" >&2; die "ckan search-index rebuild failed for $ini (log: $OIT_LOG/db.log)"; }
    rm -f "$marker"
fi
