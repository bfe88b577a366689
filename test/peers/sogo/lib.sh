# Shared by up.sh, seed.sh, down.sh and smoke.sh: where the peer keeps its state, and its ports.
# shellcheck shell=bash
PEER_DIR=${SOGO_PEER_DIR:-/tmp/eas-sogo}
PEER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PG_PORT=5433
MEMCACHED_PORT=11211
SOGO_PORT=20000
SOGO_URL="http://127.0.0.1:$SOGO_PORT/SOGo"
EAS_URL="$SOGO_URL/Microsoft-Server-ActiveSync"
# Daemons whose pid files up.sh writes under $PEER_DIR/pids/, in start order.
PEER_DAEMONS=(postgres memcached dovecot postfix sogod)

log() { printf '[sogo-peer %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# pid_alive FILE: the pid recorded in FILE is a running (not zombie) process.
pid_alive() {
  local pid
  pid=$(head -n1 "$1" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  local state
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}
