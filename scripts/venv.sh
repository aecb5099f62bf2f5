#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements and the extension (editable).
# Skips the install while the requirement files and pyproject are unchanged.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"

[ -x "$OIT_VENV/bin/python" ] || {
    say "creating $OIT_VENV with $OIT_PYTHON"
    "$OIT_PYTHON" -m venv "$OIT_VENV" || die "cannot create a venv with $OIT_PYTHON (Debian: apt-get install python3.11-venv)"
}
stamp="$OIT_VENV/.oit-installed"
want="$(cat requirements.txt dev-requirements.txt pyproject.toml setup.py | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && "$OIT_VENV/bin/python" -c 'import ckanext.oit, ckanext.scheming' 2>/dev/null; then
    exit 0
fi
say "installing Python packages into $OIT_VENV (log: $OIT_LOG/pip.log)"
pip=("$OIT_VENV/bin/python" -m pip --disable-pip-version-check -q)
"${pip[@]}" install 'setuptools==80.9.0' 'wheel==0.45.1' >"$OIT_LOG/pip.log" 2>&1 \
    && "${pip[@]}" install -r requirements.txt -r dev-requirements.txt >>"$OIT_LOG/pip.log" 2>&1 \
    && "${pip[@]}" install --no-build-isolation --no-deps -e . >>"$OIT_LOG/pip.log" 2>&1 \
    || { tail -30 "$OIT_LOG/pip.log" >&2; die "pip install failed (log: $OIT_LOG/pip.log)"; }
echo "$want" >"$stamp"
