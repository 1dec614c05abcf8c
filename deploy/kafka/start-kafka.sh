#!/usr/bin/env bash
# Run a REAL single-node Apache Kafka broker (KRaft, combined broker+controller) on loopback,
# from Maven Central jars only: no Docker, no kafka_2.13-x.y.z.tgz.
#
#   start-kafka.sh start     fetch jars (cached), format a fresh temp dir, start, wait until ready
#   start-kafka.sh stop      stop the broker started by `start` (SIGTERM, then SIGKILL), delete its temp dir
#   start-kafka.sh status    print whether it is running
#   start-kafka.sh restart   stop + start (fresh, empty broker)
#   start-kafka.sh restart-keep  stop + start on the same work dir (topics and messages survive)
#   start-kafka.sh fetch     only download the jars into the cache
#
# On success `start` prints, on stdout only, shell-evaluable lines:
#   KAFKA_PID=12345
#   KAFKA_BOOTSTRAP=127.0.0.1:9092
#   KAFKA_WORK_DIR=/tmp/kafka-kraft.AbC123
# (progress goes to stderr), so `eval "$(./start-kafka.sh start)"` works.
#
# Environment (all optional):
#   KAFKA_VERSION        3.9.2 (default; newest 3.9.x on Maven Central, 3.9.1 also works) | 4.0.x | 4.1.x ...
#   KAFKA_SCALA_BINARY   2.13
#   KAFKA_HOST           127.0.0.1 (listeners and advertised.listeners)
#   KAFKA_PORT           9092      (client listener)
#   KAFKA_CONTROLLER_PORT 9093     (KRaft controller listener)
#   KAFKA_QUORUM         static (controller.quorum.voters, no --standalone; works on 3.9 and 4.x)
#                        dynamic (controller.quorum.bootstrap.servers + `format --standalone`, KIP-853)
#   KAFKA_CACHE_DIR      ${XDG_CACHE_HOME:-$HOME/.cache}/kafka-recipe   (jar cache)
#   KAFKA_RUN_DIR        ${TMPDIR:-/tmp}/kafka-recipe-run-$KAFKA_PORT   (pid file + work-dir pointer)
#   KAFKA_POM            pom.xml next to this script
#   KAFKA_HEAP_OPTS      -Xms256m -Xmx768m   (small: the box is shared with the tests)
#   KAFKA_START_TIMEOUT  120 (seconds to wait for readiness)
#   KAFKA_STOP_TIMEOUT   30  (seconds between SIGTERM and SIGKILL)
#   KAFKA_KEEP_DATA      0   (1 = keep the temp work dir on stop)
#   KAFKA_CLUSTER_ID     generated with `kafka.tools.StorageTool random-uuid` when unset
#   KAFKA_EXTRA_PROPS    extra server.properties lines (newline separated), appended last (last key wins,
#                        e.g. KAFKA_EXTRA_PROPS='auto.create.topics.enable=true')
#   JAVA                 java ; MVN mvn ; MVN_ARGS extra args for mvn (e.g. "-s settings.xml")
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

KAFKA_VERSION=${KAFKA_VERSION:-3.9.2}
KAFKA_SCALA_BINARY=${KAFKA_SCALA_BINARY:-2.13}
KAFKA_HOST=${KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_QUORUM=${KAFKA_QUORUM:-static}
KAFKA_CACHE_DIR=${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-recipe}
KAFKA_RUN_DIR=${KAFKA_RUN_DIR:-${TMPDIR:-/tmp}/kafka-recipe-run-$KAFKA_PORT}
KAFKA_POM=${KAFKA_POM:-$SCRIPT_DIR/pom.xml}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}
KAFKA_KEEP_DATA=${KAFKA_KEEP_DATA:-0}
KAFKA_EXTRA_PROPS=${KAFKA_EXTRA_PROPS:-}
JAVA=${JAVA:-java}
MVN=${MVN:-mvn}
MVN_ARGS=${MVN_ARGS:-}

PID_FILE=$KAFKA_RUN_DIR/kafka.pid
WORKDIR_FILE=$KAFKA_RUN_DIR/workdir

