/**
 * The query of an EAS request (MS-ASHTTP 2.2.1.1.1): the plain text form, and the
 * base64-encoded binary form that also carries the version, policy key and options.
 */
import { EasProtocolError, type EasCommandName, type EasRequest } from './command.ts';
import { easUserName, type EasAccountConfig } from './endpoint.ts';
import type { EasVersion } from './version.ts';
import { atLeast, isEasVersion } from './version.ts';
import { fromBase64, toBase64 } from '../wbxml/base64.ts';

// ------------------------------------------------------------------ plain text query

/** MS-ASHTTP 2.2.1.1.1.2: `Cmd=..&User=..&DeviceId=..&DeviceType=..` then command parameters. */
export function plainQuery(config: EasAccountConfig, req: EasRequest): string {
  const pairs: [string, string][] = [
    ['Cmd', req.cmd],
    ['User', easUserName(config)],
    ['DeviceId', config.deviceId],
    ['DeviceType', config.deviceType],
    ...Object.entries(req.params ?? {}),
  ];
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

// ------------------------------------------------------------------ base64 query

/** Command codes of the base64 query (MS-ASHTTP 2.2.1.1.1.1.2). Find has none: it goes plain. */
export const COMMAND_CODES: Readonly<Partial<Record<EasCommandName, number>>> = {
  Sync: 0,
  SendMail: 1,
  SmartForward: 2,
  SmartReply: 3,
  GetAttachment: 4,
  FolderSync: 9,
  FolderCreate: 10,
  FolderDelete: 11,
  FolderUpdate: 12,
  MoveItems: 13,
  GetItemEstimate: 14,
  MeetingResponse: 15,
  Search: 16,
  Settings: 17,
  Ping: 18,
  ItemOperations: 19,
  Provision: 20,
  ResolveRecipients: 21,
  ValidateCert: 22,
};

/** Named command parameters of the base64 query and their tags (MS-ASHTTP 2.2.1.1.1.1.3). */
export const PARAM_TAGS = {
  AttachmentName: 0,
  CollectionId: 1,
  ItemId: 3,
  LongId: 4,
  Occurrence: 6,
  User: 8,
} as const;
export type Base64ParamName = keyof typeof PARAM_TAGS;

/** The Options parameter (tag 7) is a one-byte bit mask (MS-ASHTTP 2.2.1.1.1.1.3). */
const OPTIONS_TAG = 7;
export const OPTION_SAVE_IN_SENT = 0x01;
export const OPTION_ACCEPT_MULTIPART = 0x02;

/** The fields of a base64-encoded query value (MS-ASHTTP 2.2.1.1.1.1). */
export interface Base64Query {
  readonly version: EasVersion;
  readonly cmd: EasCommandName;
  /** Windows locale ID of the response language, e.g. 0x0409 (en-US). */
  readonly locale: number;
  readonly deviceId: string;
  /** Unsigned 32-bit policy key, or undefined for none (length 0). */
  readonly policyKey?: number;
  readonly deviceType: string;
  readonly params: Readonly<Partial<Record<Base64ParamName, string>>>;
  /** OPTION_* bits; 0 or undefined omits the parameter. */
  readonly options?: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Builds the byte sequence of MS-ASHTTP 2.2.1.1.1.1 and returns it base64-encoded. */
export function encodeBase64Query(q: Base64Query): string {
  const code = COMMAND_CODES[q.cmd];
  if (code === undefined) throw new RangeError(`${q.cmd} has no base64 command code`);
  const out: number[] = [versionByte(q.version), code, q.locale & 0xff, (q.locale >>> 8) & 0xff];
  pushCounted(out, utf8.encode(q.deviceId));
  if (q.policyKey === undefined) out.push(0);
  else out.push(4, ...le32(q.policyKey)); // Policy key: 4 bytes, little-endian like the locale
  pushCounted(out, utf8.encode(q.deviceType));
  for (const [name, tag] of Object.entries(PARAM_TAGS)) {
    const value = q.params[name as Base64ParamName];
    if (value === undefined) continue;
    out.push(tag); // Encoded Parameter: tag, length, value (MS-ASHTTP 2.2.1.1.1.1.1)
    pushCounted(out, utf8.encode(value));
  }
  if (q.options) out.push(OPTIONS_TAG, 1, q.options & 0xff);
  return toBase64(Uint8Array.from(out));
}

/** Reads a base64-encoded query value back into its fields (for tests and the inspector). */
export function decodeBase64Query(query: string): Base64Query {
  const r = new ByteReader(fromBase64(decodeURIComponent(query)));
  const version = versionFromByte(r.byte());
  const cmd = commandFromCode(r.byte());
  const locale = r.byte() | (r.byte() << 8);
  const deviceId = utf8Decoder.decode(r.counted());
  const policyKeyBytes = r.counted();
  const deviceType = utf8Decoder.decode(r.counted());
  const { params, options } = readParams(r);
  const policyKey = policyKeyBytes.length === 4 ? readLe32(policyKeyBytes) : undefined;
  return { version, cmd, locale, deviceId, policyKey, deviceType, params, options };
}

function readParams(r: ByteReader): Pick<Base64Query, 'params' | 'options'> {
  const params: Partial<Record<Base64ParamName, string>> = {};
  let options: number | undefined;
  const names = new Map<number, Base64ParamName>(Object.entries(PARAM_TAGS).map(([n, t]) => [t, n as Base64ParamName]));
  while (!r.done()) {
    const tag = r.byte();
    const value = r.counted();
    const name = names.get(tag);
    if (tag === OPTIONS_TAG) options = value[0] ?? 0;
    else if (name) params[name] = utf8Decoder.decode(value);
    else throw new EasProtocolError(`unknown base64 query parameter tag ${tag}`);
  }
  return { params, options };
}

function versionByte(v: EasVersion): number {
  return Math.round(Number(v) * 10); // "14.1" -> 141
}

function versionFromByte(b: number): EasVersion {
  const v = `${Math.floor(b / 10)}.${b % 10}`;
  if (!isEasVersion(v)) throw new EasProtocolError(`unknown protocol version byte ${b}`);
  return v;
}

function commandFromCode(code: number): EasCommandName {
  for (const [name, c] of Object.entries(COMMAND_CODES)) if (c === code) return name as EasCommandName;
  throw new EasProtocolError(`unknown command code ${code}`);
}

function pushCounted(out: number[], bytes: Uint8Array): void {
  if (bytes.length > 255) throw new RangeError('base64 query field longer than 255 bytes');
  out.push(bytes.length, ...bytes);
}

function le32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

function readLe32(b: Uint8Array): number {
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
}

class ByteReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  done(): boolean {
    return this.pos >= this.bytes.length;
  }
  byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new EasProtocolError('base64 query is truncated');
    return b;
  }
  counted(): Uint8Array {
    const n = this.byte();
    if (this.pos + n > this.bytes.length) throw new EasProtocolError('base64 query is truncated');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * The base64 form of this request, or undefined when it cannot carry it:
 * protocol 2.5/12.0 (MS-ASHTTP 2.2.1.1.1.1 note), a command without a code,
 * a parameter without a tag, a policy key that is not a 32-bit number, or a
 * field longer than 255 bytes. The caller then uses the plain query.
 */
export function base64QueryFor(config: EasAccountConfig, req: EasRequest, locale: number, acceptMultiPart: boolean): string | undefined {
  if (!atLeast(config.version, '12.1') || COMMAND_CODES[req.cmd] === undefined) return undefined;
  const policyKey = config.policyKey === undefined ? undefined : uint32(config.policyKey);
  const mapped = mapParams(req.params ?? {});
  if (!mapped || (config.policyKey !== undefined && policyKey === undefined)) return undefined;
  const query: Base64Query = {
    version: config.version,
    cmd: req.cmd,
    locale,
    deviceId: config.deviceId,
    policyKey,
    deviceType: config.deviceType,
    params: { ...mapped.params, User: easUserName(config) },
    options: mapped.options | (acceptMultiPart ? OPTION_ACCEPT_MULTIPART : 0),
  };
  try {
    return encodeBase64Query(query);
  } catch (e) {
    if (e instanceof RangeError) return undefined; // a field over 255 bytes
    throw e;
  }
}

/** A policy key as the unsigned 32-bit number it SHOULD be (MS-ASPROV 2.2.2.42). */
function uint32(text: string): number | undefined {
  return /^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff ? Number(text) : undefined;
}

/** Plain parameters to base64 ones; SaveInSent=T becomes the SaveInSent option bit. */
function mapParams(
  params: Readonly<Record<string, string>>,
): { params: Partial<Record<Base64ParamName, string>>; options: number } | undefined {
  const out: Partial<Record<Base64ParamName, string>> = {};
  let options = 0;
  for (const [name, value] of Object.entries(params)) {
    if (name === 'SaveInSent') options |= value === 'T' ? OPTION_SAVE_IN_SENT : 0;
    else if (Object.hasOwn(PARAM_TAGS, name) && name !== 'User') out[name as Base64ParamName] = value;
    else return undefined;
  }
  return { params: out, options };
}
