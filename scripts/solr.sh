#!/usr/bin/env bash
# Apache Solr 9 for CKAN, on 127.0.0.1:$OIT_SOLR_PORT (default 8986), with four cores:
#   ckan        development (CKAN's schema + Thai fields title_th, text_th)
#   ckan-test   the test suite (same schema)
#   ckan-bench  the search benchmarks in bench/ (same schema plus the Thai analyses
#               that are not shipped, for bench/search_quality.py)
#   ckan-stock  CKAN's unmodified schema, the benchmark's baseline
#
#   scripts/solr.sh build     build the launcher (Maven; skipped when up to date)
#   scripts/solr.sh start     build if needed, write the cores' conf, start, wait until healthy
#   scripts/solr.sh stop      stop it (SIGTERM, SIGKILL after 20 s)
#   scripts/solr.sh restart   stop, then start (to apply changed conf)
#   scripts/solr.sh status    exit 0 running, 1 running but not healthy, 3 not running
#   scripts/solr.sh wait      wait until all cores answer a ping (up to OIT_SOLR_WAIT s)
#
# Solr runs inside our launcher (scripts/solr/, JettySolrRunner from Maven Central).
# Under $OIT_RUN/solr: build/ (jar + lib/), home/ (solr.xml, <core>/conf, <core>/data),
# solr.pid. Log: $OIT_LOG/solr.log (the previous run's is solr.log.1).
# Tunables: OIT_SOLR_HEAP (512m), OIT_SOLR_WAIT (90), OIT_SOLR_JAVA_OPTS (extra JVM options).
set -euo pipefail
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SOLR_SRC="$OIT_ROOT/scripts/solr"
SOLR_CONF_SRC="$OIT_ROOT/config/solr"
SOLR_DIR="$OIT_RUN/solr"
SOLR_BUILD="$SOLR_DIR/build"
SOLR_JAR="$SOLR_BUILD/oit-solr-launcher.jar"
SOLR_HOME="$SOLR_DIR/home"
SOLR_PID="$SOLR_DIR/solr.pid"
SOLR_LOG="$OIT_LOG/solr.log"
SOLR_URL="http://$OIT_HOST:$OIT_SOLR_PORT/solr"
SOLR_CORES=(ckan ckan-test ckan-bench ckan-stock)
SOLR_WAIT="${OIT_SOLR_WAIT:-90}"
SOLR_HEAP="${OIT_SOLR_HEAP:-512m}"

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: $2"; }

# ---------------------------------------------------------------- build
build_is_current() {
    [ -f "$SOLR_JAR" ] && [ -f "$SOLR_BUILD/lib/.complete" ] &&
        [ -z "$(find "$SOLR_SRC/pom.xml" "$SOLR_SRC/src" -newer "$SOLR_JAR" -print -quit)" ]
}

# cmd_build [quiet]
cmd_build() {
    if build_is_current; then
        [ "${1:-}" = quiet ] || say "Solr launcher is up to date ($SOLR_JAR)"
        return 0
    fi
    need java "apt-get install openjdk-17-jdk-headless"
    need javac "apt-get install openjdk-17-jdk-headless"
    need mvn "apt-get install maven"
    say "building the Solr launcher into $SOLR_BUILD (a first build downloads ~90 MB from Maven Central)"
    mkdir -p "$SOLR_BUILD"
    rm -rf "$SOLR_BUILD/lib"
    if ! (cd "$SOLR_SRC" && mvn -B -Dstyle.color=never -Doit.solr.build="$SOLR_BUILD" \
        package dependency:copy-dependencies) >"$OIT_LOG/solr-build.log" 2>&1; then
        tail -n 30 "$OIT_LOG/solr-build.log" >&2
        die "Maven build of the Solr launcher failed (log: $OIT_LOG/solr-build.log)"
    fi
    touch "$SOLR_BUILD/lib/.complete" "$SOLR_JAR"
}

