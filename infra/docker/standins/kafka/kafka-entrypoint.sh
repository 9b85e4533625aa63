#!/bin/bash
# Starts ZooKeeper and the broker (../shared/kafka's start script), listening on every interface and
# advertising KAFKA_ADVERTISED_LISTENERS' PLAINTEXT address; follows the broker's log until it exits and
# stops both on SIGTERM.
set -euo pipefail
data="${KAFKA_LOG_DIRS:-/var/lib/kafka/data}"
advertised="$(printf '%s' "${KAFKA_ADVERTISED_LISTENERS:-PLAINTEXT://localhost:9092}" | tr ',' '\n' | grep '^PLAINTEXT://' | head -n1)"
port="${advertised##*:}"
mkdir -p "$data"
stop() { /opt/kafka/stop --data "$data" >&2 || true; exit 0; }
trap stop TERM INT
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}" /opt/kafka/start --port "$port" --data "$data" \
  --prop "listeners=PLAINTEXT://0.0.0.0:$port" --prop "advertised.listeners=$advertised" \
  --prop "num.partitions=${KAFKA_NUM_PARTITIONS:-1}" >&2
echo "kafka: broker up, advertised as $advertised" >&2
tail -n 0 -F "$data/logs/server.log" --pid "$(cat "$data/kafka.pid")" &
wait $! || true
echo "kafka: the broker exited" >&2
exit 1
