#!/usr/bin/env bash
# Creates the venv of a CKAN version (OIT_CKAN: 2.11 .venv, 2.12 .venv-2.12; see env.sh) and
# installs its pinned requirements and the extension (editable).
# Skips the install while the requirement files and pyproject are unchanged.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"

venv="$OIT_CKAN_VENV"
[ -x "$venv/bin/python" ] || {
    say "creating $venv (CKAN $OIT_CKAN) with $OIT_PYTHON"
    "$OIT_PYTHON" -m venv "$venv" || die "cannot create a venv with $OIT_PYTHON (Debian: apt-get install python3.11-venv)"
}
stamp="$venv/.oit-installed"
want="$(cat "$OIT_REQUIREMENTS" dev-requirements.txt pyproject.toml setup.py dev/ckanext-oit-demo/pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && "$venv/bin/python" -c 'import ckanext.oit, ckanext.oit_demo, ckanext.scheming' 2>/dev/null; then
    exit 0
fi
log="$OIT_LOG/pip.log"; [ "$OIT_CKAN" = 2.11 ] || log="$OIT_LOG/pip-$OIT_CKAN.log"
say "installing Python packages into $venv (log: $log)"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install 'setuptools==80.9.0' 'wheel==0.45.1' >"$log" 2>&1 \
    && "${pip[@]}" install -r "$OIT_REQUIREMENTS" -r dev-requirements.txt >>"$log" 2>&1 \
    && "${pip[@]}" install --no-build-isolation --no-deps -e . -e dev/ckanext-oit-demo >>"$log" 2>&1 \
    || { tail -30 "$log" >&2; die "pip install failed (log: $log)"; }
echo "$want" >"$stamp"
