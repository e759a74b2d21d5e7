#!/usr/bin/env bash
# A/B of two lws4j-core jars on one harness case, alternating runs so that a machine that
# speeds up or slows down affects both alike, with a peer run in each round for scale.
#
#   lws4j-benchmarks/ab.sh OLD_CORE_JAR NEW_CORE_JAR ROUNDS PEER HARNESS_ARGS...
#
# e.g. (after lws4j-benchmarks/run.sh has built and snapshot the jars once):
#   lws4j-benchmarks/ab.sh /tmp/old/lws4j-core.jar lws4j-core/target/lws4j-core-0.1.0-SNAPSHOT.jar 5 jetty \
#       --workloads stream --transports ws --stream-n 8 --stream-s 4096 --stream-total 600000 --stream-t 3
#   lws4j-benchmarks/ab.sh OLD NEW 4 netty --workloads echo --transports ws --echo-cases 1x65536x4 --echo-seconds 3
#
# Prints each round (msgs/s and server CPU µs per message of old, new and the peer) and the
# medians. The peer runs against the old jar's classpath (it does not use lws4j-core).
#
# AB_NEW_SERVER_JVM="..." adds those server JVM options (--server-jvm) to the new side only,
# to compare one jar with and without a JVM setting, such as a JFR recording:
#   AB_NEW_SERVER_JVM="-XX:StartFlightRecording:settings=lws4j.jfc,filename=/tmp/ab.jfr" \
#       lws4j-benchmarks/ab.sh CORE.jar CORE.jar 5 netty --workloads stream ...
#
# AB_NEW_ARGS="..." adds harness options to the new side only, after the common ones (a
# later option wins), to compare one jar with itself on another transport, such as the same
# case with permessage-deflate offered against plain ws:
#   AB_NEW_ARGS="--transports ws+deflate" lws4j-benchmarks/ab.sh CORE.jar CORE.jar 5 jetty \
#       --workloads stream --transports ws --stream-n 8 --stream-s 32 --stream-total 600000 --stream-t 3
#
# AB_PIN=1 runs the harness (the load generator) on CPU 0 and moves each server process to
# CPU 1 as it starts (taskset; needs 2 CPUs). Each side then has a core of its own, so the
# figures show the server's CPU cost per message, without the scheduling of server and
# client threads on shared cores that makes unpinned rounds differ by 10-20 %.
set -euo pipefail
cd "$(dirname "$0")/.."
. lws4j-benchmarks/bench-lib.sh
OLD=$1; NEW=$2; ROUNDS=$3; PEER=$4; shift 4
LIB=lws4j-benchmarks/target/bench-run/lib
[ -d "$LIB" ] || { echo "run lws4j-benchmarks/run.sh once first (it builds and snapshots the jars)" >&2; exit 2; }
DEPS=$(cat lws4j-benchmarks/target/classpath.txt)
OTHERS=$(ls "$LIB"/*.jar | grep -v '/lws4j-core-' | tr '\n' ':')
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# one run: prints "msgs/s server-cpu client-cpu" of the row of server $2, with core jar $1
run() {
  local jar=$1 server=$2
  shift 2
  rm -f "$TMP/report.md"
  local pin=() mover=
  if [ "${AB_PIN:-0}" = 1 ]; then
    pin=(taskset -c 0)
    # every server JVM the harness starts goes to CPU 1, threads and all (-a)
    ( while :; do for p in $(pgrep -f 'benchmarks.servers.ServerMain'); do taskset -a -c -p 1 "$p" > /dev/null 2>&1; done; sleep 0.2; done ) &
    mover=$!
  fi
  ${pin[@]+"${pin[@]}"} java -Xms256m -Xmx2g -cp "$OTHERS$jar:$DEPS" io.lws4j.benchmarks.harness.Harness --mode full \
    --logs "$TMP/logs" --out "$TMP/report.md" --servers "$server" "$@" > /dev/null 2>&1 || true
  if [ -n "$mover" ]; then kill "$mover"; wait "$mover" 2> /dev/null || true; fi
  row_figures "$server" "$TMP/report.md"
}

echo "round: old msgs/s cpu client-cpu | new msgs/s cpu client-cpu | $PEER msgs/s cpu client-cpu"
for r in $(seq 1 "$ROUNDS"); do
  o=$(run "$OLD" lws4j "$@")
  # shellcheck disable=SC2086 # AB_NEW_ARGS is a list of options
  n=$(run "$NEW" lws4j ${AB_NEW_SERVER_JVM:+--server-jvm "$AB_NEW_SERVER_JVM"} "$@" ${AB_NEW_ARGS:-})
  p=$(run "$OLD" "$PEER" "$@")
  echo "$r: $o | $n | $p" | tee -a "$TMP/rounds"
done
col() { awk -F'[:|]' -v k="$1" -v f="$2" '{ split($(k + 1), a, " "); print a[f] }' "$TMP/rounds" | median; }
om=$(col 1 1); nm=$(col 2 1); pm=$(col 3 1)
echo "median msgs/s: old $om, new $nm, $PEER $pm; new/old $(awk -v a="$nm" -v b="$om" 'BEGIN { printf "%.2f", a / b }'), $PEER/new $(awk -v a="$pm" -v b="$nm" 'BEGIN { printf "%.2f", a / b }')"
echo "median server CPU µs/msg: old $(col 1 2), new $(col 2 2), $PEER $(col 3 2)"
