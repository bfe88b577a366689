#!/usr/bin/env bash
# Runs sogo-tool against the peer's configuration, e.g.
#   sogo-tool.sh manage-eas listdevices alice
#   sogo-tool.sh manage-eas resetdevice alice DEVICEID
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -f $PEER_DIR/sogo/GNUstep.conf ]] || die "no SOGo configuration in $PEER_DIR: run up.sh first"
cd "$PEER_DIR/sogo"
exec runuser -u sogo -- env GNUSTEP_CONFIG_FILE="$PEER_DIR/sogo/GNUstep.conf" /usr/sbin/sogo-tool "$@"
