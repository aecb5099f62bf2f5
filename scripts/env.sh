# Shared settings of the development services; sourced by every script in scripts/.
# Override any of them in the environment (e.g. OIT_PG_PORT=55000 make run).
OIT_ROOT="${OIT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
OIT_RUN="${OIT_RUN:-$OIT_ROOT/.run}"          # git-ignored: data, logs, pids
OIT_LOG="$OIT_RUN/log"
OIT_VENV="${OIT_VENV:-$OIT_ROOT/.venv}"
OIT_PYTHON="${OIT_PYTHON:-python3.11}"

OIT_PG_PORT="${OIT_PG_PORT:-54329}"
OIT_REDIS_PORT="${OIT_REDIS_PORT:-63790}"
OIT_SOLR_PORT="${OIT_SOLR_PORT:-8986}"
OIT_CKAN_PORT="${OIT_CKAN_PORT:-5000}"
OIT_HOST=127.0.0.1

mkdir -p "$OIT_RUN" "$OIT_LOG"

say() { printf '\033[1m[oit]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[oit] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# The CKAN version of a test run (make test CKAN=2.12): each has its own venv, pins and
# test ini. The services, the portal and ckan.ini always use OIT_VENV (CKAN 2.11).
OIT_CKAN="${OIT_CKAN:-2.11}"
case "$OIT_CKAN" in
    2.11) OIT_CKAN_VENV="$OIT_VENV" OIT_REQUIREMENTS=requirements.txt OIT_TEST_INI=test.ini ;;
    2.12) OIT_CKAN_VENV="$OIT_ROOT/.venv-2.12" OIT_REQUIREMENTS=requirements-ckan2.12.txt OIT_TEST_INI=test-2.12.ini ;;
    *) die "CKAN=$OIT_CKAN: the supported versions are 2.11 and 2.12" ;;
esac

# pid_alive FILE: true when FILE names a running process.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid NAME FILE: stop the process in FILE (TERM, then KILL after 20 s).
stop_pid() {
    local name="$1" file="$2" pid i
    if ! pid_alive "$file"; then rm -f "$file"; return 0; fi
    pid="$(cat "$file")"
    say "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    rm -f "$file"
}
