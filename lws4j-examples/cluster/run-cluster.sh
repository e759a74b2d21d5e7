#!/usr/bin/env bash
# Starts the chat cluster on this machine with one command: a Redis server, three lws4j chat
# instances (io.lws4j.examples.chat.ChatServer --redis ...) and nginx in front of them, all
# on 127.0.0.1, as the current user, with every file in a new temporary directory (no system
# service is used). Needs nginx and redis-server (Debian: apt-get install nginx redis-server)
# and a JDK 17+.
#
#   lws4j-examples/cluster/run-cluster.sh          # builds, starts, prints how to stop
#   then open http://127.0.0.1:8080/ (token "demo"), or ws://127.0.0.1:8080/chat/ROOM?token=demo
#
# Stop it with Ctrl-C, or `RUN_DIR/stop.sh` from another shell. Roll the instances one by one
# (drain, restart) with `RUN_DIR/rolling-restart.sh`.
# Ports: NGINX_PORT (8080), REDIS_PORT (6390), CHAT_PORTS ("7691 7692 7693").
# SKIP_BUILD=1 leaves out the Maven compile and runs the classes already in the modules'
# target/classes (RunClusterScriptTest in lws4j-tests does, after the reactor's compile).
# NGINX_BIN and REDIS_SERVER_BIN name the programs when they are not on PATH (or in
# /usr/sbin, /usr/bin). The JDK is JAVA_HOME's when set, else the `java` on PATH; run files go
# to a new directory under TMPDIR (/tmp). It prints "chat cluster running" once all is up; if
# the start fails or the script is interrupted before that, it stops whatever it had started.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
nginx_port=${NGINX_PORT:-8080}
redis_port=${REDIS_PORT:-6390}
read -r -a chat_ports <<< "${CHAT_PORTS:-7691 7692 7693}"
[[ ${#chat_ports[@]} -eq 3 ]] || { echo "CHAT_PORTS needs three ports" >&2; exit 2; }
nginx_bin=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
redis_bin=${REDIS_SERVER_BIN:-$(command -v redis-server || echo /usr/bin/redis-server)}
[[ -x $nginx_bin ]] || { echo "nginx not found (apt-get install nginx)" >&2; exit 1; }
[[ -x $redis_bin ]] || { echo "redis-server not found (apt-get install redis-server)" >&2; exit 1; }
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/java}
java_bin=${java_bin:-$(command -v java || true)}
[[ -x $java_bin ]] || { echo "java not found (set JAVA_HOME or put a JDK 17+ on PATH)" >&2; exit 1; }

if [[ ${SKIP_BUILD:-0} == 1 ]]; then
    echo "SKIP_BUILD=1: using the compiled classes as they are"
else
    echo "building lws4j-core and lws4j-examples..."
    (cd "$repo" && ./mvnw -B -q -pl lws4j-examples -am compile)
fi
classpath="$repo/lws4j-core/target/classes:$repo/lws4j-examples/target/classes"
for dir in "$repo/lws4j-core/target/classes" "$repo/lws4j-examples/target/classes"; do
    [[ -d $dir ]] || { echo "$dir is missing: build first (run without SKIP_BUILD=1)" >&2; exit 1; }
done

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/lws4j-cluster.XXXXXX")
chmod 755 "$run_dir"   # nginx workers may run as another user when started as root

wait_for_port() { # port what pid
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    echo "$2 did not start listening on port $1; see $run_dir" >&2
    return 1
}

start_instance() { # index
    local i=$1 port=${chat_ports[$1]}
    "$java_bin" -cp "$classpath" io.lws4j.examples.chat.ChatServer --port "$port" \
        --instance-id "chat-$((i + 1))" --redis "127.0.0.1:$redis_port" \
        --trusted-proxies 127.0.0.3 --drain-seconds 10 \
        >> "$run_dir/chat-$((i + 1)).log" 2>&1 &
    echo $! > "$run_dir/chat-$((i + 1)).pid"
    wait_for_port "$port" "chat-$((i + 1))" "$(cat "$run_dir/chat-$((i + 1)).pid")"
}

# Stops the processes this script started, found by the files holding their PIDs (the
# nginx launcher PID is nginx's master, as it runs with "daemon off"): TERM, then up to 15 s
# each to end, then KILL. Used by a failed start and copied into stop.sh.
stop_started() {
    local f pid
    local -a pid_files=("$run_dir/nginx.pid.launcher" "$run_dir"/chat-*.pid "$run_dir/redis.pid")
    for f in "${pid_files[@]}"; do
        [[ -f $f ]] && kill -TERM "$(cat "$f")" 2>/dev/null || true
    done
    for f in "${pid_files[@]}"; do
        pid=$(cat "$f" 2>/dev/null || true)
        [[ -n $pid ]] || continue
        for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
}

# a failed start (any failing command, set -e) or an interrupt before the cluster runs stops
# what was started
started=0
on_exit() {
    if [[ $started == 0 ]]; then
        echo "cluster start failed or interrupted: stopping what was started (logs in $run_dir)" >&2
        stop_started
    fi
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$run_dir" > "$run_dir/redis.log" 2>&1 &
echo $! > "$run_dir/redis.pid"
wait_for_port "$redis_port" redis-server "$(cat "$run_dir/redis.pid")"

for i in 0 1 2; do start_instance "$i"; done

sed -e "s|\${RUN_DIR}|$run_dir|g" -e "s|\${NGINX_PORT}|$nginx_port|g" \
    -e "s|\${PORT1}|${chat_ports[0]}|g" -e "s|\${PORT2}|${chat_ports[1]}|g" \
    -e "s|\${PORT3}|${chat_ports[2]}|g" "$repo/lws4j-examples/cluster/nginx.conf" \
    > "$run_dir/nginx.conf"
"$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log" \
    > "$run_dir/nginx.log" 2>&1 &
echo $! > "$run_dir/nginx.pid.launcher"
wait_for_port "$nginx_port" nginx "$(cat "$run_dir/nginx.pid.launcher")"

{
    echo "#!/usr/bin/env bash"
    echo "# Stops the cluster started in $run_dir: nginx, the chat instances (drained), Redis"
    echo "# (TERM, then KILL what is still running 15 s later)."
    printf 'run_dir=%q\n' "$run_dir"
    declare -f stop_started
    echo 'stop_started'
    echo 'touch "$run_dir/stopped"'
    echo 'echo "cluster in $run_dir stopped"'
} > "$run_dir/stop.sh"
chmod +x "$run_dir/stop.sh"

cat > "$run_dir/rolling-restart.sh" <<ROLL
#!/usr/bin/env bash
# Drains and restarts the three chat instances one after the other (SIGTERM drains: members
# are closed with 1001 and reconnect through nginx to the other instances).
set -euo pipefail
for i in 1 2 3; do
    pid=\$(cat "$run_dir/chat-\$i.pid")
    echo "draining chat-\$i (pid \$pid)"
    kill -TERM "\$pid"
    while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done
    port=\$(echo "${chat_ports[*]}" | cut -d' ' -f\$i)
    "$java_bin" -cp "$classpath" io.lws4j.examples.chat.ChatServer --port "\$port" \\
        --instance-id "chat-\$i" --redis "127.0.0.1:$redis_port" \\
        --trusted-proxies 127.0.0.3 --drain-seconds 10 >> "$run_dir/chat-\$i.log" 2>&1 &
    new_pid=\$!
    echo "\$new_pid" > "$run_dir/chat-\$i.pid"
    for _ in \$(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/\$port") 2>/dev/null && break
        kill -0 "\$new_pid" 2>/dev/null || { echo "chat-\$i exited; see $run_dir/chat-\$i.log" >&2; exit 1; }
        sleep 0.1
    done
    (exec 3<>"/dev/tcp/127.0.0.1/\$port") 2>/dev/null \\
        || { echo "chat-\$i did not listen on \$port; see $run_dir/chat-\$i.log" >&2; exit 1; }
    echo "chat-\$i is back on port \$port"
done
ROLL
chmod +x "$run_dir/rolling-restart.sh"

echo
echo "chat cluster running: http://127.0.0.1:$nginx_port/ (token: demo)"
echo "  instances: ${chat_ports[*]} (each: http://127.0.0.1:PORT/members), redis: $redis_port"
echo "  files and logs: $run_dir"
echo "  rolling restart: $run_dir/rolling-restart.sh"
echo "  stop: Ctrl-C here, or $run_dir/stop.sh"
started=1
trap '"$run_dir/stop.sh"; exit 0' INT TERM
while [[ ! -f "$run_dir/stopped" ]]; do sleep 1; done
