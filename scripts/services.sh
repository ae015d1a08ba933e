#!/usr/bin/env bash
# Installs, starts, checks and stops the three real servers the test suite talks to,
# on loopback, without Docker (Debian 12 packages + Kafka jars from Maven Central):
#
#   PostgreSQL 15   127.0.0.1:5432   role/db "sunlight", password "sunlight", SUPERUSER
#   ClickHouse      127.0.0.1:9000   native protocol; HTTP on 127.0.0.1:8123; user "default", no password
#   Kafka (KRaft)   127.0.0.1:9092   PLAINTEXT; its controller on 127.0.0.1:9093; single node
#
# Usage: bash scripts/services.sh up|down|status
#   up      install what is missing, start what is not running, check all three answer.
#           Idempotent; takes a few seconds when everything is installed and running.
#   down    stop all three (data is kept; the next `up` starts from it).
#   status  say what runs; exit 0 only if all three answer.
#
# Runtime data (data dirs, logs, pid files) and the cache of Kafka jars live under
#   ${SUNLIGHT_SERVICES_DIR:-$HOME/.cache/sunlight/services}
# never inside the repository. Installing packages needs root (apt-get); PostgreSQL then
# runs as the OS user "postgres" (it refuses root), ClickHouse and Kafka as the caller.
set -euo pipefail

SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SVC_DIR=${SUNLIGHT_SERVICES_DIR:-$HOME/.cache/sunlight/services}
mkdir -p "$SVC_DIR"
SVC_DIR=$(cd "$SVC_DIR" && pwd)

PG_PORT=5432
CH_TCP_PORT=9000
CH_HTTP_PORT=8123
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093

PG_DIR=$SVC_DIR/postgres
PGDATA=$PG_DIR/data
PG_RUN=$PG_DIR/run          # unix socket directory (kept off /var/run/postgresql)
PG_LOG=$PG_DIR/postgres.log
PG_URL="postgresql://sunlight:sunlight@127.0.0.1:$PG_PORT/sunlight"

CH_DIR=$SVC_DIR/clickhouse
CH_PID=$CH_DIR/clickhouse.pid

KAFKA_DIR=$SVC_DIR/kafka
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_PID=$KAFKA_DIR/kafka.pid
KAFKA_CACHE=$SVC_DIR/cache/kafka
KAFKA_LIB=$KAFKA_CACHE/lib
KAFKA_HEAP=${SUNLIGHT_KAFKA_HEAP:--Xms256m -Xmx512m}

IS_ROOT=0
[[ $(id -u) == 0 ]] && IS_ROOT=1

say() { echo "services: $*"; }
die() {
    echo "services: ERROR: $*" >&2
    exit 1
}

# ----------------------------------------------------------------------------- helpers

