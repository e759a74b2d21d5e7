#!/usr/bin/env bash
# Runs the lws4j benchmarks: load-generator workloads (sync-stream, echo, idle, cold start)
# against lws4j and its peers, each server in its own JVM, then the JMH micro-benchmarks.
# Sync-stream and echo run once per transport: plain ws (the whole matrix), then wss and
# permessage-deflate (N=64 rows; quick: ws,wss,ws+deflate; full adds wss+deflate and more N).
# wss uses a self-signed key made by keytool in a temporary directory for the run.
#
#   lws4j-benchmarks/run.sh quick            # about 5-6 min on a shared 2-core machine: the tables for BENCHMARKS.md
#   lws4j-benchmarks/run.sh full             # the whole matrix (about 40 min on 2 cores)
#   lws4j-benchmarks/run.sh quick --no-jmh --workloads stream,echo --transports wss,ws+deflate,wss+deflate
#   lws4j-benchmarks/run.sh quick --jfr      # also record JFR profiles of the server JVMs
#   lws4j-benchmarks/run.sh quick --no-jmh --servers lws4j,netty --workloads stream
#   lws4j-benchmarks/run.sh full --no-jmh --workloads idle-deflate --servers lws4j,jetty,netty
#                                            # 10,000 idle connections with permessage-deflate and one
#                                            # echoed text message each (--idle-message-bytes 20,2048)
#   lws4j-benchmarks/run.sh handshake        # opening handshakes/s, no filter, token filter and
#                                            # deferred filter, lws4j vs Jetty vs Netty (HandshakeBench
#                                            # options after it: --rounds 3 --clients 8 ...); no JMH
#   lws4j-benchmarks/run.sh xsend            # sends from application threads: lws4j sendText vs Jetty
#                                            # sendText+Callback vs Netty writeAndFlush off the loop,
#                                            # then client-side senders: lws4j client vs JDK client
#                                            # (MessagingBench options after it: --rounds 3 --xsend-t 4
#                                            # --xsend-m 100000 --xsend-s 64 --xsend-w 64 ...); no JMH
#   lws4j-benchmarks/run.sh broadcast        # one message to 10,000 connections: lws4j Context.broadcast
#                                            # vs Netty ChannelGroup vs Jetty (--bcast-n --bcast-r
#                                            # --bcast-s); no JMH
#   lws4j-benchmarks/run.sh messaging        # xsend and broadcast in one run (--mode smoke: seconds)
#   lws4j-benchmarks/run.sh workers          # sync-stream at T = 8, 32, 128 workers: the ws matrix
#                                            # (N = 8, 64, 512; S = 32, 4096), then one ws+deflate
#                                            # cell (N = 64, S = 4096) per T; no JMH
#   lws4j-benchmarks/run.sh deflate          # permessage-deflate per message: the bytes table
#                                            # (jmh.DeflateSizes), then JMH jmh.DeflateBenchmark alone
#                                            # (about 4 min); options after it replace the JMH defaults
#                                            # (-wi 3 -w 1s -i 5 -r 1s -f 1), e.g. -p size=4096; no harness
#
# Everything runs on 127.0.0.1 and every run is bounded in time. Output:
# lws4j-benchmarks/target/bench-run/report.md (tables), report.svg (the chart), jmh.txt, logs/, jfr/.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-quick}"
shift || true
case "$MODE" in quick|full|smoke|workers|handshake|xsend|broadcast|messaging|deflate) ;; *) echo "usage: $0 quick|full|smoke|workers|handshake|xsend|broadcast|messaging|deflate [--jfr] [--no-jmh] [harness or JMH options]" >&2; exit 2;; esac

JFR=""
JMH=yes
HARNESS_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jfr) JFR=yes ;;
    --no-jmh) JMH="" ;;
    *) HARNESS_ARGS+=("$1") ;;
  esac
  shift
done

# 10,000 idle connections need ~10,100 descriptors in the harness and in each server.
HARD=$(ulimit -Hn)
WANT=30000
if [ "$HARD" != unlimited ] && [ "$HARD" -lt "$WANT" ]; then WANT="$HARD"; fi
ulimit -n "$WANT" || true

