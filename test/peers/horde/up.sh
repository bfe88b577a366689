#!/usr/bin/env bash
# Brings up Horde Groupware Webmail (Horde_ActiveSync, EAS up to 16.0) on 127.0.0.1 from Debian's
# packages and without systemd: dovecot (IMAP + LMTP), postfix and apache2 with mod_php, each
# started directly with its own pid file, on ports none of which the SOGo peer uses. Horde's
# configuration (/etc/horde, global: one Horde per machine) is written by configure.php, every
# table in one SQLite file. Idempotent: what already runs is left running.
# Facts behind every setting: shared/notes/horde-peer.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

USERS=(alice bob) # surname "Example", mail <login>@example.test
declare -A PASSWORD=([alice]=alicepass [bob]=bobpass)

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

ensure_mail_owner() {
  getent passwd "$MAIL_OWNER" >/dev/null && return 0
  log "creating system user $MAIL_OWNER (owner of the peer's mailboxes)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$MAIL_OWNER"
}

# ---------------------------------------------------------------------------- dovecot

write_dovecot_config() {
  local d=$PEER_DIR/dovecot u
  install -d -m 755 "$d" "$PEER_DIR/run/dovecot"
  install -d -o "$MAIL_OWNER" -g "$MAIL_OWNER" -m 700 "$PEER_DIR/mail"
  : >"$d/users.new"
  for u in "${USERS[@]}"; do echo "$u:{PLAIN}${PASSWORD[$u]}" >>"$d/users.new"; done
  chmod 640 "$d/users.new" && chgrp dovecot "$d/users.new" && mv "$d/users.new" "$d/users"
  cat >"$d/dovecot.conf" <<CONF
# Written by test/peers/horde/up.sh
protocols = imap lmtp
listen = 127.0.0.1
base_dir = $PEER_DIR/run/dovecot
state_dir = $d/state
instance_name = eas-horde
log_path = $PEER_DIR/logs/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# LMTP's alice@example.test and IMAP's alice are one user.
auth_username_format = %Ln
mail_location = sdbox:$PEER_DIR/mail/%n
mail_uid = $MAIL_OWNER
mail_gid = $MAIL_OWNER
first_valid_uid = $(id -u "$MAIL_OWNER")
first_valid_gid = $(id -g "$MAIL_OWNER")
imap_max_line_length = 2M
passdb {
  driver = passwd-file
  args = scheme=PLAIN $d/users
}
userdb {
  driver = static
  args = uid=$MAIL_OWNER gid=$MAIL_OWNER home=$PEER_DIR/mail/%n
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
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
protocol lmtp {
  postmaster_address = postmaster@example.test
}
CONF
}

start_dovecot() {
  write_dovecot_config
  running dovecot && return 0
  log "starting dovecot (IMAP $IMAP_PORT, LMTP $LMTP_PORT)"
  # dovecot keeps the stderr it was started with: it must not be the caller's.
  detached "$PEER_DIR/logs/dovecot.out" /usr/sbin/dovecot -c "$PEER_DIR/dovecot/dovecot.conf"
  wait_for 10 "dovecot pid" test -s "$(pid_file dovecot)"
  wait_for 10 "dovecot IMAP" port_open "$IMAP_PORT"
  wait_for 10 "dovecot LMTP" port_open "$LMTP_PORT"
}

# ---------------------------------------------------------------------------- postfix

write_postfix_config() {
  local d=$PEER_DIR/postfix
  install -d -m 755 "$d" "$d/data"
  install -d -m 755 "$d/queue"
  chown postfix: "$d/data"
  cat >"$d/main.cf" <<CONF
# Written by test/peers/horde/up.sh
compatibility_level = 3.6
queue_directory = $d/queue
data_directory = $d/data
myhostname = horde-peer.localdomain
myorigin = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.test
virtual_transport = lmtp:inet:127.0.0.1:$LMTP_PORT
# Nothing leaves this machine: mail for any other domain is accepted and dropped.
default_transport = discard:the Horde test peer drops mail for other domains
relay_transport = discard:the Horde test peer drops mail for other domains
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
readme_directory = no
message_size_limit = 52428800
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file_prefixes = /var, /dev/stdout, $PEER_DIR/logs
maillog_file = $PEER_DIR/logs/postfix.log
CONF
  # Only what this instance needs, nothing chrooted (the queue is not under /var/spool).
  cat >"$d/master.cf" <<CONF
# Written by test/peers/horde/up.sh
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF
}

start_postfix() {
  write_postfix_config
  running postfix && return 0
  log "starting postfix on $SMTP_PORT"
  # postfix start (not master -w): its checks make the queue directories of a new queue_directory.
  detached "$PEER_DIR/logs/postfix.out" /usr/sbin/postfix -c "$PEER_DIR/postfix" start
  wait_for 15 "postfix pid" test -s "$(pid_file postfix)"
  wait_for 10 "postfix SMTP" port_open "$SMTP_PORT"
}

# ---------------------------------------------------------------------------- Horde

HORDE_STATE=$PEER_DIR/horde # the SQLite file, Horde's tmp, cache and VFS, owned by www-data

configure_horde() {
  install -d -o www-data -g www-data -m 755 "$HORDE_STATE" "$HORDE_STATE/tmp" "$HORDE_STATE/cache" "$HORDE_STATE/vfs"
  # Net_DNS2 under PHP 8.2 dies in its destructor on an empty cache file (fread of 0 bytes),
  # turning unflushed answers into HTTP 500: a directory in its place makes it skip the cache.
  install -d -o www-data -g www-data -m 755 "$HORDE_STATE/tmp/horde_dns.cache$(hostname)"
  touch "$PEER_DIR/logs/horde.log" "$PEER_DIR/logs/activesync.log" "$PEER_DIR/logs/php-error.log"
  chown www-data: "$PEER_DIR/logs/horde.log" "$PEER_DIR/logs/activesync.log" "$PEER_DIR/logs/php-error.log"
  PEER_DIR=$PEER_DIR HORDE_STATE=$HORDE_STATE IMAP_PORT=$IMAP_PORT SMTP_PORT=$SMTP_PORT \
    HORDE_EAS_VERSION=${HORDE_EAS_VERSION:-16.0} HORDE_PROVISIONING=${HORDE_PROVISIONING:-none} \
    php "$PEER_HERE/configure.php" >>"$PEER_DIR/logs/configure.log" 2>&1 \
    || die "configure.php failed (logs/configure.log)"
}

migrate_horde() {
  local stamp=$HORDE_STATE/migrated
  [[ -s $HORDE_STATE/horde.sqlite && -f $stamp ]] && return 0
  log "creating Horde's tables (horde-db-migrate)"
  # configure.php runs as root and may leave an empty horde.sqlite of root's behind (seen on a
  # fresh machine: the migration then cannot open it): the file is www-data's, as its directory.
  if [[ -e $HORDE_STATE/horde.sqlite ]]; then chown www-data:www-data "$HORDE_STATE/horde.sqlite"; fi
  # content first: the tag migrations of kronolith/turba/nag/mnemo need its tables.
  runuser -u www-data -- horde-db-migrate content >>"$PEER_DIR/logs/migrate.log" 2>&1
  runuser -u www-data -- horde-db-migrate >>"$PEER_DIR/logs/migrate.log" 2>&1
  touch "$stamp"
}

write_apache_config() {
  local d=$PEER_DIR/apache
  install -d -m 755 "$d" "$PEER_DIR/run/apache2"
  # PHP 8 made an undefined constant fatal: Horde_ActiveSync 2.41.9's Message/Exception.php names
  # a class as a bare constant (the 16.0 AirSyncBase Location of an exception), so every 16.0
  # Sync of a recurring event with an exception died mid-answer (HTTP 200, then an HTML error
  # page). Defining that constant as the class name it means is what PHP 7 did with a warning.
  cat >"$d/prepend.php" <<'PHP'
<?php
// Written by test/peers/horde/up.sh (auto_prepend_file): PHP 7's reading of a bare class name.
if (!defined('Horde_ActiveSync_Message_AirSyncBaseLocation')) {
    define('Horde_ActiveSync_Message_AirSyncBaseLocation', 'Horde_ActiveSync_Message_AirSyncBaseLocation');
}
PHP
  cat >"$d/apache2.conf" <<CONF
# Written by test/peers/horde/up.sh: its own ports, pid, mutexes and logs (nothing of /etc/apache2).
ServerRoot /etc/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$HTTP_PORT
PidFile $(pid_file apache2)
Mutex file:$PEER_DIR/run/apache2 default
DefaultRuntimeDir $PEER_DIR/run/apache2
User www-data
Group www-data
# A Ping may wait up to heartbeatmax (3540 s).
Timeout 3700
KeepAlive On
ErrorLog $PEER_DIR/logs/apache-error.log
LogLevel warn
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule php_module /usr/lib/apache2/modules/libphp8.2.so
StartServers 3
MinSpareServers 2
MaxSpareServers 8
MaxRequestWorkers 24
TypesConfig /etc/mime.types
LogFormat "%h %t \"%r\" %>s %b %{ms}T ms \"%{MS-ASProtocolVersion}i\" \"%{User-Agent}i\"" eas
CustomLog $PEER_DIR/logs/apache-access.log eas
DocumentRoot /usr/share/horde
Alias /horde /usr/share/horde
Alias /Microsoft-Server-ActiveSync /usr/share/horde/rpc.php
Alias /autodiscover/autodiscover.xml /usr/share/horde/rpc.php
<Directory />
  Require all denied
  AllowOverride None
</Directory>
<Directory /usr/share/horde>
  Require all granted
  Options FollowSymLinks
  DirectoryIndex index.php
</Directory>
<FilesMatch "\\.php\$">
  SetHandler application/x-httpd-php
</FilesMatch>
# Horde's rpc.php reads the path after it (CalDAV, CardDAV).
AcceptPathInfo On
php_admin_flag log_errors on
php_admin_value error_log $PEER_DIR/logs/php-error.log
php_admin_value upload_tmp_dir $HORDE_STATE/tmp
php_admin_value memory_limit 512M
php_admin_value auto_prepend_file $d/prepend.php
# configure.php's files take effect on the next request (the provisioning hook is switched in tests).
php_admin_value opcache.revalidate_freq 0
php_admin_value session.save_path $HORDE_STATE/tmp
CONF
}

eas_answers() {
  # HTTP 401 without credentials: Horde's rpc.php is answering (a wrong password costs ~8 s).
  [[ $(curl -s -o /dev/null -w '%{http_code}' -m 5 -X OPTIONS "$EAS_URL") == 401 ]]
}

start_apache() {
  write_apache_config
  if ! running apache2; then
    log "starting apache2 + mod_php on $HTTP_PORT"
    rm -f "$(pid_file apache2)"
    detached "$PEER_DIR/logs/apache.out" /usr/sbin/apache2 -f "$PEER_DIR/apache/apache2.conf" -k start
    wait_for 15 "apache2 pid" test -s "$(pid_file apache2)"
  fi
  wait_for 30 "Horde ActiveSync (OPTIONS $EAS_URL)" eas_answers
}

main() {
  local start=$SECONDS
  trap 'log "up.sh failed: down.sh stops what it started (pid files under $PEER_DIR/run, $PEER_DIR/postfix/queue/pid)"' ERR
  "$PEER_HERE/install.sh"
  install -d -m 755 "$PEER_DIR" "$PEER_DIR/run" "$PEER_DIR/logs"
  ensure_mail_owner
  configure_horde
  migrate_horde
  start_dovecot
  start_postfix
  start_apache
  log "up in $((SECONDS - start)) s; state in $PEER_DIR"
  echo "horde peer ready: http://127.0.0.1:$HTTP_PORT"
}

main "$@"
