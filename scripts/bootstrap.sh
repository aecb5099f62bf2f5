#!/usr/bin/env bash
# Installs the system packages the development services need, only those missing.
# Debian/Ubuntu with apt; as root, or through sudo when it is there.
set -euo pipefail
source "$(dirname "$0")/env.sh"

need=()
command -v "$OIT_PYTHON" >/dev/null || need+=(python3.11 python3.11-venv python3.11-dev)
command -v pg_config >/dev/null || need+=(libpq-dev)
command -v gcc >/dev/null || need+=(gcc)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v redis-server >/dev/null || need+=(redis-server)
command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
command -v curl >/dev/null || need+=(curl)
command -v runuser >/dev/null || need+=(util-linux)
# the browser tests drive Debian's Chromium through its WebDriver
command -v chromium >/dev/null || need+=(chromium)
command -v chromedriver >/dev/null || need+=(chromium-driver)
[ -d /usr/share/fonts/truetype/tlwg ] || need+=(fonts-thai-tlwg)
# the accessibility test injects axe-core, an npm package (scripts/node.sh)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)

[ ${#need[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || die "missing packages (${need[*]}) and no root or sudo to install them"
    SUDO=sudo
fi
command -v apt-get >/dev/null || die "missing packages (${need[*]}); install them with your system's package manager"

say "installing with apt-get: ${need[*]}"
# The Debian packages would create and start their own default services
# (PostgreSQL cluster 'main' on 5432, redis on 6379); we run private ones instead.
$SUDO mkdir -p /etc/postgresql-common
[ -e /etc/postgresql-common/createcluster.conf ] || \
    echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.conf >/dev/null
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_added=1
fi
trap '[ -n "$policy_added" ] && $SUDO rm -f /usr/sbin/policy-rc.d' EXIT
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >"$OIT_LOG/apt.log" 2>&1 \
    || { tail -20 "$OIT_LOG/apt.log"; die "apt-get install failed (log: $OIT_LOG/apt.log)"; }
