#!/usr/bin/env bash
# Private PostgreSQL 15 cluster in .run/pg, on 127.0.0.1:$OIT_PG_PORT.
#   pg.sh start | stop | status | psql [args]
# Databases: ckan / ckan_test (owner ckan_default), datastore / datastore_test
# (owner ckan_default, read-only user datastore_default). Demo passwords only.
set -euo pipefail
source "$(dirname "$0")/env.sh"

PGBIN="${OIT_PGBIN:-/usr/lib/postgresql/15/bin}"
# As root, PostgreSQL runs as the postgres user, which must be able to enter
# its folder. A checkout inside a private folder (mktemp -d is 0700) is not
# reachable, so the cluster then lives in a folder of its own, named after
# the checkout, under /var/tmp.
PGDIR="$OIT_RUN/pg"
PGLOG="$OIT_LOG/postgresql.log"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDIR"
    if ! runuser -u postgres -- test -x "$PGDIR" 2>/dev/null || ! runuser -u postgres -- test -x "$OIT_LOG" 2>/dev/null; then
        PGDIR="/var/tmp/oit-pg-$(printf '%s' "$OIT_ROOT" | sha1sum | cut -c1-12)"
        PGLOG="$PGDIR/postgresql.log"
        mkdir -p "$PGDIR" && chown postgres: "$PGDIR"
    fi
fi
PGDATA="$PGDIR/data"
PGSOCK="$PGDIR/sock"
PIDFILE="$PGDATA/postmaster.pid"

# initdb and postgres refuse to run as root: use the postgres system user then.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
psql_su() { as_owner "$PGBIN/psql" -h "$PGSOCK" -p "$OIT_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }

running() { as_owner "$PGBIN/pg_isready" -q -h "$OIT_HOST" -p "$OIT_PG_PORT" 2>/dev/null; }

init_cluster() {
    [ -s "$PGDATA/PG_VERSION" ] && return 0
    say "creating PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDIR" "$PGSOCK"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres: "$PGDIR"
        runuser -u postgres -- test -x "$PGDIR" \
            || die "user postgres cannot enter $PGDIR; make its parent folders world-executable or set OIT_RUN"
    fi
    as_owner "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$OIT_LOG/pg-initdb.log" 2>&1 \
        || { tail "$OIT_LOG/pg-initdb.log"; die "initdb failed"; }
}

create_roles_and_dbs() {
    psql_su -d postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ckan_default') THEN
    CREATE ROLE ckan_default LOGIN PASSWORD 'pass';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'datastore_default') THEN
    CREATE ROLE datastore_default LOGIN PASSWORD 'pass';
  END IF;
END $$;
SQL
    local db
    for db in ckan ckan_test datastore datastore_test; do
        if [ -z "$(psql_su -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
            say "creating database $db"
            psql_su -d postgres -c "CREATE DATABASE $db OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0"
        fi
    done
}

start() {
    [ -x "$PGBIN/postgres" ] || die "PostgreSQL 15 not found in $PGBIN (run scripts/bootstrap.sh)"
    init_cluster
    if running; then
        say "PostgreSQL already running on $OIT_HOST:$OIT_PG_PORT"
    else
        say "starting PostgreSQL on $OIT_HOST:$OIT_PG_PORT"
        [ "$(id -u)" = 0 ] && chown postgres: "$OIT_LOG" 2>/dev/null || true
        touch "$PGLOG"; [ "$(id -u)" = 0 ] && chown postgres: "$PGLOG"
        as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 \
            -o "-p $OIT_PG_PORT -c listen_addresses=$OIT_HOST -c unix_socket_directories=$PGSOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null \
            || { tail -20 "$PGLOG"; die "PostgreSQL did not start (log: $PGLOG)"; }
    fi
    for _ in $(seq 1 60); do running && break; sleep 0.5; done
    running || die "PostgreSQL is not answering on $OIT_HOST:$OIT_PG_PORT (log: $PGLOG)"
    create_roles_and_dbs
}

stop() {
    if [ -s "$PIDFILE" ]; then
        say "stopping PostgreSQL"
        as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || stop_pid postgresql "$PIDFILE"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "postgresql: running on $OIT_HOST:$OIT_PG_PORT"; else echo "postgresql: stopped"; exit 1; fi ;;
    psql) shift; psql_su "$@" ;;
    dir) echo "$PGDIR" ;;
    *) echo "usage: $0 start|stop|status|psql|dir" >&2; exit 2 ;;
esac
