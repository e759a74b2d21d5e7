#!/usr/bin/env bash
# The lws4j soak (issue 23): an lws4j server in its own JVM, this script's JVM holding
# N well-behaved connections (echo, chat rooms, threadpool streams; some wss, some
# permessage-deflate) for a while under random faults (resets, readers that stop, half-open
# sockets, slowloris heads, bad frames, TLS failures, inflation bombs, pool re-creation),
# then checking that the server's heap, descriptors and threads return to their baseline,
# that every accepted task was cleaned up once and that no message was lost.
#
#   lws4j-benchmarks/soak.sh                                   # 10,000 connections, 30 min
#   lws4j-benchmarks/soak.sh --connections 2000 --duration 2m  # a short one
#   lws4j-benchmarks/soak.sh --out target/soak-long --faults 4 --recreate 60
#
# Everything runs on 127.0.0.1. Output (default lws4j-benchmarks/target/soak): summary.md,
# samples.csv, soak.svg, server.log. Exit code 0 only when every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."

# 10,000 connections need ~10,100 descriptors here and as many in the server.
HARD=$(ulimit -Hn)
WANT=30000
if [ "$HARD" != unlimited ] && [ "$HARD" -lt "$WANT" ]; then WANT="$HARD"; fi
ulimit -n "$WANT" || true

echo "building lws4j-benchmarks (and lws4j-core)..." >&2
./mvnw -B -q -pl lws4j-benchmarks -am package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt \
  -DskipTests -Dmaven.javadoc.skip=true

# Run from a snapshot of the jars so a rebuild during a long run cannot pull classes away.
SNAP=$(mktemp -d "${TMPDIR:-/tmp}/lws4j-soak.XXXXXX")
trap 'rm -rf "$SNAP"' EXIT
cp lws4j-benchmarks/target/lws4j-benchmarks-*.jar "$SNAP/"
CP="$(ls "$SNAP"/lws4j-benchmarks-*.jar)"
IFS=: read -r -a DEPS < lws4j-benchmarks/target/classpath.txt || true  # the file has no final newline
for d in "${DEPS[@]}"; do
  case "$d" in
    "$PWD"/*|lws4j-*) cp "$d" "$SNAP/"; CP="$CP:$SNAP/$(basename "$d")" ;;
    *) CP="$CP:$d" ;;
  esac
done

echo "soak: ulimit -n $(ulimit -n); $(nproc) cores; $(java -version 2>&1 | head -1)" >&2
java -Xms256m -Xmx2g -cp "$CP" io.lws4j.benchmarks.soak.SoakRunner --out lws4j-benchmarks/target/soak "$@"