# ---------------------------------------------------------------- configuration
# install_if_changed SRC DEST: copy when the content differs (keeps mtimes otherwise).
install_if_changed() { cmp -s "$1" "$2" || cp "$1" "$2"; }

# render_home DIR WIPE: write solr.xml and every core's conf below DIR. With WIPE=1 a
# core whose schema.xml changed loses its index (the fields may no longer match it).
render_home() {
    local root="$1" wipe="$2" py="$OIT_VENV/bin/python" core dir mode changed
    [ -x "$py" ] || die "$py not found: create the venv with ckan first (or set OIT_VENV)"
    mkdir -p "$root"
    install_if_changed "$SOLR_CONF_SRC/solr.xml" "$root/solr.xml"
    for core in "${SOLR_CORES[@]}"; do
        dir="$root/$core"
        mkdir -p "$dir/conf"
        mode=()
        [ "$core" = ckan-stock ] && mode=(--stock)
        [ "$core" = ckan-bench ] && mode=(--bench)
        changed="$("$py" "$SOLR_CONF_SRC/make_schema.py" "${mode[@]}" "$dir/conf")" ||
            die "config/solr/make_schema.py failed for core $core"
        install_if_changed "$SOLR_CONF_SRC/solrconfig.xml" "$dir/conf/solrconfig.xml"
        printf 'name=%s\n' "$core" >"$dir/core.properties.new"
        install_if_changed "$dir/core.properties.new" "$dir/core.properties"
        rm -f "$dir/core.properties.new"
        if [ "$wipe" = 1 ] && grep -qx schema.xml <<<"$changed" && [ -d "$dir/data" ]; then
            say "schema of core $core changed: its index was wiped (db.sh rebuilds it)"
            rm -rf "$dir/data"
            touch "$SOLR_DIR/reindex-$core"  # scripts/db.sh rebuilds the index from the database
        fi
    done
    # Cores made at runtime by scripts/test-env.sh (ckan-test-NAME) follow ckan-test's conf.
    for dir in "$root"/ckan-test-*; do
        [ -f "$dir/core.properties" ] || continue
        changed=""
        for file in "$root/ckan-test/conf"/*; do
            if ! cmp -s "$file" "$dir/conf/${file##*/}"; then
                cp "$file" "$dir/conf/" && changed+="${file##*/} "
            fi
        done
        if [ "$wipe" = 1 ] && [[ " $changed" == *" schema.xml "* ]] && [ -d "$dir/data" ]; then
            say "schema of core ${dir##*/} changed: its index was wiped"
            rm -rf "$dir/data"
        fi
    done
}

# Warn when the running Solr's conf is not what a start would write now.
check_conf_current() {
    local check="$SOLR_DIR/conf-check" core
    render_home "$check" 0
    for core in "${SOLR_CORES[@]}"; do
        if ! diff -rq "$check/$core/conf" "$SOLR_HOME/$core/conf" >/dev/null 2>&1; then
            say "conf of core $core changed since Solr started: run scripts/solr.sh restart"
        fi
    done
}

# ---------------------------------------------------------------- probes
core_ok() {
    curl -fsS -m 3 "$SOLR_URL/$1/admin/ping?wt=json" 2>/dev/null | grep -q '"status":"OK"'
}

healthy() {
    local core
    for core in "${SOLR_CORES[@]}"; do core_ok "$core" || return 1; done
}

port_in_use() { (exec 3<>"/dev/tcp/$OIT_HOST/$OIT_SOLR_PORT") 2>/dev/null; }

# ---------------------------------------------------------------- commands
# cmd_wait [stop]: with "stop", a Solr that does not get healthy in time is stopped.
cmd_wait() {
    local deadline=$((SECONDS + SOLR_WAIT)) stop="${1:-}"
    until healthy; do
        if [ -s "$SOLR_PID" ] && ! pid_alive "$SOLR_PID"; then
            startup_failed "Solr exited during startup" "$stop"
        fi
        if ((SECONDS >= deadline)); then
            startup_failed "Solr did not answer on $SOLR_URL within ${SOLR_WAIT} s" "$stop"
        fi
        sleep 1
    done
    say "Solr ready at $SOLR_URL (cores: ${SOLR_CORES[*]})"
}