case "$KAFKA_VERSION" in
  3.*) KAFKA_LINE=3 ;;
  4.*) KAFKA_LINE=4 ;;
  *) echo "unsupported KAFKA_VERSION=$KAFKA_VERSION (expected 3.x or 4.x)" >&2; exit 2 ;;
esac
LIB_DIR=$KAFKA_CACHE_DIR/kafka_${KAFKA_SCALA_BINARY}-${KAFKA_VERSION}/libs

log() { printf '[start-kafka] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- helpers
is_running() {  # $1 = pid; true only if it is alive AND is a kafka.Kafka JVM (guards against pid reuse)
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/cmdline" ]; then
    tr '\0' ' ' < "/proc/$1/cmdline" | grep -q ' kafka\.Kafka ' || return 1
  fi
  return 0
}

read_pid() {
  if [ -f "$PID_FILE" ]; then cat "$PID_FILE"; fi
}

port_open() {  # $1 host, $2 port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# Sends a real Kafka MetadataRequest v4 (all topics) over a raw TCP socket and prints the
# number of live brokers in the response. v4 is valid on 3.x and 4.x brokers and is not in
# the KIP-896 removal list. Succeeds only if the broker answers with >= 1 broker, i.e. the
# node is registered and unfenced. Request layout (non-flexible header v1):
#   int32 size=20 | int16 api_key=3 | int16 api_version=4 | int32 correlation_id=1 |
#   string client_id="probe" | int32 topics=-1 (null = all) | bool allow_auto_topic_creation=false
# Response v4 starts with: int32 size | int32 correlation_id | int32 throttle_ms | int32 #brokers
metadata_probe() {  # $1 host, $2 port
  local bytes
  bytes=$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf '\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x00\x01\x00\x05probe\xff\xff\xff\xff\x00' >&3
    timeout 5 head -c 16 <&3 | od -An -v -tu1
  ) || return 1
  # shellcheck disable=SC2086
  set -- $bytes
  [ "$#" -eq 16 ] || return 1
  local corr=$(( ($5 << 24) | ($6 << 16) | ($7 << 8) | $8 ))
  local nbrokers=$(( (${13} << 24) | (${14} << 16) | (${15} << 8) | ${16} ))
  [ "$corr" -eq 1 ] && [ "$nbrokers" -ge 1 ] || return 1
  echo "$nbrokers"
}

check_tools() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA=/path/to/java)"
  local jv major
  jv=$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')
  major=${jv%%.*}
  if [ "$major" = "1" ]; then major=$(echo "$jv" | cut -d. -f2); fi
  case "$major" in ''|*[!0-9]*) log "could not parse java version '$jv', continuing"; return 0 ;; esac
  if [ "$KAFKA_LINE" = 4 ] && [ "$major" -lt 17 ]; then
    die "Kafka $KAFKA_VERSION brokers need Java 17+, found $jv"
  fi
  if [ "$major" -lt 11 ]; then
    die "Java 11+ required (17 recommended), found $jv"
  fi
}

# ---------------------------------------------------------------- jars
pom_hash() { sha256sum "$KAFKA_POM" 2>/dev/null | cut -d' ' -f1; }

