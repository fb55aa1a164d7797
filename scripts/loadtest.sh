#!/usr/bin/env bash
# Runs the load figures of docs/PERFORMANCE.md: ipd bench against the demo
# on SQLite, then on PostgreSQL with one and with four replicas, each with
# 16 and 64 clients. Needs PostgreSQL at 127.0.0.1:5432 with trust auth and
# a database "test" (override with PGURL). Everything runs on loopback and
# stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

PGURL=${PGURL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
REQUESTS=${REQUESTS:-3000}
work=$(mktemp -d)
KEEP=${KEEP:-}
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; [ -n "$KEEP" ] || rm -rf "$work"' EXIT

go build -o "$work/ipd" ./cmd/ipd

# start_demo DATABASE PORT starts ipd demo and sets TOKEN and VMNET from
# what it prints.
start_demo() {
  "$work/ipd" demo --database "$1" --listen "127.0.0.1:$2" --rate-limit 10000000 \
    >"$work/demo.out" 2>"$work/demo-$2.log" &
  for _ in $(seq 100); do grep -q address_version "$work/demo.out" 2>/dev/null && break; sleep 0.1; done
  TOKEN=$(grep -o 'Bearer [A-Z0-9]*' "$work/demo.out" | head -1 | cut -d' ' -f2)
  VMNET=$(grep -o 'vmnet_[A-Za-z0-9]*' "$work/demo.out" | head -1)
}

# start_serve DATABASE PORT starts one more replica.
start_serve() {
  "$work/ipd" serve --database "$1" --listen "127.0.0.1:$2" 2>"$work/serve-$2.log" &
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$2/core/v1/" && break; sleep 0.1; done
}

# run_bench LABEL URLS runs the four client mixes against URLS.
run_bench() {
  for clients in 16 64; do
    echo "== $1, $clients clients, IPv6 allocate only"
    "$work/ipd" bench --url "$2" --token "$TOKEN" --interface "$VMNET" --clients "$clients" \
      --requests "$REQUESTS" --version ipv6
    echo "== $1, $clients clients, IPv4 allocate + unallocate + delete (steady state)"
    "$work/ipd" bench --url "$2" --token "$TOKEN" --interface "$VMNET" --clients "$clients" \
      --requests "$REQUESTS" --churn
  done
}

start_demo "$work/ipd.db" 18080
run_bench "SQLite, 1 process" "http://127.0.0.1:18080"
kill %1; wait %1 2>/dev/null || true

schema="ipd_load_$$"
psql -q "$PGURL" -c "CREATE SCHEMA $schema"
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; psql -q "$PGURL" -c "DROP SCHEMA $schema CASCADE"; rm -rf "$work"' EXIT
db="$PGURL&search_path=$schema"
start_demo "$db" 18090
run_bench "PostgreSQL, 1 replica" "http://127.0.0.1:18090"
for port in 18091 18092 18093; do start_serve "$db" "$port"; done
run_bench "PostgreSQL, 4 replicas" "http://127.0.0.1:18090,http://127.0.0.1:18091,http://127.0.0.1:18092,http://127.0.0.1:18093"
