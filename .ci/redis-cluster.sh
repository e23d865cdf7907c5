#!/usr/bin/env bash
# Starts a local 3-master Redis Cluster on 127.0.0.1:7000-7002 for the cluster tests, unless one
# already answers there. Idempotent: run it as often as you like. Exits non-zero, saying why, when
# the cluster cannot be brought to cluster_state:ok.
#
#   .ci/redis-cluster.sh            # start (or confirm) the cluster
#   REDIS_CLUSTER_DIR=/tmp/x .ci/redis-cluster.sh   # where node files and logs go
set -euo pipefail

PORTS=(7000 7001 7002)
HOST=127.0.0.1
DIR="${REDIS_CLUSTER_DIR:-${TMPDIR:-/tmp}/redis-cluster-${UID}}"

fail() { echo "redis-cluster: $*" >&2; exit 1; }

command -v redis-server >/dev/null || fail "redis-server is not installed (apt-get install redis-server)"
command -v redis-cli >/dev/null || fail "redis-cli is not installed (apt-get install redis-tools)"

cluster_ok() { redis-cli -h "$HOST" -p "${PORTS[0]}" cluster info 2>/dev/null | tr -d '\r' | grep -q '^cluster_state:ok$'; }
answers() { [ "$(redis-cli -h "$HOST" -p "$1" ping 2>/dev/null | tr -d '\r')" = "PONG" ]; }

if cluster_ok; then
  echo "redis-cluster: already running on $HOST:${PORTS[0]}-${PORTS[-1]}"
  exit 0
fi

mkdir -p "$DIR"
for port in "${PORTS[@]}"; do
  if answers "$port"; then
    # A node left from an earlier attempt: keep it; the create step below tells us if it is unusable.
    continue
  fi
  mkdir -p "$DIR/$port"
  # A stale nodes file from a killed cluster would make the node refuse to join a new one.
  rm -f "$DIR/$port/nodes.conf"
  redis-server --port "$port" --bind "$HOST" --dir "$DIR/$port" \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
    --save "" --appendonly no --daemonize yes --logfile "$DIR/$port/redis.log" --pidfile "$DIR/$port/redis.pid" \
    || fail "redis-server did not start on port $port (see $DIR/$port/redis.log)"
done

for _ in $(seq 1 20); do
  all=1
  for port in "${PORTS[@]}"; do answers "$port" || all=0; done
  [ "$all" = 1 ] && break
  sleep 0.25
done
for port in "${PORTS[@]}"; do answers "$port" || fail "nothing answers on $HOST:$port (see $DIR/$port/redis.log)"; done

# Assign slots only when no node knows any yet; otherwise the nodes are mid-way from an earlier run.
known=$(redis-cli -h "$HOST" -p "${PORTS[0]}" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')
if [ "${known:-0}" = "0" ]; then
  nodes=()
  for port in "${PORTS[@]}"; do nodes+=("$HOST:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$DIR/create.log" 2>&1 \
    || fail "redis-cli --cluster create failed: $(tail -n 3 "$DIR/create.log")"
fi

for _ in $(seq 1 30); do
  if cluster_ok; then
    echo "redis-cluster: cluster_state:ok on $HOST:${PORTS[0]}-${PORTS[-1]} (files in $DIR)"
    exit 0
  fi
  sleep 0.5
done
fail "the cluster did not reach cluster_state:ok within 15 s: $(redis-cli -h "$HOST" -p "${PORTS[0]}" cluster info 2>&1 | tr -d '\r' | head -n 1)"
