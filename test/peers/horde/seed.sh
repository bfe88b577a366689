#!/usr/bin/env bash
# Resets alice's and bob's mail, calendar, tasks and contacts on the running Horde peer to the
# seed (the SOGo peer's test/peers/sogo/seed/data.ts) and writes the servers' own counts to
# $PEER_DIR/expected-counts.json.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
recorded_pid apache2 >/dev/null || die "the Horde peer is not running: run up.sh first"

# The users' names and addresses (Settings UserInformation and the From of sent mail come from
# these prefs; Horde builds the default identity from them), and the GAL's table (turba's `gal`
# source, configure.php): the same people and details as the SOGo peer's users.
runuser -u www-data -- sqlite3 "$PEER_DIR/horde/horde.sqlite" <<'SQL'
DELETE FROM horde_prefs WHERE pref_scope = 'horde' AND pref_name IN ('fullname', 'from_addr') AND pref_uid IN ('alice', 'bob');
INSERT INTO horde_prefs (pref_uid, pref_scope, pref_name, pref_value) VALUES
  ('alice', 'horde', 'fullname', 'Alice Example'), ('alice', 'horde', 'from_addr', 'alice@example.test'),
  ('bob', 'horde', 'fullname', 'Bob Example'), ('bob', 'horde', 'from_addr', 'bob@example.test');
CREATE TABLE IF NOT EXISTS eas_peer_gal (
  object_id varchar(32) PRIMARY KEY, object_name varchar(255), object_firstname varchar(255),
  object_lastname varchar(255), object_alias varchar(32), object_email varchar(255),
  object_workphone varchar(25), object_title varchar(255), object_company varchar(255), object_office varchar(255));
INSERT OR REPLACE INTO eas_peer_gal VALUES
  ('alice', 'Alice Example', 'Alice', 'Example', 'alice', 'alice@example.test', '+49 30 1234501', 'Engineer', 'Example Org', 'Berlin'),
  ('bob', 'Bob Example', 'Bob', 'Example', 'bob', 'bob@example.test', '+49 30 1234502', 'Product Manager', 'Example Org', 'Berlin');
SQL
cd "$PEER_HERE/../../.."
HORDE_PEER_DIR=$PEER_DIR HORDE_BASE="http://127.0.0.1:$HTTP_PORT" HORDE_IMAP_PORT=$IMAP_PORT \
  npx --no-install tsx test/peers/horde/seed/seed.ts
