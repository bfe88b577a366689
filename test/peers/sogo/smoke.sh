#!/usr/bin/env bash
# Hand-run smoke test of the peer's ActiveSync, with curl and the project's own WBXML codec:
# OPTIONS, FolderSync from 0, an initial Sync of the Inbox (SyncKey 0, then the first key), and
# a GAL Search for bob.
# Usage: smoke.sh [user] [password] [protocol version]   (defaults: alice alicepass 14.1)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

USER_NAME=${1:-alice}
USER_PASS=${2:-alicepass}
VERSION=${3:-14.1}
DEVICE=SmokeTest0001
REPO=$(cd "$PEER_HERE/../../.." && pwd)
WORK=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$WORK"' EXIT

wbxml() { (cd "$REPO" && npm run -s eas -- wbxml "$@"); }

# eas CMD XMLFILE: POST the encoded request, leave the decoded answer in $WORK/CMD.xml.
eas() {
  local cmd=$1 code
  wbxml encode "$2" >"$WORK/$cmd.req.wbxml"
  code=$(curl -s -m 60 -o "$WORK/$cmd.res.wbxml" -w '%{http_code}' -u "$USER_NAME:$USER_PASS" \
    -H "MS-ASProtocolVersion: $VERSION" -H 'Content-Type: application/vnd.ms-sync.wbxml' \
    -H 'User-Agent: eas-pwa-smoke' --data-binary "@$WORK/$cmd.req.wbxml" \
    "$EAS_URL?Cmd=$cmd&User=$USER_NAME&DeviceId=$DEVICE&DeviceType=SmokeTest")
  [[ $code == 200 ]] || die "$cmd: HTTP $code"
  if [[ -s $WORK/$cmd.res.wbxml ]]; then
    # One line, no indentation: easy to grep.
    wbxml decode "$WORK/$cmd.res.wbxml" | tr -d '\n' | sed -E 's/>[[:space:]]+</></g' >"$WORK/$cmd.xml"
  else
    : >"$WORK/$cmd.xml"
  fi
}

# first TAG FILE: text of the first <TAG> in FILE.
first() { grep -oE "<$1( [^>]*)?>[^<]*</$1>" "$2" | head -n1 | sed -E "s|</?$1( [^>]*)?>||g"; }
count() { grep -oE "<$1( [^>]*)?>" "$2" | wc -l | tr -d ' '; }

options() {
  local headers
  headers=$(curl -s -m 10 -D - -o /dev/null -X OPTIONS -u "$USER_NAME:$USER_PASS" "$EAS_URL")
  grep -q '^HTTP/1.1 200' <<<"$headers" || die "OPTIONS: $(head -n1 <<<"$headers")"
  echo "OPTIONS: 200, $(grep -i '^MS-ASProtocolVersions:' <<<"$headers" | tr -d '\r')"
}

folder_sync() {
  cat >"$WORK/fs.xml" <<'EOF'
<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>
EOF
  eas FolderSync "$WORK/fs.xml"
  local status
  status=$(first Status "$WORK/FolderSync.xml")
  [[ $status == 1 ]] || die "FolderSync: Status $status"
  echo "FolderSync: Status 1, $(count Add "$WORK/FolderSync.xml") folders:" \
    "$(grep -o '<DisplayName>[^<]*</DisplayName><Type>[0-9]*</Type>' "$WORK/FolderSync.xml" |
      sed -E 's|<DisplayName>([^<]*)</DisplayName><Type>([0-9]*)</Type>|\1(\2)|' | paste -sd' ')"
}

# The Inbox is the folder of Type 2 (MS-ASCMD 2.2.3.186.3).
inbox_id() {
  grep -o '<Add>.*' "$WORK/FolderSync.xml" | sed 's|</Add>|&\n|g' |
    grep '<Type>2</Type>' | head -n1 | grep -o '<ServerId>[^<]*</ServerId>' | sed -E 's|</?ServerId>||g'
}

sync_request() { # SYNCKEY COLLECTION [GETCHANGES]
  printf '<Sync xmlns="AirSync"><Collections><Collection><SyncKey>%s</SyncKey><CollectionId>%s</CollectionId>%s</Collection></Collections></Sync>\n' \
    "$1" "$2" "${3:-}"
}

sync_inbox() {
  local id key status
  id=$(inbox_id)
  [[ -n $id ]] || die "no folder of Type 2 in FolderSync"
  sync_request 0 "$id" >"$WORK/s0.xml"
  eas Sync "$WORK/s0.xml"
  status=$(first Status "$WORK/Sync.xml")
  key=$(first SyncKey "$WORK/Sync.xml")
  [[ $status == 1 && -n $key ]] || die "Sync 0: Status $status"
  echo "Sync Inbox ($id) key 0: Status 1, SyncKey $key"
  sync_request "$key" "$id" '<GetChanges>1</GetChanges><WindowSize>512</WindowSize><Options><BodyPreference xmlns="AirSyncBase"><Type>1</Type><TruncationSize>200</TruncationSize></BodyPreference></Options>' >"$WORK/s1.xml"
  eas Sync "$WORK/s1.xml"
  if [[ ! -s $WORK/Sync.xml ]]; then
    echo "Sync Inbox key $key: HTTP 200, empty body (no changes), 0 items"
    return
  fi
  status=$(first Status "$WORK/Sync.xml")
  [[ $status == 1 ]] || die "Sync $key: Status $status"
  echo "Sync Inbox key $key: Status 1, $(count Add "$WORK/Sync.xml") items, SyncKey $(first SyncKey "$WORK/Sync.xml")," \
    "MoreAvailable=$(grep -q '<MoreAvailable' "$WORK/Sync.xml" && echo yes || echo no)," \
    "first subject: $(first Subject "$WORK/Sync.xml")"
  expect_inbox "$(count Add "$WORK/Sync.xml")"
}

# Compare with the count seed.sh read from IMAP, if the peer was seeded.
expect_inbox() {
  local file=$PEER_DIR/expected-counts.json want
  [[ -f $file ]] || return 0
  want=$(node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(c.users[process.argv[2]]?.folders?.INBOX?.messages ?? "")' "$file" "$USER_NAME")
  [[ -z $want ]] && return 0
  [[ $1 == "$want" ]] || die "Inbox: EAS gave $1 items, IMAP STATUS says $want"
  echo "Inbox count matches IMAP STATUS ($want)"
}

# The SQL user source is the GAL (isAddressBook): bob must be found by name.
search_gal() {
  cat >"$WORK/gal.xml" <<'EOF2'
<Search xmlns="Search"><Store><Name>GAL</Name><Query>bob</Query><Options><Range>0-9</Range></Options></Store></Search>
EOF2
  eas Search "$WORK/gal.xml"
  local status
  status=$(first Status "$WORK/Search.xml")
  [[ $status == 1 ]] || die "Search GAL: Status $status"
  echo "Search GAL 'bob': Status 1, Total $(first Total "$WORK/Search.xml"):" \
    "$(first DisplayName "$WORK/Search.xml") <$(first EmailAddress "$WORK/Search.xml")>"
}

options
folder_sync
sync_inbox
search_gal
echo "smoke ok ($USER_NAME, EAS $VERSION)"
