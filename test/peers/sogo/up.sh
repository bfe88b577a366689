#!/usr/bin/env bash
# Brings up SOGo 5.8 with ActiveSync on 127.0.0.1, from Debian's packages and without systemd:
# PostgreSQL, memcached, dovecot (IMAP + LMTP), postfix and sogod, each started directly, each
# pid recorded in $PEER_DIR/pids/. Idempotent: what already runs is left running.
# Facts behind every setting: shared/notes/sogo-peer.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

USERS=(alice bob) # surname "Example", mail <login>@example.test, see user_row
declare -A PASSWORD=([alice]=alicepass [bob]=bobpass)
declare -A GIVEN=([alice]=Alice [bob]=Bob)
declare -A PHONE=([alice]='+49 30 1234501' [bob]='+49 30 1234502')
declare -A TITLE=([alice]='Engineer' [bob]='Product Manager')
SOGO_DB_URL="postgresql://sogo:sogo@127.0.0.1:$PG_PORT/sogo"

pidfile() { echo "$PEER_DIR/pids/$1.pid"; }
running() { recorded_pid "$1" >/dev/null; }

# Closes every inherited descriptor above 2, so that a daemon never holds the caller's pipes
# open (`up.sh | tee` would otherwise never end). For subshells that exec a daemon.
close_inherited_fds() {
  local fd
  for fd in /proc/"$BASHPID"/fd/*; do
    fd=${fd##*/}
    ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
  done
  return 0
}

# detached LOG CMD...: run CMD (which daemonizes itself) with stdio on LOG only.
detached() {
  local log=$1
  shift
  (close_inherited_fds && exec "$@" </dev/null >>"$log" 2>&1)
}

# spawn NAME CMD...: run CMD in the background in its own session, its pid recorded as NAME.
spawn() {
  local name=$1 log=$PEER_DIR/logs/$1.log
  shift
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  (close_inherited_fds && exec setsid bash -c 'echo $$ >"$0"; exec "$@"' "$(pidfile "$name")" "$@" \
    </dev/null >>"$log" 2>&1) &
}

# wait_for SECONDS WHAT CMD...: retry CMD every 0.1 s until it succeeds.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what did not come up in time (logs: $PEER_DIR/logs/)"
    sleep 0.1
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# record NAME FILE: copy the first line of a daemon's own pid file into ours.
record() {
  local pid
  pid=$(head -n1 "$2" | tr -d ' ')
  echo "$pid" >"$(pidfile "$1")"
}

# ---------------------------------------------------------------------------- PostgreSQL

pg_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1; }

psql_as() {
  local user=$1
  shift
  PGOPTIONS='-c client_min_messages=warning' "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$PEER_DIR/run/pg" -p "$PG_PORT" -U "$user" "$@"
}

start_postgres() {
  local data=$PEER_DIR/pg bin
  bin=$(pg_bin)
  install -d -o postgres -g postgres -m 700 "$data"
  install -d -o postgres -g postgres -m 755 "$PEER_DIR/run/pg"
  if [[ ! -s $data/PG_VERSION ]]; then
    log "initdb"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth=trust --no-sync >>"$PEER_DIR/logs/initdb.log"
  fi
  if ! running postgres; then
    log "starting PostgreSQL on $PG_PORT"
    # A test database: durability is not wanted, speed is.
    detached "$PEER_DIR/logs/initdb.log" runuser -u postgres -- "$bin/pg_ctl" -D "$data" -w -t 30 \
      -l "$PEER_DIR/logs/postgres.log" -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PEER_DIR/run/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start
    record postgres "$data/postmaster.pid"
  fi
  setup_database
}

user_row() {
  local u=$1 hash
  hash=$(printf %s "${PASSWORD[$u]}" | md5sum | cut -d' ' -f1)
  printf "('%s','%s','%s','%s Example','%s@example.test','%s','Example','%s Example','%s','Example Org','%s')" \
    "$u" "$u" "$hash" "${GIVEN[$u]}" "$u" "${GIVEN[$u]}" "${GIVEN[$u]}" "${PHONE[$u]}" "${TITLE[$u]}"
}