fetch_jars() {
  if [ -f "$LIB_DIR/.complete" ] && [ "$(cat "$LIB_DIR/.complete")" = "$(pom_hash)" ]; then
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "mvn not found (set MVN=/path/to/mvn)"
  [ -f "$KAFKA_POM" ] || die "pom.xml not found at $KAFKA_POM (set KAFKA_POM)"
  mkdir -p "$KAFKA_CACHE_DIR"
  local tmp
  tmp=$(mktemp -d "$KAFKA_CACHE_DIR/.download.XXXXXX")
  log "resolving Kafka $KAFKA_VERSION jars from Maven (profile kafka$KAFKA_LINE) ..."
  # shellcheck disable=SC2086
  if ! "$MVN" -B -q -Dstyle.color=never $MVN_ARGS -f "$KAFKA_POM" -P "kafka$KAFKA_LINE" \
        -Dkafka.version="$KAFKA_VERSION" \
        -Dscala.binary.version="$KAFKA_SCALA_BINARY" \
        -Dkafka.libs.dir="$tmp" \
        dependency:copy-dependencies 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2; then   # Maven 3.8 -q emits bare ANSI resets
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed"
  fi
  [ -f "$tmp/kafka_${KAFKA_SCALA_BINARY}-${KAFKA_VERSION}.jar" ] || { rm -rf "$tmp"; die "kafka_${KAFKA_SCALA_BINARY}-${KAFKA_VERSION}.jar missing after download"; }
  if [ "$KAFKA_LINE" = 3 ]; then
    ls "$tmp"/slf4j-reload4j-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "slf4j-reload4j missing (wrong Maven profile?)"; }
  else
    ls "$tmp"/log4j-slf4j-impl-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "log4j-slf4j-impl missing (wrong Maven profile?)"; }
  fi
  pom_hash > "$tmp/.complete"
  mkdir -p "$(dirname "$LIB_DIR")"
  rm -rf "$LIB_DIR"
  mv -T "$tmp" "$LIB_DIR" 2>/dev/null || { rm -rf "$tmp"; [ -f "$LIB_DIR/.complete" ] || die "could not move jars into $LIB_DIR"; }
  log "$(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $LIB_DIR"
}

# ---------------------------------------------------------------- config files
write_configs() {  # $1 = work dir
  local w=$1
  {
    echo "# generated by start-kafka.sh for Kafka $KAFKA_VERSION (KRaft, combined mode)"
    echo "process.roles=broker,controller"
    echo "node.id=1"
    if [ "$KAFKA_QUORUM" = dynamic ]; then
      echo "controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
    else
      echo "controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
    fi
    echo "listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
    if [ "$KAFKA_QUORUM" = dynamic ]; then
      echo "advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT"
    else
      echo "advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT"
    fi
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "controller.listener.names=CONTROLLER"
    echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
    echo "log.dirs=$w/data"
    echo "num.partitions=1"
    echo "default.replication.factor=1"
    echo "min.insync.replicas=1"
    echo "offsets.topic.replication.factor=1"
    echo "offsets.topic.num.partitions=1"
    echo "transaction.state.log.replication.factor=1"
    echo "transaction.state.log.min.isr=1"
    echo "transaction.state.log.num.partitions=1"
    echo "group.initial.rebalance.delay.ms=0"
    # topics are created explicitly (kafkajs admin); auto-creation under KRaft races consumer subscriptions
    echo "auto.create.topics.enable=false"
    echo "delete.topic.enable=true"
    echo "num.recovery.threads.per.data.dir=1"
    echo "log.cleaner.dedupe.buffer.size=2097152"
    # retention acts within seconds (default: every 5 min), so a test can watch a tiny retention.ms drop old messages
    echo "log.retention.check.interval.ms=1000"
    # lean thread pools: dev/CI box with 2 cores shared with the tests
    echo "num.network.threads=2"
    echo "num.io.threads=2"
    echo "background.threads=2"
    if [ "$KAFKA_LINE" = 4 ]; then
      echo "share.coordinator.state.topic.replication.factor=1"
      echo "share.coordinator.state.topic.min.isr=1"
      # 4.0 changed the default from Long.MAX to 1h (KIP-1030); keep the 3.x behaviour for tests
      echo "log.message.timestamp.after.max.ms=9223372036854775807"
    fi
    if [ -n "$KAFKA_EXTRA_PROPS" ]; then printf '%s\n' "$KAFKA_EXTRA_PROPS"; fi
  } > "$w/server.properties"

  if [ "$KAFKA_LINE" = 3 ]; then
    # reload4j (log4j 1.2 syntax). Broker logs go to stdout, which is redirected to logs/kafka.out.
    cat > "$w/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.controller=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel$=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.zookeeper=WARN
EOF
    # for the storage tool: only warnings, on stderr, so stdout stays clean
    cat > "$w/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
    BROKER_LOG_OPTS="-Dlog4j.configuration=file:$w/log4j.properties"
    TOOLS_LOG_OPTS="-Dlog4j.configuration=file:$w/tools-log4j.properties"
  else
    # log4j2 properties syntax (needs nothing beyond log4j-core; the distribution's log4j2.yaml
    # would additionally need jackson-dataformat-yaml)
    cat > "$w/log4j2.properties" <<'EOF'
status = warn
name = KafkaBroker
appender.console.type = Console
appender.console.name = STDOUT
appender.console.target = SYSTEM_OUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
EOF
    cat > "$w/tools-log4j2.properties" <<'EOF'
status = warn
name = KafkaTools
appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
    BROKER_LOG_OPTS="-Dlog4j2.configurationFile=$w/log4j2.properties"
    TOOLS_LOG_OPTS="-Dlog4j2.configurationFile=$w/tools-log4j2.properties"
  fi
}

