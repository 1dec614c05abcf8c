#!/usr/bin/env bash
# Idempotent "make sure a dev Kafka broker is up" wrapper around start-kafka.sh, for .ci/run and devs:
#
#   eval "$(deploy/kafka/ensure-kafka.sh)"
#
# - broker started by this recipe already running  -> reuse it
# - some other broker already answers on host:port -> reuse it (and never stop it)
# - nothing there                                  -> start-kafka.sh start (fetches jars if needed)
#
# stdout carries ONLY shell lines (export KAFKA_BROKERS=... etc.); all logging goes to stderr.
# On failure it prints `false` on stdout and exits 1, so `eval "$(...)"` fails too (with set -e the
# caller stops there) instead of silently evaluating an empty string.
# Honours the same env vars as start-kafka.sh (KAFKA_HOST, KAFKA_PORT, KAFKA_VERSION, ...).
set -uo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
START="$SCRIPT_DIR/start-kafka.sh"
KAFKA_HOST=${KAFKA_HOST:-127.0.0.1}
KAFKA_PORT=${KAFKA_PORT:-9092}
BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"

log() { printf '[ensure-kafka] %s\n' "$*" >&2; }
fail() { log "ERROR: $*"; echo false; exit 1; }

emit() {  # KEY VALUE
  printf 'export %s=%q\n' "$1" "$2"
}

if "$START" status >&2; then
  log "reusing the broker started by start-kafka.sh"
elif "$START" probe >/dev/null 2>&1; then
  log "a Kafka broker not started by this recipe already answers on $BOOTSTRAP: reusing it"
  emit KAFKA_BROKERS "$BOOTSTRAP"
  emit KAFKA_BOOTSTRAP "$BOOTSTRAP"
  exit 0
fi

# start is itself idempotent: when already running it just re-prints KAFKA_PID/KAFKA_BOOTSTRAP/KAFKA_WORK_DIR
out=$("$START" start) || fail "start-kafka.sh start failed"
while IFS='=' read -r key value; do
  case "$key" in
    KAFKA_PID|KAFKA_BOOTSTRAP|KAFKA_WORK_DIR) emit "$key" "$value" ;;
    '') ;;
    *) log "ignoring unexpected output line: $key=$value" ;;
  esac
done <<<"$out"
emit KAFKA_BROKERS "$BOOTSTRAP"
