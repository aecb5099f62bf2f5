#!/usr/bin/env bash
# A second, separate test environment, so that two test runs (two people, or a
# long run and a quick check) do not share a database, Solr core or Redis db.
#   scripts/test-env.sh NAME [REDIS_DB]   writes .run/test-NAME.ini (services must run)
#   .venv/bin/python -m pytest --ckan-ini=.run/test-NAME.ini tests/...
# The Solr core is created at runtime through the CoreAdmin API from the conf of
# ckan-test; it survives restarts of our Solr (its core.properties stays).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"
name="${1:?usage: test-env.sh NAME [REDIS_DB]}"
[[ "$name" =~ ^[a-z0-9]+$ ]] || die "NAME: lower-case letters and digits only"
redis_db="${2:-$(( ( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 13 ) + 2 ))}"
ini="$OIT_RUN/test-$name.ini"
core="ckan-test-$name"
home="$OIT_RUN/solr/home"

for db in "ckan_test_$name" "datastore_test_$name"; do
    if [ -z "$(bash scripts/pg.sh psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
        say "creating database $db"
        bash scripts/pg.sh psql -d postgres -c "CREATE DATABASE $db OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0"
    fi
done

solr="http://$OIT_HOST:$OIT_SOLR_PORT/solr"
if ! curl -sf "$solr/$core/admin/ping" >/dev/null; then
    say "creating Solr core $core"
    rm -rf "${home:?}/$core"; mkdir -p "$home/$core"
    cp -r "$home/ckan-test/conf" "$home/$core/conf"
    curl -sf "$solr/admin/cores?action=CREATE&name=$core&instanceDir=$core" >/dev/null \
        || die "could not create Solr core $core"
fi

sed -e "s|/ckan_test\$|/ckan_test_$name|" -e "s|/datastore_test\$|/datastore_test_$name|" \
    -e "s|/solr/ckan-test\$|/solr/$core|" -e "s|^\(ckan.redis.url = .*\)/1\$|\1/$redis_db|" \
    -e "s|storage-test\$|storage-test-$name|" -e "s|^ckan.site_id = .*|ckan.site_id = oit-test-$name|" \
    -e "s|^smtp.server = .*|smtp.server = 127.0.0.1:$(( 8025 + redis_db ))|" \
    test.ini >"$ini"
mkdir -p "$OIT_RUN/storage-test-$name"
bash scripts/db.sh "$ini"
say "ready: .venv/bin/python -m pytest --ckan-ini=$ini tests/..."
