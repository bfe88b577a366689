# Shared by install.sh, up.sh, seed.sh and down.sh: where the Horde peer keeps its state, and
# its ports (none of them the SOGo peer's: see test/peers/sogo/lib.sh).
# shellcheck shell=bash disable=SC2034
PEER_DIR=${HORDE_PEER_DIR:-/tmp/eas-horde}
PEER_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IMAP_PORT=10143
LMTP_PORT=10024
SMTP_PORT=10025
HTTP_PORT=20080
EAS_URL="http://127.0.0.1:$HTTP_PORT/Microsoft-Server-ActiveSync"
MAIL_OWNER=eashorde
# Daemons whose pid files up.sh points at $PEER_DIR/pids/ (or links there), in start order, and
# the program name (/proc/PID/comm) each pid must have: a recorded pid reused by another process is not ours.
PEER_DAEMONS=(dovecot postfix apache2)
declare -A PEER_COMM=([dovecot]=dovecot [postfix]=master [apache2]=apache2)

log() { printf '[horde-peer %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# alive PID: the process exists and is not a zombie (PID 1 here may reap late).
alive() {
  local state
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z ]]
}

# pid_file NAME: where daemon NAME writes its pid (each daemon writes its own).
pid_file() {
  case $1 in
    dovecot) echo "$PEER_DIR/run/dovecot/master.pid" ;;
    postfix) echo "$PEER_DIR/postfix/queue/pid/master.pid" ;;
    apache2) echo "$PEER_DIR/run/apache2.pid" ;;
  esac
}

# recorded_pid NAME: prints the daemon's recorded pid if it is alive and still that program.
recorded_pid() {
  local pid
  pid=$(head -n1 "$(pid_file "$1")" 2>/dev/null | tr -d ' ') || return 1
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "${PEER_COMM[$1]}" ]] || return 1
  echo "$pid"
}
