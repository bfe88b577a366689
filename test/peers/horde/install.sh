#!/usr/bin/env bash
# Installs Horde Groupware Webmail with ActiveSync and the web/mail daemons it needs from
# Debian's packages, without letting any package start its distro service (no systemd here;
# up.sh starts them). Prints the time apt took.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# php-horde-activesync is only a Recommends of php-horde; php-sqlite3 for the one SQLite file.
PACKAGES=(php-horde-webmail php-horde-activesync php-horde-db php-sqlite3 apache2 libapache2-mod-php
  dovecot-imapd dovecot-lmtpd postfix sqlite3)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}

apt_install() {
  apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install "$@"
}

install_missing() {
  local missing policy=/usr/sbin/policy-rc.d made_policy=0 start=$SECONDS
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]})) || return 0
  log "installing: ${missing[*]}"
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # also if apt-get is interrupted
  fi
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  local out rc=0
  out=$(apt_install "${missing[@]}" 2>&1) || rc=$?
  if ((rc)) && grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch|404' <<<"$out"; then
    log "package lists missing or stale: apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 -q update >/dev/null
    rc=0; out=$(apt_install "${missing[@]}" 2>&1) || rc=$?
  fi
  ((made_policy)) && rm -f "$policy"
  if ((rc)); then printf '%s\n' "$out" >&2; die "apt-get install failed"; fi
  log "installed ${#missing[@]} packages (and their dependencies) in $((SECONDS - start)) s"
}

install_missing
