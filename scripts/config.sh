#!/usr/bin/env bash
# Writes ckan.ini (development) and test.ini at the repository root from the
# templates in config/. ckan.ini starts from `ckan generate config` (so its
# secrets are made once and kept) with config/ckan.ini.in merged on top.
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