# ---------------------------------------------------------------- commands
cmd_status() {
  local pid
  pid=$(read_pid)
  if is_running "$pid"; then
    echo "running pid=$pid bootstrap=$KAFKA_HOST:$KAFKA_PORT workdir=$(cat "$WORKDIR_FILE" 2>/dev/null || echo '?')"
    return 0
  fi
  echo "not running"
  return 1
}

terminate() {  # $1 = pid: SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT
  local i
  log "stopping Kafka pid $1 (SIGTERM) ..."
  kill -TERM "$1" 2>/dev/null || true
  for ((i = 0; i < KAFKA_STOP_TIMEOUT * 4; i++)); do
    is_running "$1" || break
    sleep 0.25
  done
  if is_running "$1"; then
    log "still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL to $1"
    kill -KILL "$1" 2>/dev/null || true
    sleep 0.5
  fi
}

cmd_stop() {
  local pid workdir
  pid=$(read_pid)
  workdir=$(cat "$WORKDIR_FILE" 2>/dev/null || true)
  if is_running "$pid"; then
    terminate "$pid"
    log "stopped"
  else
    log "not running"
  fi
  rm -f "$PID_FILE" "$WORKDIR_FILE"
  rmdir "$KAFKA_RUN_DIR" 2>/dev/null || true
  if [ -n "$workdir" ] && [ -d "$workdir" ] && [ "$KAFKA_KEEP_DATA" != 1 ]; then
    case "$workdir" in
      */kafka-kraft.*) rm -rf "$workdir" ;;   # only ever delete a dir this script created
    esac
  fi
}

cmd_start() {
  local pid
  pid=$(read_pid)
  if is_running "$pid"; then
    log "already running (pid $pid)"
    printf 'KAFKA_PID=%s\nKAFKA_BOOTSTRAP=%s:%s\nKAFKA_WORK_DIR=%s\n' \
      "$pid" "$KAFKA_HOST" "$KAFKA_PORT" "$(cat "$WORKDIR_FILE" 2>/dev/null || true)"
    return 0
  fi
  if [ -f "$PID_FILE" ]; then cmd_stop; fi   # stale pid file: clean up the old work dir
  case "$KAFKA_QUORUM" in static|dynamic) ;; *) die "KAFKA_QUORUM must be static or dynamic" ;; esac

  check_tools
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then die "$KAFKA_HOST:$KAFKA_PORT is already in use"; fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then die "$KAFKA_HOST:$KAFKA_CONTROLLER_PORT is already in use"; fi
  fetch_jars

  local cp="$LIB_DIR/*" w cluster_id
  w=$(mktemp -d "${TMPDIR:-/tmp}/kafka-kraft.XXXXXX")
  mkdir -p "$w/data" "$w/logs"
  write_configs "$w"

  # 1. cluster id (22-char base64 UUID)
  cluster_id=${KAFKA_CLUSTER_ID:-}
  if [ -z "$cluster_id" ]; then
    # shellcheck disable=SC2086
    cluster_id=$("$JAVA" $TOOLS_LOG_OPTS -cp "$cp" kafka.tools.StorageTool random-uuid 2>>"$w/logs/storage-tool.log" | tail -n 1 | tr -d '[:space:]')
  fi
  [ -n "$cluster_id" ] || { cat "$w/logs/storage-tool.log" >&2 || true; die "could not generate a cluster id"; }

  # 2. format the (empty) log dir: writes meta.properties + the bootstrap metadata checkpoint
  local fmt_args=(format -t "$cluster_id" -c "$w/server.properties")
  if [ "$KAFKA_QUORUM" = dynamic ]; then fmt_args+=(--standalone); fi
  log "formatting $w/data (cluster id $cluster_id, quorum $KAFKA_QUORUM)"
  # shellcheck disable=SC2086
  if ! "$JAVA" $TOOLS_LOG_OPTS -cp "$cp" kafka.tools.StorageTool "${fmt_args[@]}" >>"$w/logs/storage-tool.log" 2>&1; then
    cat "$w/logs/storage-tool.log" >&2
    die "kafka-storage format failed"
  fi

  launch_and_wait "$w"
}

