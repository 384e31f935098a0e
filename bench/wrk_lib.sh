# Shared by bench/serve.sh and bench/taxii.sh (sourced): waiting for a port
# on 127.0.0.1 and one wrk run. The caller defines die() and SECS.

# Returns once something listens on 127.0.0.1:$1 (10 s at most).
wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}

# One wrk run of SECS seconds: prints "req/s p50 p99 [errors]".
run_wrk() {
  local conns="$1" url="$2"; shift 2
  local out
  out="$(wrk -t2 -c"$conns" -d"${SECS}s" --latency "$@" "$url" 2>&1)"
  local rps p50 p99 errors
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Socket errors|Non-2xx/ {printf "%s ", $0}' <<<"$out")"
  echo "${rps:-0} ${p50:-?} ${p99:-?} ${errors}"
}
