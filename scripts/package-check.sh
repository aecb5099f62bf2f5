#!/usr/bin/env bash
# `make package-check`: build the wheel, install it into an empty virtualenv with CKAN
# only (its dependencies from pyproject.toml, as `pip install ckanext-oit` would), and
# use the records feature from there (scripts/package_smoke.py).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$OIT_ROOT"
work="$OIT_RUN/package-check"
rm -rf "$work"; mkdir -p "$work"
say "building the wheel"
rm -rf build  # setuptools would reuse modules a move has deleted since the last build
"$OIT_VENV/bin/python" -m build --wheel --no-isolation --outdir "$work/dist" . >"$OIT_LOG/package-check.log" 2>&1 \
    || { tail -20 "$OIT_LOG/package-check.log" >&2; die "the wheel does not build"; }
say "installing CKAN and the wheel into an empty virtualenv ($work/venv)"
"$OIT_PYTHON" -m venv "$work/venv"
pip=("$work/venv/bin/python" -m pip --disable-pip-version-check -q)
ckan_pin="$(grep -E '^ckan\[requirements\]==' "${OIT_REQUIREMENTS:-requirements.txt}")"
{ "${pip[@]}" install 'setuptools==80.9.0' 'wheel==0.45.1' \
    && "${pip[@]}" install "$ckan_pin" \
    && "${pip[@]}" install "$work"/dist/ckanext_oit-*.whl; } >>"$OIT_LOG/package-check.log" 2>&1 \
    || { tail -20 "$OIT_LOG/package-check.log" >&2; die "pip install failed"; }
# run from outside the checkout, so that nothing is imported from the source tree
(cd "$work" && "$work/venv/bin/python" "$OIT_ROOT/scripts/package_smoke.py")
rm -rf "$work/venv"