setup_database() {
  psql_as postgres -d postgres -c \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sogo') THEN CREATE ROLE sogo LOGIN PASSWORD 'sogo'; END IF; END \$\$;"
  if [[ -z $(psql_as postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sogo'") ]]; then
    psql_as postgres -d postgres -c "CREATE DATABASE sogo OWNER sogo ENCODING 'UTF8'"
  fi
  local rows=() u
  for u in "${USERS[@]}"; do rows+=("$(user_row "$u")"); done
  # SOGo reads c_uid/c_name/c_password/c_cn/mail; the other columns reach the GAL under their
  # LDAP names (givenname, sn, displayname, telephonenumber, o, title).
  psql_as sogo -d sogo <<SQL
CREATE TABLE IF NOT EXISTS sogo_users (
  c_uid varchar(128) PRIMARY KEY, c_name varchar(128) NOT NULL, c_password varchar(128) NOT NULL,
  c_cn varchar(128), mail varchar(128), givenname varchar(128), sn varchar(128),
  displayname varchar(128), telephonenumber varchar(64), o varchar(128), title varchar(128));
INSERT INTO sogo_users VALUES $(IFS=,; echo "${rows[*]}")
ON CONFLICT (c_uid) DO UPDATE SET c_name = EXCLUDED.c_name, c_password = EXCLUDED.c_password,
  c_cn = EXCLUDED.c_cn, mail = EXCLUDED.mail, givenname = EXCLUDED.givenname, sn = EXCLUDED.sn,
  displayname = EXCLUDED.displayname, telephonenumber = EXCLUDED.telephonenumber,
  o = EXCLUDED.o, title = EXCLUDED.title;
SQL
}

# ---------------------------------------------------------------------------- memcached

start_memcached() {
  running memcached && return 0
  log "starting memcached on $MEMCACHED_PORT"
  spawn memcached /usr/bin/memcached -u memcache -l 127.0.0.1 -p "$MEMCACHED_PORT" -U 0 -m 64
  wait_for 10 memcached port_open "$MEMCACHED_PORT"
}

# ---------------------------------------------------------------------------- dovecot

write_dovecot_config() {
  local d=$PEER_DIR/dovecot u
  install -d -m 755 "$d" "$PEER_DIR/run/dovecot"
  install -d -o mail -g mail -m 700 "$PEER_DIR/mail"
  : >"$d/users.new"
  for u in "${USERS[@]}"; do echo "$u:{PLAIN}${PASSWORD[$u]}" >>"$d/users.new"; done
  chmod 640 "$d/users.new" && chgrp dovecot "$d/users.new" && mv "$d/users.new" "$d/users"

  # SOGo's mail SyncKey needs HIGHESTMODSEQ, which dovecot reports only for mailboxes that a
  # CONDSTORE client has opened: touch every mailbox with a MODSEQ search before each session.
  cat >"$d/postlogin.sh" <<EOF
#!/bin/sh
/usr/bin/doveadm -c '$d/dovecot.conf' search -u "\$USER" mailbox '*' modseq 1 >/dev/null 2>&1
exec "\$@"
EOF
  chmod 755 "$d/postlogin.sh"

  cat >"$d/dovecot.conf" <<EOF
# Written by test/peers/sogo/up.sh
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $PEER_DIR/run/dovecot
state_dir = $d/state
instance_name = eas-sogo-dovecot
log_path = $PEER_DIR/logs/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# LMTP's alice@example.test and IMAP's alice are one user.
auth_username_format = %Ln
mail_location = sdbox:$PEER_DIR/mail/%n
mail_uid = mail
mail_gid = mail
first_valid_uid = $(id -u mail)
first_valid_gid = $(id -g mail)
imap_max_line_length = 2M
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = static
  args = uid=mail gid=mail home=$PEER_DIR/mail/%n
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = 143
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = 24
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
service imap {
  executable = imap imap-postlogin
}
service imap-postlogin {
  executable = script-login $d/postlogin.sh
  user = root
  unix_listener imap-postlogin {
  }
}
EOF
}

start_dovecot() {
  write_dovecot_config
  running dovecot && return 0
  log "starting dovecot (IMAP 143, LMTP 24)"
  # dovecot keeps the stderr it was started with: it must not be the caller's.
  detached "$PEER_DIR/logs/dovecot.out" /usr/sbin/dovecot -c "$PEER_DIR/dovecot/dovecot.conf"
  wait_for 10 "dovecot pid" test -s "$PEER_DIR/run/dovecot/master.pid"
  record dovecot "$PEER_DIR/run/dovecot/master.pid"
  wait_for 10 "dovecot IMAP" port_open 143
  wait_for 10 "dovecot LMTP" port_open 24
}

# ---------------------------------------------------------------------------- postfix

write_postfix_config() {
  local d=$PEER_DIR/postfix
  install -d -m 755 "$d"
  cp /etc/postfix/master.cf "$d/master.cf"
  cat >"$d/main.cf" <<EOF
# Written by test/peers/sogo/up.sh
compatibility_level = 3.6
myhostname = peer.localdomain
myorigin = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:24
# Nothing leaves this machine: mail for any other domain is accepted and dropped.
default_transport = discard:the SOGo test peer drops mail for other domains
relay_transport = discard:the SOGo test peer drops mail for other domains
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
readme_directory = no
message_size_limit = 52428800
maillog_file_prefixes = /var, /dev/stdout, $PEER_DIR/logs
maillog_file = $PEER_DIR/logs/postfix.log
EOF
  postconf -c "$d" -F -e '*/*/chroot = n'
}

start_postfix() {
  write_postfix_config
  local pid=/var/spool/postfix/pid/master.pid
  running postfix && return 0
  log "starting postfix on 25"
  # master -w returns once the real master has initialised (postfix start adds ~3 s of checks).
  detached "$PEER_DIR/logs/postfix.out" \
    env MAIL_CONFIG="$PEER_DIR/postfix" /usr/lib/postfix/sbin/master -c "$PEER_DIR/postfix" -w
  wait_for 10 "postfix pid" test -s "$pid"
  record postfix "$pid"
  wait_for 10 "postfix SMTP" port_open 25
}

# ---------------------------------------------------------------------------- SOGo

write_sogo_config() {
  local d=$PEER_DIR/sogo
  install -d -o sogo -g sogo -m 755 "$d" "$d/Defaults"
  # GNUstep reads user defaults from the login's home (sogo's is /run/sogo), ignoring $HOME;
  # GNUSTEP_CONFIG_FILE points it at our own Defaults directory instead.
  sed "s|^GNUSTEP_USER_DEFAULTS_DIR=.*|GNUSTEP_USER_DEFAULTS_DIR=$d/Defaults|" \
    /etc/GNUstep/GNUstep.conf >"$d/GNUstep.conf"
  # The "sogod" domain overrides /etc/sogo/sogo.conf key by key (SOGoSystemDefaults).
  cat >"$d/Defaults/sogod.plist" <<EOF
{
  WOPort = "127.0.0.1:$SOGO_PORT";
  WOWorkersCount = 6;
  WOPidFile = "$d/sogod.pid";
  WOLogFile = "$PEER_DIR/logs/sogo.log";
  /* minutes; must outlast the longest Ping/Sync wait (3540 s) */
  WOWatchDogRequestTimeout = 61;

  SOGoProfileURL = "$SOGO_DB_URL/sogo_user_profile";
  OCSFolderInfoURL = "$SOGO_DB_URL/sogo_folder_info";
  OCSSessionsFolderURL = "$SOGO_DB_URL/sogo_sessions_folder";
  OCSEMailAlarmsFolderURL = "$SOGO_DB_URL/sogo_alarms_folder";
  SOGoMemcachedHost = "127.0.0.1";

  SOGoUserSources = (
    {
      type = sql;
      id = users;
      viewURL = "$SOGO_DB_URL/sogo_users";
      canAuthenticate = YES;
      isAddressBook = YES;
      displayName = "Example Users";
      userPasswordAlgorithm = md5;
    }
  );

  SOGoIMAPServer = "imap://127.0.0.1:143";
  SOGoSieveScriptsEnabled = NO;
  SOGoVacationEnabled = YES; /* Settings Oof over EAS (automatic replies), test/interop/daily.test.ts */
  SOGoForwardEnabled = NO;
  SOGoMailingMechanism = smtp;
  SOGoSMTPServer = "smtp://127.0.0.1:25";
  SOGoMailDomain = example.test;
  SOGoSentFolderName = Sent;
  SOGoDraftsFolderName = Drafts;
  SOGoTrashFolderName = Trash;
  SOGoJunkFolderName = Junk;
  SOGoAppointmentSendEMailNotifications = NO;
  SOGoEnableEMailAlarms = NO;
  SOGoTimeZone = UTC;
  SOGoLanguage = English;

  SOGoMaximumPingInterval = 3540;
  SOGoMaximumSyncInterval = 3540;
  SOGoInternalSyncInterval = 5;
  SOGoMaximumSyncWindowSize = 0;
  SOGoMaximumSyncResponseSize = 0;
  SOGoEASDebugEnabled = YES;
  SOGoEASSearchInBody = YES;
}
EOF
  chown sogo:sogo "$d/Defaults/sogod.plist"
  chmod 640 "$d/Defaults/sogod.plist"
}

eas_answers() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' -m 5 -X OPTIONS -u alice:alicepass "$EAS_URL") == 200 ]]
}

start_sogod() {
  write_sogo_config
  if ! running sogod; then
    log "starting sogod on $SOGO_PORT"
    rm -f "$PEER_DIR/sogo/sogod.pid"
    # sogod forks: the pid file holds the watchdog, whose children are the workers.
    (cd "$PEER_DIR/sogo" && detached "$PEER_DIR/logs/sogod.out" runuser -u sogo -- \
      env GNUSTEP_CONFIG_FILE="$PEER_DIR/sogo/GNUstep.conf" /usr/sbin/sogod)
    wait_for 15 "sogod pid" test -s "$PEER_DIR/sogo/sogod.pid"
    record sogod "$PEER_DIR/sogo/sogod.pid"
  fi
  wait_for 60 "SOGo ActiveSync (OPTIONS $EAS_URL)" eas_answers
}

main() {
  local start=$SECONDS
  trap 'log "up.sh failed: what it started is recorded in $PEER_DIR/pids/; down.sh stops it"' ERR
  "$PEER_HERE/install.sh"
  install -d -m 755 "$PEER_DIR" "$PEER_DIR/pids" "$PEER_DIR/run" "$PEER_DIR/logs"
  # Daemons that drop root write their own logs.
  touch "$PEER_DIR/logs/postgres.log" "$PEER_DIR/logs/sogo.log"
  chown postgres: "$PEER_DIR/logs/postgres.log"
  chown sogo: "$PEER_DIR/logs/sogo.log"
  start_postgres
  start_memcached
  start_dovecot
  start_postfix
  start_sogod
  log "up in $((SECONDS - start)) s; state in $PEER_DIR"
  echo "sogo peer ready: $SOGO_URL"
}

main "$@"