launch_and_wait() {  # $1 = formatted work dir: start the broker in the background and wait until it answers
  local w=$1 pid
  mkdir -p "$KAFKA_RUN_DIR"
  log "starting Kafka $KAFKA_VERSION on $KAFKA_HOST:$KAFKA_PORT (controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT), logs: $w/logs/kafka.out"
  # shellcheck disable=SC2086
  nohup "$JAVA" $KAFKA_HEAP_OPTS \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true \
    -Dkafka.logs.dir="$w/logs" $BROKER_LOG_OPTS \
    -cp "$LIB_DIR/*" kafka.Kafka "$w/server.properties" \
    >>"$w/logs/kafka.out" 2>&1 </dev/null &
  pid=$!
  echo "$pid" > "$PID_FILE"
  echo "$w" > "$WORKDIR_FILE"

  # wait: process alive -> port accepts -> metadata request lists >= 1 broker
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT)) n
  until n=$(metadata_probe "$KAFKA_HOST" "$KAFKA_PORT"); do
    # Only liveness here: right after the spawn the pid may still be nohup, not yet the JVM, so
    # is_running's kafka.Kafka cmdline check would misreport a healthy start as an exit.
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 60 "$w/logs/kafka.out" >&2 || true
      rm -f "$PID_FILE" "$WORKDIR_FILE"
      die "Kafka exited during startup (see $w/logs/kafka.out)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 60 "$w/logs/kafka.out" >&2 || true
      cmd_stop
      die "Kafka not ready after ${KAFKA_START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "ready: metadata request answered with $n broker(s); pid $pid"
  printf 'KAFKA_PID=%s\nKAFKA_BOOTSTRAP=%s:%s\nKAFKA_WORK_DIR=%s\n' "$pid" "$KAFKA_HOST" "$KAFKA_PORT" "$w"
}

# Stops the broker and starts it again on the same work dir: topics, offsets and committed
# messages survive, as on a production broker restart (fault tests use it).
cmd_restart_keep() {
  local pid workdir
  pid=$(read_pid)
  workdir=$(cat "$WORKDIR_FILE" 2>/dev/null || true)
  [ -n "$workdir" ] && [ -d "$workdir/data" ] || die "no broker work dir to restart (start one first)"
  if is_running "$pid"; then
    log "keeping $workdir"
    terminate "$pid"
  fi
  for ((i = 0; i < 40; i++)); do
    port_open "$KAFKA_HOST" "$KAFKA_PORT" || port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT" || break
    sleep 0.25
  done
  check_tools
  write_configs "$workdir"   # same settings, same log.dirs: the data is reused as it is
  launch_and_wait "$workdir"
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  restart-keep) cmd_restart_keep ;;
  status) cmd_status ;;
  fetch) check_tools; fetch_jars; echo "$LIB_DIR" ;;
  probe) metadata_probe "$KAFKA_HOST" "$KAFKA_PORT" ;;
  *) echo "usage: $0 {start|stop|restart|restart-keep|status|fetch|probe}" >&2; exit 2 ;;
esac