port_open() { # host port -> 0 if something accepts a TCP connection there
    timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

who_listens() { # port -> a line saying which process listens there, if ss can tell
    if command -v ss >/dev/null; then
        ss -Hltnp "sport = :$1" 2>/dev/null | head -3
    fi
}

pid_alive() { # pidfile cmdline-substring -> 0 if the pid in the file runs and is ours
    local pidfile=$1 needle=$2 pid
    [[ -s $pidfile ]] || return 1
    pid=$(<"$pidfile")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle"
}

stop_pidfile() { # name pidfile cmdline-substring seconds
    local name=$1 pidfile=$2 needle=$3 secs=$4 pid i
    if ! pid_alive "$pidfile" "$needle"; then
        rm -f "$pidfile"
        say "$name: not running"
        return 0
    fi
    pid=$(<"$pidfile")
    kill -TERM "$pid"
    for ((i = 0; i < secs * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name: still running after ${secs}s, sending SIGKILL to $pid"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    say "$name: stopped"
}

ensure_port_free() { # name port...
    local name=$1 port
    shift
    for port in "$@"; do
        if port_open 127.0.0.1 "$port"; then
            die "$name cannot start: 127.0.0.1:$port is already taken by another process
$(who_listens "$port")
Stop it (or free the port) and run 'bash scripts/services.sh up' again."
        fi
    done
}

render() { # template destination sed-expression: write only when the content changes
    local tmp
    tmp=$(mktemp "$2.XXXXXX")
    sed -e "$3" "$1" >"$tmp"
    if [[ -f $2 ]] && cmp -s "$tmp" "$2"; then
        rm -f "$tmp"
        return 1
    fi
    mv -f "$tmp" "$2"
    chmod 644 "$2"
    return 0
}

tail_log() { # file: last lines, to explain a failure
    [[ -f $1 ]] && { echo "---- last lines of $1:" >&2; tail -n 25 "$1" >&2; echo "----" >&2; }
    return 0
}

# ----------------------------------------------------------------------------- installs

pg_bin_dir() { # highest installed PostgreSQL major with initdb
    local d best=""
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl && -x $d/psql ]] && best=$d
    done
    [[ -n $best ]] && echo "$best"
}

APT_UPDATED=0
apt_install() {
    ((IS_ROOT)) || die "need these Debian packages, and root to install them: $*
Run as root, or: apt-get install $*"
    if ((!APT_UPDATED)); then
        say "apt-get update"
        apt-get update -q >/dev/null || die "apt-get update failed"
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    # Keep the packages from starting their own system-wide servers on our ports while installing.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$SVC_DIR/apt-install.log" 2>&1 || rc=$?
    ((made_policy)) && rm -f "$policy"
    if ((rc != 0)); then
        tail_log "$SVC_DIR/apt-install.log"
        die "apt-get install $* failed (exit $rc)"
    fi
}

# A system-wide instance (started by the package, systemd, or at boot) would hold our ports.
quiet_system_instances() {
    ((IS_ROOT)) || return 0
    local ver name port status rest conf
    if command -v pg_lsclusters >/dev/null; then
        while read -r ver name port status rest; do
            [[ $port == "$PG_PORT" ]] || continue
            conf=/etc/postgresql/$ver/$name/start.conf
            if [[ $status == online* ]]; then
                say "stopping the system PostgreSQL cluster $ver/$name (it holds port $PG_PORT)"
                pg_ctlcluster "$ver" "$name" stop -m fast || die "could not stop PostgreSQL cluster $ver/$name"
            fi
            if [[ -f $conf ]] && grep -qx 'auto' "$conf"; then
                say "setting the system PostgreSQL cluster $ver/$name to start manually ($conf)"
                sed -i 's/^auto$/manual/' "$conf"
            fi
        done < <(pg_lsclusters -h 2>/dev/null || true)
    fi
    # Only systemd is asked about ClickHouse: its unit knows its own processes. (The package's
    # sysv init script must not be used: its status/stop match ANY clickhouse-server by
    # executable, ours included.) Anything else on the port makes ensure_port_free fail loudly.
    if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; then
        if systemctl is-enabled --quiet clickhouse-server 2>/dev/null || systemctl is-active --quiet clickhouse-server 2>/dev/null; then
            say "disabling the system clickhouse-server service (it would hold port $CH_TCP_PORT)"
            systemctl disable --now clickhouse-server >/dev/null 2>&1 || true
        fi
    fi
}

install_missing() {
    local pkgs=()
    [[ -n $(pg_bin_dir) ]] || pkgs+=(postgresql)
    command -v clickhouse-server >/dev/null || [[ -x /usr/sbin/clickhouse-server ]] || pkgs+=(clickhouse-server)
    command -v clickhouse-client >/dev/null || pkgs+=(clickhouse-client)
    command -v java >/dev/null || pkgs+=(openjdk-17-jre-headless)
    [[ -f $KAFKA_LIB/.complete ]] || command -v mvn >/dev/null || pkgs+=(maven)
    command -v python3 >/dev/null || pkgs+=(python3)
    if ((${#pkgs[@]})); then
        apt_install "${pkgs[@]}"
        quiet_system_instances
    fi
}

# ----------------------------------------------------------------------------- PostgreSQL

as_pg() { # run a PostgreSQL tool as the cluster owner (initdb, pg_ctl and postgres refuse root)
    if ((IS_ROOT)); then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ensure_traversable() { # os-user dir: let the user reach dir (adds o+x to ancestors that block it)
    local user=$1 dir=$2 d path=""
    runuser -u "$user" -- test -x "$dir" 2>/dev/null && return 0
    local -a parts
    IFS=/ read -ra parts <<<"${dir#/}"
    for d in "${parts[@]}"; do # from / down, so one blocking ancestor is fixed before its children are judged
        path=$path/$d
        if ! runuser -u "$user" -- test -x "$path" 2>/dev/null; then
            say "granting other users search permission (chmod o+x: enter, not list) on $path so '$user' can reach $dir"
            chmod o+x "$path"
        fi
    done
    runuser -u "$user" -- test -x "$dir" || die "OS user '$user' cannot reach $dir"
}

pg_running() {
    [[ -f $PGDATA/PG_VERSION ]] && as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

pg_write_conf() {
    local conf
    conf="# Written by scripts/services.sh on every 'up'; included from postgresql.conf.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
shared_buffers = 256MB
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
"
    if [[ ! -f $PGDATA/sunlight.conf ]] || [[ $(<"$PGDATA/sunlight.conf") != "${conf%$'\n'}" ]]; then
        printf '%s' "$conf" >"$PGDATA/sunlight.conf"
        ((IS_ROOT)) && chown postgres:postgres "$PGDATA/sunlight.conf"
        pg_running && say "postgres: settings changed; run 'down' then 'up' to apply them"
    fi
    return 0
}

pg_up() {
    PG_BIN=$(pg_bin_dir) || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)"
    if ((IS_ROOT)); then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' is missing (it comes with Debian's postgresql package)"
    fi
    mkdir -p "$PG_DIR"
    if ((IS_ROOT)); then
        ensure_traversable postgres "$SVC_DIR"
    fi
    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        say "postgres: creating a private cluster in $PGDATA"
        rm -rf "$PGDATA"
        mkdir -p "$PGDATA" "$PG_RUN"
        ((IS_ROOT)) && chown -R postgres:postgres "$PG_DIR"
        chmod 700 "$PGDATA"
        as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
            --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 ||
            { tail_log "$PG_DIR/initdb.log"; rm -rf "$PGDATA"; die "postgres: initdb failed"; }
        as_pg bash -c "cat >'$PGDATA/pg_hba.conf'" <<'EOF'
# Written by scripts/services.sh: unix socket (in the services dir) trusted, loopback TCP with password.
local   all   all                  trust
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
EOF
        echo "include = 'sunlight.conf'" | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
    fi
    mkdir -p "$PG_RUN"
    ((IS_ROOT)) && chown postgres:postgres "$PG_RUN" "$PG_DIR" && touch "$PG_LOG" && chown postgres:postgres "$PG_LOG"
    pg_write_conf
    if pg_running; then
        say "postgres: running (127.0.0.1:$PG_PORT)"
    else
        quiet_system_instances
        ensure_port_free postgres "$PG_PORT"
        say "postgres: starting"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t 60 start >/dev/null 9>&- ||
            { tail_log "$PG_LOG"; die "postgres did not start (log: $PG_LOG)"; }
    fi
    # Role and database (idempotent), over the private unix socket as the bootstrap superuser.
    "$PG_BIN/psql" -h "$PG_RUN" -p "$PG_PORT" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 >/dev/null <<'EOF' ||
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sunlight') THEN
    CREATE ROLE sunlight LOGIN SUPERUSER PASSWORD 'sunlight';
  END IF;
END
$$;
SELECT 'CREATE DATABASE sunlight OWNER sunlight'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'sunlight')\gexec
EOF
        die "postgres: could not create the role/database 'sunlight'"
}

pg_check() {
    local bin
    bin=$(pg_bin_dir) || return 1
    [[ $("$bin/psql" "$PG_URL" -qAtX -c 'SELECT 1' 2>/dev/null) == 1 ]]
}

pg_down() {
    local bin
    bin=$(pg_bin_dir) || { say "postgres: not installed"; return 0; }
    PG_BIN=$bin
    if pg_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null || die "postgres did not stop"
        say "postgres: stopped"
    else
        say "postgres: not running"
    fi
}

# ----------------------------------------------------------------------------- ClickHouse

CH_SERVER=
ch_bin() {
    CH_SERVER=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
    [[ -x $CH_SERVER ]] || die "clickhouse-server is not installed"
}

ch_query() { # sql -> stdout
    clickhouse-client --host 127.0.0.1 --port "$CH_TCP_PORT" --connect_timeout 2 -q "$1"
}

ch_running() { pid_alive "$CH_PID" "$CH_DIR/config.xml"; }

ch_start() { # launch only; ch_wait checks it answers
    ch_bin
    mkdir -p "$CH_DIR/data" "$CH_DIR/logs"
    local changed=0
    render "$SCRIPTS_DIR/clickhouse/config.xml" "$CH_DIR/config.xml" "s#@CH_DIR@#$CH_DIR#g" && changed=1
    render "$SCRIPTS_DIR/clickhouse/users.xml" "$CH_DIR/users.xml" "" && changed=1
    if ch_running; then
        ((changed)) && say "clickhouse: config changed; run 'down' then 'up' to apply it"
        CH_STARTED=0
        return 0
    fi
    rm -f "$CH_PID"
    quiet_system_instances
    ensure_port_free clickhouse "$CH_TCP_PORT" "$CH_HTTP_PORT"
    say "clickhouse: starting"
    nohup setsid "$CH_SERVER" --config-file="$CH_DIR/config.xml" \
        >>"$CH_DIR/logs/stdout.log" 2>&1 </dev/null 9>&- &
    echo $! >"$CH_PID"
    CH_STARTED=1
}

ch_wait() {
    local i
    for ((i = 0; i < 300; i++)); do # 60 s
        if [[ $(ch_query 'SELECT 1' 2>/dev/null) == 1 ]]; then
            ((CH_STARTED)) || say "clickhouse: running (127.0.0.1:$CH_TCP_PORT, http :$CH_HTTP_PORT)"
            return 0
        fi
        if ! ch_running; then
            tail_log "$CH_DIR/logs/clickhouse-server.err.log"
            tail_log "$CH_DIR/logs/stdout.log"
            die "clickhouse exited during start (logs: $CH_DIR/logs)"
        fi
        sleep 0.2
    done
    tail_log "$CH_DIR/logs/clickhouse-server.err.log"
    die "clickhouse did not answer on 127.0.0.1:$CH_TCP_PORT within 60 s (logs: $CH_DIR/logs)"
}

ch_check() { [[ $(ch_query 'SELECT 1' 2>/dev/null) == 1 ]]; }

ch_down() { stop_pidfile clickhouse "$CH_PID" "$CH_DIR/config.xml" 30; }

# ----------------------------------------------------------------------------- Kafka

kafka_fetch_jars() {
    local pom=$SCRIPTS_DIR/kafka/pom.xml want have="" tmp
    want=$(sha256sum "$pom" | cut -d' ' -f1)
    [[ -f $KAFKA_LIB/.complete ]] && have=$(<"$KAFKA_LIB/.complete")
    [[ $have == "$want" ]] && return 0
    command -v mvn >/dev/null || die "Maven (mvn) is needed once to fetch the Kafka jars"
    say "kafka: fetching the broker jars with Maven into $KAFKA_LIB"
    mkdir -p "$KAFKA_CACHE"
    tmp=$(mktemp -d "$KAFKA_CACHE/lib.XXXXXX")
    # Run from the cache dir so nothing (target/) lands in the repository.
    (cd "$KAFKA_CACHE" && mvn -B -q -f "$pom" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" >"$KAFKA_CACHE/mvn.log" 2>&1) ||
        { tail_log "$KAFKA_CACHE/mvn.log"; rm -rf "$tmp"; die "kafka: Maven could not fetch the jars (log: $KAFKA_CACHE/mvn.log)"; }
    ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka: Maven ran but no kafka_2.13 jar was copied"; }
    echo "$want" >"$tmp/.complete"
    rm -rf "$KAFKA_LIB"
    mv "$tmp" "$KAFKA_LIB"
    rm -rf "$SCRIPTS_DIR/kafka/target"
}

kafka_jvm() { # sets KAFKA_JVM: the java command line up to the main class
    # shellcheck disable=SC2206 # KAFKA_HEAP is a list of JVM flags
    KAFKA_JVM=(java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
        -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" -Dkafka.logs.dir="$KAFKA_DIR/logs"
        -cp "$KAFKA_LIB/*")
}

kafka_running() { pid_alive "$KAFKA_PID" "$KAFKA_DIR/server.properties"; }

kafka_start() { # launch only; kafka_wait checks it answers
    command -v java >/dev/null || die "java is not installed"
    kafka_fetch_jars
    mkdir -p "$KAFKA_DATA" "$KAFKA_DIR/logs"
    local changed=0
    render "$SCRIPTS_DIR/kafka/server.properties" "$KAFKA_DIR/server.properties" "s#@KAFKA_DATA_DIR@#$KAFKA_DATA#g" && changed=1
    render "$SCRIPTS_DIR/kafka/log4j2.xml" "$KAFKA_DIR/log4j2.xml" "" && changed=1
    if kafka_running; then
        ((changed)) && say "kafka: config changed; run 'down' then 'up' to apply it"
        KAFKA_STARTED=0
        return 0
    fi
    rm -f "$KAFKA_PID"
    kafka_jvm
    ensure_port_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
    if [[ ! -f $KAFKA_DATA/meta.properties ]]; then
        local cluster_id
        cluster_id=$(python3 -c 'import base64,os
while True:
    s = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
    if not s.startswith("-"): print(s); break')
        say "kafka: formatting $KAFKA_DATA (cluster id $cluster_id)"
        "${KAFKA_JVM[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
            -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/logs/format.log" 2>&1 ||
            { tail_log "$KAFKA_DIR/logs/format.log"; die "kafka: storage format failed"; }
    fi
    say "kafka: starting"
    nohup setsid "${KAFKA_JVM[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" \
        >>"$KAFKA_DIR/logs/stdout.log" 2>&1 </dev/null 9>&- &
    echo $! >"$KAFKA_PID"
    KAFKA_STARTED=1
}

# Kafka answers ApiVersions and then a Metadata request listing at least one broker.
kafka_probe() { # seconds [pid-to-watch]
    python3 - "$KAFKA_PORT" "$1" "${2:-0}" <<'EOF'
import os, socket, struct, sys, time

port, deadline, pid = int(sys.argv[1]), time.time() + float(sys.argv[2]), int(sys.argv[3])

def call(sock, api_key, version, corr, body=b""):
    client = b"sunlight-services"
    header = struct.pack(">hhih", api_key, version, corr, len(client)) + client
    msg = header + body
    sock.sendall(struct.pack(">i", len(msg)) + msg)
    size = struct.unpack(">i", recv(sock, 4))[0]
    data = recv(sock, size)
    assert struct.unpack(">i", data[:4])[0] == corr, "correlation id mismatch"
    return data[4:]

def recv(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf

def probe():
    with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
        s.settimeout(3)
        # ApiVersions v0: error_code, [api_key, min, max]
        r = call(s, 18, 0, 1)
        err, n = struct.unpack(">hi", r[:6])
        if err:
            return f"ApiVersions error {err}"
        ranges = {k: (lo, hi) for k, lo, hi in (struct.unpack(">hhh", r[6 + 6 * i: 12 + 6 * i]) for i in range(n))}
        lo, hi = ranges.get(3, (None, None))
        if lo is None:
            return "no Metadata API"
        v = max(lo, 4)
        if v > min(hi, 8):
            return f"Metadata versions {lo}..{hi}: no non-flexible version to probe with"
        # Metadata v4..v8: topics=null (all), allow_auto_topic_creation=false (+ v8 flags)
        body = struct.pack(">ib", -1, 0) + (struct.pack(">bb", 0, 0) if v >= 8 else b"")
        r = call(s, 3, v, 2, body)
        brokers = struct.unpack(">i", r[4:8])[0]  # after throttle_time_ms
        return None if brokers >= 1 else "no broker in metadata yet"

last = "not tried"
while True:
    try:
        last = probe()
        if last is None:
            sys.exit(0)
    except (OSError, AssertionError, struct.error) as e:
        last = repr(e)
    if pid:
        try:
            os.kill(pid, 0)
        except OSError:
            print(f"kafka process {pid} exited", file=sys.stderr)
            sys.exit(2)
    if time.time() > deadline:
        print(f"kafka not ready: {last}", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.25)
EOF
}

kafka_wait() {
    local rc=0
    kafka_probe 120 "$(<"$KAFKA_PID")" || rc=$?
    if ((rc != 0)); then
        tail_log "$KAFKA_DIR/logs/server.log"
        tail_log "$KAFKA_DIR/logs/stdout.log"
        ((rc == 2)) && die "kafka exited during start (logs: $KAFKA_DIR/logs)"
        die "kafka did not answer on 127.0.0.1:$KAFKA_PORT within 120 s (logs: $KAFKA_DIR/logs)"
    fi
    ((KAFKA_STARTED)) || say "kafka: running (127.0.0.1:$KAFKA_PORT)"
    return 0
}

kafka_check() { kafka_probe 3; }

kafka_down() { stop_pidfile kafka "$KAFKA_PID" "$KAFKA_DIR/server.properties" 60; }

# ----------------------------------------------------------------------------- commands

lock() { # fd 9; every server launched below closes it (9>&-) so that it does not hold the lock
    exec 9>"$SVC_DIR/.lock"
    flock -w 600 9 || die "another services.sh is still running (lock $SVC_DIR/.lock)"
}

cmd_up() {
    lock
    local t0=$SECONDS
    install_missing
    # Kafka's JVM is slowest: launch it and ClickHouse first, then PostgreSQL, then wait.
    kafka_start
    ch_start
    pg_up
    ch_wait
    kafka_wait
    pg_check || die "postgres: cannot connect as $PG_URL"
    if ((KAFKA_STARTED)); then say "kafka: up (127.0.0.1:$KAFKA_PORT)"; fi
    if ((CH_STARTED)); then say "clickhouse: up (127.0.0.1:$CH_TCP_PORT, http :$CH_HTTP_PORT)"; fi
    say "all up in $((SECONDS - t0))s: postgres $PG_URL | clickhouse 127.0.0.1:$CH_TCP_PORT | kafka 127.0.0.1:$KAFKA_PORT (data: $SVC_DIR)"
}

cmd_down() {
    lock
    kafka_down
    ch_down
    pg_down
}

cmd_status() {
    local bad=0
    if pg_check; then say "postgres:   up    $PG_URL"; else say "postgres:   DOWN"; bad=1; fi
    if ch_check; then say "clickhouse: up    127.0.0.1:$CH_TCP_PORT (http :$CH_HTTP_PORT)"; else say "clickhouse: DOWN"; bad=1; fi
    if kafka_check 2>/dev/null; then say "kafka:      up    127.0.0.1:$KAFKA_PORT"; else say "kafka:      DOWN"; bad=1; fi
    say "data dir:   $SVC_DIR"
    return $bad
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
*)
    echo "usage: bash scripts/services.sh up|down|status" >&2
    exit 2
    ;;
esac
