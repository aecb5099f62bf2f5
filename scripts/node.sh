#!/usr/bin/env bash
# Installs the pinned npm packages of the accessibility test (tests/a11y: axe-core)
# with `npm ci`; skips it while package-lock.json is unchanged.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dir="$OIT_ROOT/tests/a11y"
command -v npm >/dev/null || die "npm is missing (Debian: apt-get install nodejs npm; scripts/bootstrap.sh does it)"
stamp="$dir/node_modules/.oit-installed"
want="$(sha256sum "$dir/package-lock.json" | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && [ -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    exit 0
fi
say "installing npm packages into tests/a11y/node_modules (log: $OIT_LOG/npm.log)"
(cd "$dir" && npm ci --no-audit --no-fund >"$OIT_LOG/npm.log" 2>&1) \
    || { tail -30 "$OIT_LOG/npm.log" >&2; die "npm ci failed (log: $OIT_LOG/npm.log)"; }
echo "$want" >"$stamp"
