#!/usr/bin/env bash
# Alternated runs of one harness case: each round runs every named server once, in turn, so
# that a machine that speeds up or slows down during the rounds affects them all alike.
# Runs the jars that lws4j-benchmarks/run.sh snapshot, so run that once first.
#
#   lws4j-benchmarks/alt.sh ROUNDS SERVERS HARNESS_ARGS...
#
# e.g.
#   lws4j-benchmarks/alt.sh 5 lws4j,jetty --workloads stream --transports wss+deflate \
#       --stream-n 8 --stream-s 4096 --stream-total 600000 --stream-t 3
#
# Give one case (one N, one S, one transport): each run reports the first row of its server.
# Prints, per round, msgs/s and the server's and the load generator's CPU µs per message of
# each server, then each server's medians and its median msgs/s ÷ the first server's.
# To compare two lws4j-core jars instead, use ab.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. lws4j-benchmarks/bench-lib.sh
ROUNDS=$1; IFS=, read -r -a SERVERS <<< "$2"; shift 2
LIB=lws4j-benchmarks/target/bench-run/lib
[ -d "$LIB" ] || { echo "run lws4j-benchmarks/run.sh once first (it builds and snapshots the jars)" >&2; exit 2; }
CP="$(ls "$LIB"/*.jar | tr '\n' ':')$(cat lws4j-benchmarks/target/classpath.txt)"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# one run: prints "msgs/s server-cpu client-cpu" of the row of server $1
run() {
  local server=$1
  shift
  rm -f "$TMP/report.md"
  java -Xms256m -Xmx2g -cp "$CP" io.lws4j.benchmarks.harness.Harness --mode full \
    --logs "$TMP/logs" --out "$TMP/report.md" --servers "$server" "$@" > /dev/null 2>&1 || true
  row_figures "$server" "$TMP/report.md"
}

echo "round: per server msgs/s, server CPU µs/msg, client CPU µs/msg"
for r in $(seq 1 "$ROUNDS"); do
  line="$r:"
  for s in "${SERVERS[@]}"; do
    v=$(run "$s" "$@")
    echo "$s $v" >> "$TMP/runs"
    line="$line $s $v |"
  done
  echo "$line"
done
first=
for s in "${SERVERS[@]}"; do
  m=$(awk -v s="$s" '$1 == s { print $2 }' "$TMP/runs" | median)
  sc=$(awk -v s="$s" '$1 == s { print $3 }' "$TMP/runs" | median)
  cc=$(awk -v s="$s" '$1 == s { print $4 }' "$TMP/runs" | median)
  [ -n "$first" ] || first=$m
  echo "median $s: $m msgs/s, server CPU $sc, client CPU $cc; ÷ ${SERVERS[0]} $(awk -v a="$m" -v b="$first" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }')"
done
