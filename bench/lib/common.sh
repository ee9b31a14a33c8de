# Helpers for bench/run-all (sourced). Every process started here is recorded and stopped on exit.
STARTED_PIDS=()
SERVER_PID=
SERVER_URL=

RUN_T0=$(date +%s)
step() { printf '\n== %s (at %ss) ==\n' "$*" "$(( $(date +%s) - RUN_T0 ))"; }

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# forget_pid PID: a process started here that has ended and been waited for.
forget_pid() {
  local keep=() pid
  for pid in "${STARTED_PIDS[@]}"; do [ "$pid" != "$1" ] && keep+=("$pid"); done
  STARTED_PIDS=("${keep[@]}")
}

machine_json() { python3 "$ROOT/bench/lib/report.py" --machine "$ROOT"; }

perf_works() {
  command -v perf >/dev/null 2>&1 &&
    perf record -q -e cpu-clock -o /dev/null -- true >/dev/null 2>&1
}

# start_server shotcall|reference [LOG-NAME]: sets SERVER_PID and SERVER_URL.
start_server() {
  local kind=$1 out=$LOGS/server-${2:-$1}.out err=$LOGS/server-${2:-$1}.err
  : > "$out"
  case $kind in
    shotcall)
      # Production settings except the connection limits, which the load needs lifted.
      "$BIN/shotcall-signal" --bind 127.0.0.1 --port 0 --max-connections-per-ip 0 \
        --max-connections 100000 > "$out" 2> "$err" &
      ;;
    reference)
      node "$ROOT/bench/reference/server.js" --bind 127.0.0.1 --port 0 > "$out" 2> "$err" &
      ;;
  esac
  SERVER_PID=$!
  STARTED_PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    SERVER_URL=$(sed -n 's/^listening on //p' "$out")
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "run-all: the $kind server did not start (see $err)" >&2
  exit 1
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  local keep=()
  for pid in "${STARTED_PIDS[@]}"; do [ "$pid" != "$SERVER_PID" ] && keep+=("$pid"); done
  STARTED_PIDS=("${keep[@]}")
  SERVER_PID=
}

# voice_bench NAME ARGS...: $RAW/voice-NAME.json; with PERF_OUT set, under perf record.
voice_bench() {
  local name=$1; shift
  local cmd=("$BIN/shotcall-voice-bench" "$name" "$@")
  if [ -n "${PERF_OUT:-}" ]; then
    cmd=(perf record -q -e cpu-clock -F 499 -o "$PERF_OUT" -- "${cmd[@]}")
  fi
  timeout 900 "${cmd[@]}" > "$RAW/voice-$name.json" 2> "$LOGS/voice-$name.log" ||
    echo "run-all: voice $name exited $? (see $LOGS/voice-$name.log)" >&2
}
