#!/usr/bin/env bash
# Resets alice's and bob's mail, calendar, tasks and contacts on the running peer to the seed
# (seed/data.ts) and writes the servers' own counts to $PEER_DIR/expected-counts.json.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -d $PEER_DIR/pids ]] || die "no peer state in $PEER_DIR: run up.sh first"
cd "$PEER_HERE/../../.."
SOGO_PEER_DIR=$PEER_DIR SOGO_BASE="http://127.0.0.1:$SOGO_PORT" npx --no-install tsx test/peers/sogo/seed/seed.ts
