#!/usr/bin/env bash
# An HA PostgreSQL 15 on 127.0.0.1 from Debian's packages, as Refract's users run one: one etcd, two
# Patroni-managed PostgreSQL nodes in synchronous mode, and HAProxy sending connections to the node whose Patroni
# REST API answers /primary. Needs: apt-get install -y postgresql patroni etcd-server haproxy.
#
#   bench/failover/cluster.sh start DIR     # prints nothing; the cluster answers on 127.0.0.1:$FO_PROXY_PORT
#   bench/failover/cluster.sh primary DIR   # the name of the node that is primary now (node1 | node2)
#   bench/failover/cluster.sh kill-postmaster DIR NODE   # kill -9 that node's postmaster (Patroni restarts it)
#   bench/failover/cluster.sh kill-node DIR NODE         # kill -9 that node's Patroni and PostgreSQL at once
#   bench/failover/cluster.sh restart-node DIR NODE      # start a killed node's Patroni again (it rejoins)
#   bench/failover/cluster.sh stop DIR
set -euo pipefail
CMD=$1
DIR=$2
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
ETCD_PORT=${FO_ETCD_PORT:-23790}
PROXY_PORT=${FO_PROXY_PORT:-25440}
# node N: PostgreSQL on 2544N, Patroni's REST API on 2580N
pg_port() { echo $((25440 + ${1#node})); }
api_port() { echo $((25800 + ${1#node})); }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

node_config() {
  local n=$1
  cat <<YAML
scope: refract-bench
name: $n
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:$(api_port "$n")
  connect_address: 127.0.0.1:$(api_port "$n")
etcd3:
  host: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    # the leader key's time to live bounds how long a dead node stays leader; loop_wait + 2 * retry_timeout <= ttl
    ttl: ${FO_TTL:-10}
    loop_wait: 1
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    # a commit waits for the standby: a refund answered 200 is on both nodes before the merchant hears of it
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 200
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 5
        max_replication_slots: 5
        synchronous_commit: "on"
  initdb:
    - encoding: UTF8
    - auth: trust
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 127.0.0.1/32 trust
postgresql:
  listen: 127.0.0.1:$(pg_port "$n")
  connect_address: 127.0.0.1:$(pg_port "$n")
  data_dir: $DIR/$n/data
  bin_dir: $PG_BIN
  pgpass: $DIR/$n/pgpass
  authentication:
    replication: {username: replicator, password: replicator}
    superuser: {username: postgres, password: postgres}
  parameters:
    unix_socket_directories: $DIR/$n
YAML
}

haproxy_config() {
  cat <<CFG
global
  maxconn 1000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 1s
listen primary
  bind 127.0.0.1:$PROXY_PORT
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
  server node1 127.0.0.1:$(pg_port node1) check port $(api_port node1)
  server node2 127.0.0.1:$(pg_port node2) check port $(api_port node2)
CFG
}

start_patroni() {
  local n=$1
  as_postgres bash -c "nohup patroni '$DIR/$n.yml' >> '$DIR/$n.log' 2>&1 & echo \$! > '$DIR/$n.pid'"
}

case "$CMD" in
  start)
    mkdir -p "$DIR"
    chmod 777 "$DIR"
    nohup etcd --name fo --data-dir "$DIR/etcd" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-advertise-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
      --initial-cluster "fo=http://127.0.0.1:$((ETCD_PORT + 1))" >"$DIR/etcd.log" 2>&1 &
    echo $! >"$DIR/etcd.pid"
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ETCD_PORT/health" >/dev/null && break; sleep 0.1; done
    for n in node1 node2; do
      mkdir -p "$DIR/$n"
      node_config "$n" >"$DIR/$n.yml"
      chown -R postgres "$DIR/$n" "$DIR/$n.yml"
      touch "$DIR/$n.log"; chown postgres "$DIR/$n.log"
    done
    start_patroni node1
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$(api_port node1)/primary" >/dev/null && break; sleep 0.2; done
    start_patroni node2
    # the standby is in sync once Patroni names it the synchronous standby
    for _ in $(seq 300); do
      curl -sf "http://127.0.0.1:$(api_port node2)/sync" >/dev/null && break; sleep 0.2
    done
    curl -sf "http://127.0.0.1:$(api_port node2)/sync" >/dev/null || { echo "cluster: node2 never became the synchronous standby" >&2; exit 1; }
    haproxy_config >"$DIR/haproxy.cfg"
    haproxy -D -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid"
    # HAProxy takes a server as up until its first checks fail: wait until every connection reaches the primary
    ok=0
    for _ in $(seq 200); do
      if [ "$(psql -h 127.0.0.1 -p "$PROXY_PORT" -U postgres -d postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = f ]; then
        ok=$((ok + 1)); [ "$ok" -ge 6 ] && break
      else
        ok=0; sleep 0.1
      fi
    done
    [ "$ok" -ge 6 ] || { echo "cluster: HAProxy does not send connections to the primary alone" >&2; exit 1; }
    ;;
  primary)
    for n in node1 node2; do
      if curl -sf "http://127.0.0.1:$(api_port "$n")/primary" >/dev/null 2>&1; then echo "$n"; exit 0; fi
    done
    echo none
    ;;
  kill-postmaster)
    kill -9 "$(head -1 "$DIR/$3/data/postmaster.pid")"
    ;;
  kill-node)
    pm=$(head -1 "$DIR/$3/data/postmaster.pid" 2>/dev/null || true)
    kill -9 "$(cat "$DIR/$3.pid")" 2>/dev/null || true
    [ -n "$pm" ] && pkill -9 -P "$pm" 2>/dev/null || true
    [ -n "$pm" ] && kill -9 "$pm" 2>/dev/null || true
    ;;
  restart-node)
    start_patroni "$3"
    ;;
  stop)
    [ -f "$DIR/haproxy.pid" ] && kill "$(cat "$DIR/haproxy.pid")" 2>/dev/null || true
    for n in node1 node2; do
      [ -f "$DIR/$n.pid" ] && kill "$(cat "$DIR/$n.pid")" 2>/dev/null || true
    done
    for _ in $(seq 50); do
      pgrep -f "patroni $DIR" >/dev/null || break; sleep 0.2
    done
    for n in node1 node2; do
      pkill -9 -f "patroni $DIR/$n.yml" 2>/dev/null || true
      pm=$(head -1 "$DIR/$n/data/postmaster.pid" 2>/dev/null || true)
      [ -n "$pm" ] && kill -9 "$pm" 2>/dev/null || true
    done
    [ -f "$DIR/etcd.pid" ] && kill "$(cat "$DIR/etcd.pid")" 2>/dev/null || true
    ;;
  *) echo "unknown command $CMD" >&2; exit 2 ;;
esac
