/**
 * The request line of an EAS POST (MS-ASHTTP 2.2.1.1.1): the plain query form
 * `?Cmd=Sync&User=u&DeviceId=d&DeviceType=t&...` and the base64 form.
 */
import { fromBase64 } from '../src/wbxml/base64.ts';

export interface EasQuery {
  readonly cmd: string;
  readonly user: string;
  readonly deviceId: string;
  readonly deviceType: string;
  /** Command parameters: ItemId, CollectionId, LongId, Occurrence, AttachmentName, SaveInSent, AcceptMultiPart. */
  readonly params: Record<string, string>;
  /** Set by the base64 form only (it carries what the plain form sends as headers). */
  readonly version?: string;
  readonly policyKey?: string;
  readonly locale?: number;
}

/** MS-ASHTTP 2.2.1.1.1.1.2 command codes of the base64 form. */
const COMMANDS: Record<number, string> = {
  0: 'Sync',
  1: 'SendMail',
  2: 'SmartForward',
  3: 'SmartReply',
  4: 'GetAttachment',
  9: 'FolderSync',
  10: 'FolderCreate',
  11: 'FolderDelete',
  12: 'FolderUpdate',
  13: 'MoveItems',
  14: 'GetItemEstimate',
  15: 'MeetingResponse',
  16: 'Search',
  17: 'Settings',
  18: 'Ping',
  19: 'ItemOperations',
  20: 'Provision',
  21: 'ResolveRecipients',
  22: 'ValidateCert',
};

/** MS-ASHTTP 2.2.1.1.1.1.3 command parameter tags. */
const PARAMS: Record<number, string> = {
  0: 'AttachmentName',
  1: 'CollectionId',
  3: 'ItemId',
  4: 'LongId',
  6: 'Occurrence',
  7: 'Options',
  8: 'User',
};

/** Reads the plain form; undefined when it is not one (no Cmd). */
function plainQuery(search: URLSearchParams): EasQuery | undefined {
  const cmd = search.get('Cmd');
  if (!cmd) return undefined;
  const params: Record<string, string> = {};
  for (const [k, v] of search) {
    if (!['Cmd', 'User', 'DeviceId', 'DeviceType'].includes(k)) params[k] = v;
  }
  return {
    cmd,
    user: search.get('User') ?? '',
    deviceId: search.get('DeviceId') ?? '',
    deviceType: search.get('DeviceType') ?? '',
    params,
  };
}

class Reader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  byte(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new Error('base64 query too short');
    return b;
  }
  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw new Error('base64 query too short');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  done(): boolean {
    return this.at >= this.bytes.length;
  }
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);
const utf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A device ID is text in current clients, a binary GUID in old ones (shown as hex). */
function deviceIdText(b: Uint8Array): string {
  return [...b].every((c) => c >= 0x20 && c < 0x7f)
    ? latin1(b)
    : [...b]
        .map((c) => c.toString(16).padStart(2, '0'))
        .join('')
        .toUpperCase();
}

/** Options bitmask (MS-ASHTTP 2.2.1.1.1.1.3): 0x01 SaveInSent, 0x02 AcceptMultiPart. */
function readOptions(value: Uint8Array, params: Record<string, string>): void {
  const flags = value[0] ?? 0;
  if (flags & 0x01) params['SaveInSent'] = 'T';
  if (flags & 0x02) params['AcceptMultiPart'] = 'T';
}

/** Decodes the base64 form (MS-ASHTTP 2.2.1.1.1.1.1); throws on a malformed one. */
export function base64Query(text: string): EasQuery {
  const r = new Reader(fromBase64(decodeURIComponent(text)));
  const versionByte = r.byte();
  const cmd = COMMANDS[r.byte()] ?? 'Unknown';
  const locale = r.byte() | (r.byte() << 8);
  const deviceId = deviceIdText(r.take(r.byte()));
  const keyLength = r.byte();
  const key = r.take(keyLength);
  const policyKey = keyLength === 4 ? String(new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true)) : undefined;
  const deviceType = latin1(r.take(r.byte()));
  const params: Record<string, string> = {};
  let user = '';
  while (!r.done()) {
    const tag = r.byte();
    const value = r.take(r.byte());
    const name = PARAMS[tag];
    if (name === 'Options') readOptions(value, params);
    else if (name === 'User') user = utf8(value);
    else if (name) params[name] = utf8(value);
  }
  const version = `${Math.floor(versionByte / 10)}.${versionByte % 10}`;
  return { cmd, user, deviceId, deviceType, params, version, policyKey, locale };
}

/** Either form; undefined when the URL carries neither (or a malformed base64 one). */
export function parseQuery(url: URL): EasQuery | undefined {
  const plain = plainQuery(url.searchParams);
  if (plain) return plain;
  const raw = url.search.slice(1);
  if (raw === '') return undefined;
  try {
    return base64Query(raw);
  } catch {
    return undefined;
  }
}