echo "building lws4j-benchmarks (and lws4j-core)..." >&2
./mvnw -B -q -pl lws4j-benchmarks -am package dependency:build-classpath \
  -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt \
  -DskipTests -Dmaven.javadoc.skip=true

# Run from a snapshot of the jars so a rebuild during the run cannot pull classes away.
OUT=lws4j-benchmarks/target/bench-run
rm -rf "$OUT"
mkdir -p "$OUT/lib" "$OUT/logs"
cp lws4j-benchmarks/target/lws4j-benchmarks-*.jar "$OUT/lib/"
CP="$(ls "$OUT"/lib/lws4j-benchmarks-*.jar)"
IFS=: read -r -a DEPS < lws4j-benchmarks/target/classpath.txt || true  # the file has no final newline
for d in "${DEPS[@]}"; do
  case "$d" in
    "$PWD"/*|lws4j-*) cp "$d" "$OUT/lib/"; CP="$CP:$OUT/lib/$(basename "$d")" ;;
    *) CP="$CP:$d" ;;
  esac
done

REPORT="$OUT/report.md"
{
  echo "# lws4j benchmark run ($MODE)"
  echo
  echo "- Date (UTC): $(date -u '+%Y-%m-%d %H:%M')"
  echo "- nproc: $(nproc); memory: $(free -m | awk '/Mem:/{print $2" MiB"}'); ulimit -n: $(ulimit -n)"
  echo "- java -version: $(java -version 2>&1 | tr '\n' ' ')"
  echo "- Command: lws4j-benchmarks/run.sh $MODE${JFR:+ --jfr}$([ -z "$JMH" ] && echo ' --no-jmh') ${HARNESS_ARGS[*]:-}"
  echo
} > "$REPORT"

EXTRA=()
if [ -n "$JFR" ]; then EXTRA+=(--jfr "$OUT/jfr"); fi
# One harness pass; its report is appended to $REPORT. Arguments: harness mode, then options.
harness() {
  local mode="$1"
  shift
  java -Xms256m -Xmx2g -cp "$CP" io.lws4j.benchmarks.harness.Harness --mode "$mode" \
    --logs "$OUT/logs" --out "$REPORT" ${EXTRA[@]+"${EXTRA[@]}"} "$@" \
    ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"} > /dev/null
}

# Appends the JMH results in $OUT/jmh.txt to $REPORT under the heading $1.
jmh_section() {
  {
    echo "### $1"
    echo
    echo '```'
    cat "$OUT/jmh.txt"
    echo '```'
    echo
  } >> "$REPORT"
}

if [ "$MODE" = deflate ]; then
  # The permessage-deflate trade-off: bytes per message (computed, not timed), then the CPU
  # per message from JMH; nothing else runs.
  if [ ${#HARNESS_ARGS[@]} -gt 0 ]; then
    JMH_OPTS=("${HARNESS_ARGS[@]}")
  else
    JMH_OPTS=(-wi 3 -w 1s -i 5 -r 1s -f 1)
  fi
  {
    echo "### permessage-deflate bytes per message (io.lws4j.benchmarks.jmh.DeflateSizes)"
    echo
    java -cp "$CP" io.lws4j.benchmarks.jmh.DeflateSizes
    echo
  } >> "$REPORT"
  echo "JMH DeflateBenchmark ${JMH_OPTS[*]}..." >&2
  java -cp "$CP" org.openjdk.jmh.Main "${JMH_OPTS[@]}" -rf text -rff "$OUT/jmh.txt" \
    'io.lws4j.benchmarks.jmh.DeflateBenchmark' > "$OUT/jmh.log" 2>&1 || true
  if grep -q "<failure>" "$OUT/jmh.log" || [ ! -s "$OUT/jmh.txt" ]; then
    echo "JMH: DeflateBenchmark failed, see $OUT/jmh.log" >&2
    echo "JMH: DeflateBenchmark FAILED (see target/bench-run/jmh.log)" >> "$REPORT"
  else
    jmh_section "permessage-deflate CPU per message (java -cp ... org.openjdk.jmh.Main ${JMH_OPTS[*]} io.lws4j.benchmarks.jmh.DeflateBenchmark)"
  fi
  cat "$REPORT"
  exit 0
fi

if [ "$MODE" = handshake ]; then
  java -Xms256m -Xmx1g -cp "$CP" io.lws4j.benchmarks.harness.HandshakeBench --logs "$OUT/logs" \
    --out "$REPORT" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"} > /dev/null
  cat "$REPORT"
  exit 0
fi

if [ "$MODE" = xsend ] || [ "$MODE" = broadcast ] || [ "$MODE" = messaging ]; then
  WORKLOADS="$MODE"
  if [ "$MODE" = xsend ]; then WORKLOADS=xsend,xsend-client; fi
  if [ "$MODE" = messaging ]; then WORKLOADS=xsend,xsend-client,broadcast; fi
  java -Xms256m -Xmx2g -cp "$CP" io.lws4j.benchmarks.harness.MessagingBench --workloads "$WORKLOADS" \
    --logs "$OUT/logs" --out "$REPORT" ${HARNESS_ARGS[@]+"${HARNESS_ARGS[@]}"} > /dev/null
  cat "$REPORT"
  exit 0
fi

if [ "$MODE" = workers ]; then
  # The pool sizes a later quiet pass measures: the whole ws sync-stream matrix at each T
  # (the quick plan's N and S), then the one deflate cell at each T (the other transports take
  # only the first T of a pass, hence one pass per T).
  WORKERS=(8 32 128)
  harness quick --workloads stream --transports ws --stream-t "$(IFS=,; echo "${WORKERS[*]}")" \
    --stream-n 8,64,512 --stream-s 32,4096
  for t in "${WORKERS[@]}"; do
    harness quick --workloads stream --transports ws+deflate --stream-t "$t" --stream-n 64 --stream-s 4096
  done
  JMH=""
else
  harness "$MODE"
fi

# The chart at the top of BENCHMARKS.md: every server's msgs/s relative to lws4j, per cell.
if java -cp "$CP" io.lws4j.benchmarks.report.SvgChart "$REPORT" "$OUT/report.svg"; then
  echo "chart: $OUT/report.svg" >&2
else
  echo "chart: not written (no sync-stream or echo table in the report?)" >&2
fi

if [ -n "$JMH" ] && [ "$MODE" != smoke ]; then
  if [ "$MODE" = quick ]; then
    JMH_OPTS=(-wi 1 -w 1s -i 2 -r 1s -f 1 -p threads=3 -p size=32)
  else
    JMH_OPTS=(-wi 3 -w 1s -i 5 -r 1s -f 1)
  fi
  echo "JMH ${JMH_OPTS[*]}..." >&2
  java -cp "$CP" org.openjdk.jmh.Main "${JMH_OPTS[@]}" -rf text -rff "$OUT/jmh.txt" \
    'io.lws4j.benchmarks.jmh.*' > "$OUT/jmh.log" 2>&1
  if grep -q "<failure>" "$OUT/jmh.log"; then
    echo "JMH: some benchmarks failed, see $OUT/jmh.log" >&2
    echo "JMH: some benchmarks FAILED (see target/bench-run/jmh.log)" >> "$REPORT"
  fi
  jmh_section "JMH micro-benchmarks (java -cp ... org.openjdk.jmh.Main ${JMH_OPTS[*]})"
fi

if [ -n "$JFR" ] && ls "$OUT"/jfr/*.jfr > /dev/null 2>&1; then
  for f in "$OUT"/jfr/*.jfr; do
    jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample "$f" \
      | awk '/stackTrace = \[/{getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' \
      | sort | uniq -c | sort -rn | head -15 > "${f%.jfr}.top.txt" || true
  done
  echo "JFR top frames: $OUT/jfr/*.top.txt" >&2
fi
cat "$REPORT"
