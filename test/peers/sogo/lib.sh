# Shared by up.sh, seed.sh, down.sh and smoke.sh: where the peer keeps its state, and its ports.
# shellcheck shell=bash disable=SC2034
PEER_DIR=${SOGO_PEER_DIR:-/tmp/eas-sogo}
PEER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_PORT=5433
MEMCACHED_PORT=11211
SOGO_PORT=20000
SOGO_URL="http://127.0.0.1:$SOGO_PORT/SOGo"
EAS_URL="$SOGO_URL/Microsoft-Server-ActiveSync"
# Daemons whose pid files up.sh writes under $PEER_DIR/pids/, in start order, and the program
# name (/proc/PID/comm) each pid must have: a recorded pid reused by another process is not ours.
PEER_DAEMONS=(postgres memcached dovecot postfix sogod)
declare -A PEER_COMM=([postgres]=postgres [memcached]=memcached [dovecot]=dovecot [postfix]=master [sogod]=sogod)

log() { printf '[sogo-peer %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# alive PID: the process exists and is not a zombie (PID 1 here may reap late).
alive() {
  local state
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# recorded_pid NAME: prints the daemon's recorded pid if it is alive and still that program.
recorded_pid() {
  local pid
  pid=$(head -n1 "$PEER_DIR/pids/$1.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "${PEER_COMM[$1]}" ]] || return 1
  echo "$pid"
}
