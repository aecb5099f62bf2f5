#!/usr/bin/env bash
# Writes ckan.ini (development) and test.ini (with OIT_CKAN=2.12 also test-2.12.ini) at
# the repository root from the templates in config/. ckan.ini starts from `ckan generate
# config` (so its secrets are made once and kept) with config/ckan.ini.in merged on top.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"

OIT_SMTP_PORT="${OIT_SMTP_PORT:-8025}"
render() {
    sed -e "s|@ROOT@|$OIT_ROOT|g" -e "s|@RUN@|$OIT_RUN|g" \
        -e "s|@PG_PORT@|$OIT_PG_PORT|g" -e "s|@REDIS_PORT@|$OIT_REDIS_PORT|g" \
        -e "s|@SOLR_PORT@|$OIT_SOLR_PORT|g" -e "s|@CKAN_PORT@|$OIT_CKAN_PORT|g" \
        -e "s|@SMTP_PORT@|$OIT_SMTP_PORT|g" "$1"
}

mkdir -p "$OIT_RUN/storage" "$OIT_RUN/storage-test"
render config/test.ini.in >test.ini.new && mv test.ini.new test.ini

if [ ! -s ckan.ini ]; then
    say "writing ckan.ini"
    "$OIT_VENV/bin/ckan" generate config ckan.ini >/dev/null
fi
render config/ckan.ini.in >"$OIT_RUN/ckan-overrides.ini"
"$OIT_VENV/bin/ckan" config-tool ckan.ini -f "$OIT_RUN/ckan-overrides.ini" >/dev/null

# The Thai catalogue: ckanext/oit/i18n/*/LC_MESSAGES/ckanext-oit.po is the source; the
# .mo beside it is committed (the package ships it) and rebuilt here when the .po is newer.
for po in ckanext/oit/i18n/*/LC_MESSAGES/ckanext-oit.po; do
    [ "$po" -nt "${po%.po}.mo" ] || continue
    say "compiling $po"
    PYTHONWARNINGS=ignore "$OIT_VENV/bin/pybabel" -q compile -i "$po" -o "${po%.po}.mo" || die "cannot compile $po"
done

# Another CKAN version (OIT_CKAN=2.12, see env.sh) tests with its own ini, databases, Redis db
# and Solr core, so its runs share no state with the 2.11 ones. The core's schema is made from
# that version's installed ckan; its name does not start with ckan-test- (solr.sh gives those
# ckan-test's conf). Services must run.
if [ "$OIT_CKAN" != 2.11 ]; then
    v="${OIT_CKAN//./}"  # 2.12 -> 212
    core="ckan$v-test" redis_db=11
    for db in "ckan_test_v$v" "datastore_test_v$v"; do
        if [ -z "$(bash scripts/pg.sh psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
            say "creating database $db"
            bash scripts/pg.sh psql -d postgres -c "CREATE DATABASE $db OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0"
        fi
    done
    solr="http://$OIT_HOST:$OIT_SOLR_PORT/solr" conf="$OIT_RUN/solr/home/$core/conf"
    mkdir -p "$conf"
    changed="$("$OIT_CKAN_VENV/bin/python" config/solr/make_schema.py "$conf")" || die "make_schema.py failed for core $core"
    cmp -s config/solr/solrconfig.xml "$conf/solrconfig.xml" || { cp config/solr/solrconfig.xml "$conf/"; changed+=" solrconfig.xml"; }
    if ! curl -sf "$solr/$core/admin/ping" >/dev/null; then
        say "creating Solr core $core (schema of CKAN $OIT_CKAN)"
        curl -sf "$solr/admin/cores?action=CREATE&name=$core&instanceDir=$core" >/dev/null || die "could not create Solr core $core"
    elif [ -n "$changed" ]; then
        say "reloading Solr core $core (conf changed: $changed)"
        curl -sf "$solr/admin/cores?action=RELOAD&core=$core" >/dev/null || die "could not reload Solr core $core"
    fi
    sed -e "s|/ckan_test\$|/ckan_test_v$v|" -e "s|/datastore_test\$|/datastore_test_v$v|" \
        -e "s|/solr/ckan-test\$|/solr/$core|" -e "s|^\(ckan.redis.url = .*\)/1\$|\1/$redis_db|" \
        -e "s|storage-test\$|storage-test-$OIT_CKAN|" -e "s|^ckan.site_id = .*|ckan.site_id = oit-test-v$v|" \
        -e "s|^smtp.server = .*|smtp.server = 127.0.0.1:$((OIT_SMTP_PORT + redis_db))|" \
        test.ini >"$OIT_TEST_INI.new" && mv "$OIT_TEST_INI.new" "$OIT_TEST_INI"
    mkdir -p "$OIT_RUN/storage-test-$OIT_CKAN"
fi
