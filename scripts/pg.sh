#!/usr/bin/env bash
# Private PostgreSQL 15 cluster in .run/pg, on 127.0.0.1:$OIT_PG_PORT.
#   pg.sh start | stop | status | psql [args]
# Databases: ckan / ckan_test (owner ckan_default), datastore / datastore_test
# (owner ckan_default, read-only user datastore_default). Demo passwords only.
set -euo pipefail
source "$(dirname "$0")/env.sh"

PGBIN="${OIT_PGBIN:-/usr/lib/postgresql/15/bin}"
PGDIR="$OIT_RUN/pg"
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
        touch "$OIT_LOG/postgresql.log"; [ "$(id -u)" = 0 ] && chown postgres: "$OIT_LOG/postgresql.log"
        as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$OIT_LOG/postgresql.log" -w -t 60 \
            -o "-p $OIT_PG_PORT -c listen_addresses=$OIT_HOST -c unix_socket_directories=$PGSOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null \
            || { tail -20 "$OIT_LOG/postgresql.log"; die "PostgreSQL did not start (log: $OIT_LOG/postgresql.log)"; }
    fi
    for _ in $(seq 1 60); do running && break; sleep 0.5; done
    running || die "PostgreSQL is not answering on $OIT_HOST:$OIT_PG_PORT (log: $OIT_LOG/postgresql.log)"
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
    *) echo "usage: $0 start|stop|status|psql" >&2; exit 2 ;;
esac
