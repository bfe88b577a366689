#!/usr/bin/env bash
# Stops the Horde peer's daemons, and nothing else: each by the pid file it wrote itself
# (checked against its program name, in case the pid was reused) and, should any outlive it,
# that daemon's own children. Keeps the packages, /etc/horde and the state directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

# wait_gone SECONDS PID...: wait until none of the pids is alive; false on timeout.
wait_gone() {
  local deadline=$((SECONDS * 10 + $1 * 10)) p any
  shift
  while :; do
    any=0
    for p in "$@"; do alive "$p" && any=1; done
    ((any)) || return 0
    (((SECONDS * 10) < deadline)) || return 1
    sleep 0.1
  done
}

kill_leftovers() { # NAME PID...: KILL what survived its parent
  local name=$1 p left=()
  shift
  for p in "$@"; do alive "$p" && left+=("$p"); done
  ((${#left[@]})) || return 0
  log "$name: killing ${#left[@]} leftover process(es): ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
  wait_gone 3 "${left[@]}" || log "$name: still there: ${left[*]}"
}

stop_daemon() {
  local name=$1 pid kids
  pid=$(recorded_pid "$name") || return 0
  log "stopping $name ($pid)"
  mapfile -t kids < <(children "$pid")
  # apache2: TERM stops at once, ending requests in flight (a waiting Ping included).
  kill -TERM "$pid" 2>/dev/null || true
  wait_gone 8 "$pid" || kill_leftovers "$name" "$pid"
  wait_gone 3 "${kids[@]}" || kill_leftovers "$name" "${kids[@]}"
}

main() {
  local start=$SECONDS i
  # Reverse start order: the web server first, the mail store last.
  for ((i = ${#PEER_DAEMONS[@]} - 1; i >= 0; i--)); do stop_daemon "${PEER_DAEMONS[i]}"; done
  log "down in $((SECONDS - start)) s"
}

main "$@"