startup_failed() {
    if [ -f "$SOLR_LOG" ]; then
        printf '%s\n' "----- last lines of $SOLR_LOG -----" >&2
        tail -n 40 "$SOLR_LOG" >&2
        printf '%s\n' "----- errors in $SOLR_LOG -----" >&2
        grep -E '^[0-9-]+ [0-9:.]+ (ERROR|FATAL) ' "$SOLR_LOG" | tail -n 5 | cut -c1-400 >&2 || true
        printf '%s\n' "-----" >&2
    fi
    [ "${2:-}" = stop ] && stop_pid solr "$SOLR_PID"
    die "$1 (full log: $SOLR_LOG)"
}

cmd_start() {
    if pid_alive "$SOLR_PID"; then
        if healthy; then
            say "Solr already running (pid $(cat "$SOLR_PID")) at $SOLR_URL"
            check_conf_current
            return 0
        fi
        say "Solr (pid $(cat "$SOLR_PID")) is starting; waiting for it"
        cmd_wait
        return 0
    fi
    rm -f "$SOLR_PID"
    if port_in_use; then
        die "port $OIT_HOST:$OIT_SOLR_PORT is taken by a process that is not ours (no live $SOLR_PID)"
    fi
    need java "apt-get install openjdk-17-jre-headless"
    need setsid "apt-get install util-linux"
    need curl "apt-get install curl"
    cmd_build quiet
    render_home "$SOLR_HOME" 1

    [ -f "$SOLR_LOG" ] && mv -f "$SOLR_LOG" "$SOLR_LOG.1"
    say "starting Solr on $OIT_HOST:$OIT_SOLR_PORT (log: $SOLR_LOG)"
    # Small heap and the serial collector: four small cores on a 2-core machine.
    # setsid: a Ctrl-C in the calling terminal does not reach Solr; the subshell's
    # pid stays java's (setsid and nohup exec), so $! is the pid to stop.
    # shellcheck disable=SC2086
    (cd "$SOLR_DIR" && exec setsid nohup java \
        -Xms64m -Xmx"$SOLR_HEAP" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
        -Dfile.encoding=UTF-8 -Duser.timezone=UTC -Djava.awt.headless=true \
        -Dsolr.log.dir="$OIT_LOG" \
        ${OIT_SOLR_JAVA_OPTS:-} \
        -cp "$SOLR_JAR:$SOLR_BUILD/lib/*" th.oit.solr.SolrLauncher \
        "$SOLR_HOME" "$OIT_SOLR_PORT" "$OIT_HOST") >>"$SOLR_LOG" 2>&1 </dev/null &
    echo $! >"$SOLR_PID"
    cmd_wait stop
}

cmd_stop() {
    if ! pid_alive "$SOLR_PID"; then
        rm -f "$SOLR_PID"
        say "Solr is not running"
        return 0
    fi
    stop_pid solr "$SOLR_PID"
}

cmd_status() {
    if pid_alive "$SOLR_PID"; then
        if healthy; then
            echo "solr: running (pid $(cat "$SOLR_PID")) at $SOLR_URL, cores ${SOLR_CORES[*]} OK"
            return 0
        fi
        echo "solr: running (pid $(cat "$SOLR_PID")) but not all cores answer at $SOLR_URL"
        return 1
    fi
    if port_in_use; then
        echo "solr: not running (but something else listens on $OIT_HOST:$OIT_SOLR_PORT)"
    else
        echo "solr: not running"
    fi
    return 3
}

case "${1:-}" in
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    wait) cmd_wait ;;
    *) die "usage: scripts/solr.sh build|start|stop|restart|status|wait" ;;
esac
