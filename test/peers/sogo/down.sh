#!/usr/bin/env bash
# Stops the daemons that up.sh recorded in $PEER_DIR/pids/, and nothing else: each recorded pid
# (checked against its program name, in case the pid was reused) and, should any outlive it,
# that daemon's own children. Keeps the packages and the state directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# PostgreSQL: SIGINT is its "fast" shutdown (SIGTERM would wait for clients to leave).
declare -A SIGNAL=([postgres]=INT [memcached]=TERM [dovecot]=TERM [postfix]=TERM [sogod]=TERM)

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

# A sogod worker that has served EAS only sets a flag on TERM and leaves 10-20 s later, and the
# watchdog waits for it: TERM all, KILL the workers after 3 s; the watchdog then exits itself.
stop_sogod() {
  local pid=$1 workers
  mapfile -t workers < <(children "$pid")
  kill -TERM "$pid" "${workers[@]}" 2>/dev/null || true
  wait_gone 3 "${workers[@]}" || kill_leftovers sogod "${workers[@]}"
  wait_gone 3 "$pid" || kill_leftovers sogod "$pid"
}

stop_daemon() {
  local name=$1 pid kids
  if ! pid=$(recorded_pid "$name"); then
    [[ -f $PEER_DIR/pids/$name.pid ]] && log "$name: not running (or its pid now belongs to another program)"
    rm -f "$PEER_DIR/pids/$name.pid"
    return 0
  fi
  log "stopping $name ($pid)"
  if [[ $name == sogod ]]; then
    stop_sogod "$pid"
  else
    mapfile -t kids < <(children "$pid")
    kill "-${SIGNAL[$name]}" "$pid" 2>/dev/null || true
    wait_gone 8 "$pid" || kill_leftovers "$name" "$pid"
    wait_gone 2 "${kids[@]}" || kill_leftovers "$name" "${kids[@]}"
  fi
  rm -f "$PEER_DIR/pids/$name.pid"
}

main() {
  local start=$SECONDS i
  [[ -d $PEER_DIR/pids ]] || { log "nothing recorded in $PEER_DIR/pids"; return 0; }
  # Reverse start order: SOGo first, the database last.
  for ((i = ${#PEER_DAEMONS[@]} - 1; i >= 0; i--)); do stop_daemon "${PEER_DAEMONS[i]}"; done
  log "down in $((SECONDS - start)) s"
}

main "$@"
