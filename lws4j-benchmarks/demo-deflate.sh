#!/usr/bin/env bash
# The threadpool demo's SYNC path with Node ws clients, permessage-deflate offered and not
# offered, alternated (issue 20's measurement): one demo JVM with
#   --threads 3 --queue 8 --end 1000000 --step 100 --sleep-ms 0 --sync-every 100
# and, per run, 8 Node ws clients (lws4j-tests/node/stream-client.mjs) that each read the
# 10,001 "pos N" messages of their task (about 10 bytes each) and check every one once and
# in order. Prints each round's wall time per run and the medians.
#
#   lws4j-benchmarks/demo-deflate.sh [ROUNDS]        (default 7; builds the jars first)
#
# SKIP_BUILD=1 uses the jars already in lws4j-core/target and lws4j-examples/target.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-7}
PORT=${DEMO_PORT:-7697}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q -pl lws4j-examples -am install -DskipTests -Dmaven.javadoc.skip=true
fi
[ -d lws4j-tests/node/node_modules ] || (cd lws4j-tests/node && npm ci --silent)
CP="$(ls lws4j-examples/target/lws4j-examples-*.jar | grep -v -e '-sources.jar' -e '-javadoc.jar' -e '-tests.jar' | head -1):$(ls lws4j-core/target/lws4j-core-*.jar | grep -v -e '-sources.jar' -e '-javadoc.jar' -e '-tests.jar' | head -1)"
TMP=$(mktemp -d)
java -cp "$CP" io.lws4j.examples.threadpool.ThreadPoolDemo --port "$PORT" --bind 127.0.0.1 \
  --threads 3 --queue 8 --end 1000000 --step 100 --sleep-ms 0 --sync-every 100 --quiet \
  > "$TMP/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2> /dev/null; wait $DEMO 2> /dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 1 600); do
  grep -q 'press Ctrl-C' "$TMP/demo.log" && break
  kill -0 $DEMO 2> /dev/null || { cat "$TMP/demo.log" >&2; exit 1; }
  sleep 0.1
done

# one run: prints the wall time in ms; fails on any client error
run() {
  local out
  out=$(node lws4j-tests/node/stream-client.mjs --url "ws://127.0.0.1:$PORT/" --protocol lws-minimal \
    --connections 8 --pattern '^pos (\d+)$' --step 100 --close-codes 1000 --timeout 120000 "$@")
  echo "$out" | grep -q '"completed":8' || { echo "run failed: $out" >&2; exit 1; }
  echo "$out" | sed -E 's/.*"elapsedMs":([0-9]+).*/\1/'
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

run > /dev/null; run --no-deflate > /dev/null   # warm-up, not counted
echo "round: deflate offered ms | not offered ms"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then d=$(run --require-extension permessage-deflate); n=$(run --no-deflate)
  else n=$(run --no-deflate); d=$(run --require-extension permessage-deflate); fi
  echo "$d" >> "$TMP/d"; echo "$n" >> "$TMP/n"
  echo "$r: $d | $n"
done
md=$(median < "$TMP/d"); mn=$(median < "$TMP/n")
echo "median ms: deflate offered $md, not offered $mn; throughput deflate / not = $(awk -v a="$md" -v b="$mn" 'BEGIN { printf "%.2f", b / a }')"
