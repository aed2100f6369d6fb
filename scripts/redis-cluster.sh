#!/usr/bin/env bash
# A throwaway Redis Cluster on loopback for the tests and for trying `redis.mode: cluster` (docs/redis.md):
# three masters, no replicas, no persistence, each node in its own directory under $TMPDIR.
#
#   scripts/redis-cluster.sh start    start it (or reuse a healthy one on the same ports), wait for
#                                     cluster_state:ok, print `export VOXGATE_TEST_REDIS_CLUSTER=…`
#   scripts/redis-cluster.sh stop     shut the nodes down and remove their directory
#   scripts/redis-cluster.sh status   exit 0 when every node says cluster_state:ok
#   scripts/redis-cluster.sh env      print the export line only
#
# Ports: VOXGATE_REDIS_CLUSTER_PORT (first port, default 7001) and the next two. Then, for example:
#   eval "$(scripts/redis-cluster.sh start)" && npx jest --selectProjects cluster
set -euo pipefail

first_port="${VOXGATE_REDIS_CLUSTER_PORT:-7001}"
ports=("$first_port" "$((first_port + 1))" "$((first_port + 2))")
dir="${TMPDIR:-/tmp}/voxgate-redis-cluster-$first_port"

nodes_env() {
  local urls=()
  for port in "${ports[@]}"; do urls+=("redis://127.0.0.1:$port"); done
  (IFS=,; echo "export VOXGATE_TEST_REDIS_CLUSTER=${urls[*]}")
}

cluster_ok() {
  for port in "${ports[@]}"; do
    redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

start() {
  if cluster_ok; then
    echo "redis-cluster: already running on ${ports[*]}" >&2
    nodes_env
    return
  fi
  command -v redis-server >/dev/null || { echo "redis-cluster: redis-server is not installed" >&2; exit 1; }
  stop_nodes quietly
  for port in "${ports[@]}"; do
    if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
      echo "redis-cluster: port $port is taken by a server this script did not start; set VOXGATE_REDIS_CLUSTER_PORT" >&2
      exit 1
    fi
  done
  rm -rf "$dir"
  mkdir -p "$dir"
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
      --cluster-config-file "$dir/$port/nodes.conf" --dir "$dir/$port" \
      --daemonize yes --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" \
      --save '' --appendonly no >/dev/null
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  local addresses=()
  for port in "${ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || {
    cat "$dir/create.log" >&2
    exit 1
  }
  for _ in $(seq 1 100); do cluster_ok && break; sleep 0.1; done
  cluster_ok || { echo "redis-cluster: cluster_state never became ok (logs in $dir)" >&2; exit 1; }
  echo "redis-cluster: 3 masters on ${ports[*]} (state ok; data in $dir)" >&2
  nodes_env
}

# Stops only the nodes this script started (their pid files), never another server on the same port.
stop_nodes() {
  local pid
  for port in "${ports[@]}"; do
    [ -f "$dir/$port/redis.pid" ] || continue
    pid="$(cat "$dir/$port/redis.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  [ "${1:-}" = quietly ] || echo "redis-cluster: stopped ${ports[*]}" >&2
}

case "${1:-}" in
  start) start ;;
  stop)
    stop_nodes
    rm -rf "$dir"
    ;;
  status) cluster_ok ;;
  env) nodes_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
