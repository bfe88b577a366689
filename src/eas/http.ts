/**
 * The HTTP transport of EAS (MS-ASHTTP).
 *
 * Every command is an HTTP POST to `<server>/Microsoft-Server-ActiveSync` with
 * the command, user and device in the query (plain text, or a base64-encoded
 * binary form), a few headers, and a WBXML body. The server answers 200 with a
 * WBXML body (or an empty one for Sync/Ping/SendMail "nothing to say"), or an
 * HTTP error that says what to do next: authenticate, provision, go elsewhere,
 * wait. HTTP OPTIONS lists the versions and commands the server speaks.
 *
 * The network is injected (`Transport`), so this module runs unchanged in a
 * browser (fetch), a worker, Node, or a test with a fake server.
 */
import { fromBase64, toBase64 } from '../wbxml/base64.ts';
import type { El } from '../wbxml/tree.ts';
import type { EasCommandName, EasRequest } from './command.ts';
import { EasProtocolError } from './command.ts';
import type { EasVersion } from './version.ts';
import { CLIENT_VERSIONS, atLeast, isEasVersion } from './version.ts';
import { decodeEas, encodeEas } from './wbxml.ts';

/** The network: fetch, or anything shaped like it. */
export type Transport = (req: Request) => Promise<Response>;

/** How the client authenticates (the Authorization header, MS-ASHTTP 2.2.1.1.2). */
export type EasCredentials =
  /** HTTP Basic with `user:password` (user is `domain\user` when a domain is set). */
  | { readonly kind: 'password'; readonly password: string }
  /** OAuth bearer token (Exchange Online "modern auth"). */
  | { readonly kind: 'bearer'; readonly token: string }
  /**
   * No Authorization header: the client holds no credentials. MS-ASHTTP 2.2.1.1.2.1 requires
   * one, so something in front of the server must add it: `eas proxy --vault` does, from the
   * session cookie the browser sends along (same origin).
   */
  | { readonly kind: 'none' };

/** One EAS account as the transport needs it. */
export interface EasAccountConfig {
  /** Server URL: `https://mail.example.com` or the full `.../Microsoft-Server-ActiveSync`. */
  readonly url: string;
  readonly user: string;
  /** Windows domain; the EAS user becomes `domain\user`. */
  readonly domain?: string;
  readonly credentials: EasCredentials;
  /** Unique per device and stable across runs: the server keys its sync state on it. */
  readonly deviceId: string;
  /** E.g. "SmartPhone", "WindowsMail", or this app's own name. */
  readonly deviceType: string;
  readonly userAgent?: string;
  readonly version: EasVersion;
  /** The key from the last Provision; absent before the first one. */
  readonly policyKey?: string;
}

export const EAS_PATH = '/Microsoft-Server-ActiveSync';
export const WBXML_CONTENT_TYPE = 'application/vnd.ms-sync.wbxml';
export const MIME_CONTENT_TYPE = 'message/rfc822';
/** Content-Type of a multipart ItemOperations response (MS-ASCMD 2.2.1.10.1). */
export const MULTIPART_CONTENT_TYPE = 'application/vnd.ms-sync.multipart';

// ------------------------------------------------------------------ URL and credentials

/** The EAS endpoint for a server URL: appends /Microsoft-Server-ActiveSync unless present. */
export function endpointUrl(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  return trimmed.toLowerCase().endsWith(EAS_PATH.toLowerCase()) ? trimmed : trimmed + EAS_PATH;
}

/** The user as EAS names it in the User parameter and Basic credentials: `domain\user`. */
export function easUserName(config: Pick<EasAccountConfig, 'user' | 'domain'>): string {
  return config.domain ? `${config.domain}\\${config.user}` : config.user;
}

/** `Basic base64(user:password)`, from the UTF-8 bytes (RFC 7617 charset=UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${toBase64(new TextEncoder().encode(`${user}:${password}`))}`;
}

/** The Authorization header value; undefined for credentials of kind 'none'. */
export function authorizationHeader(config: EasAccountConfig): string | undefined {
  const c = config.credentials;
  if (c.kind === 'none') return undefined;
  return c.kind === 'bearer' ? `Bearer ${c.token}` : basicAuthorization(easUserName(config), c.password);
}

function authorizedHeaders(config: EasAccountConfig): Headers {
  const authorization = authorizationHeader(config);
  return new Headers(authorization === undefined ? {} : { Authorization: authorization });
}

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
  Sync: 0, SendMail: 1, SmartForward: 2, SmartReply: 3, GetAttachment: 4,
  FolderSync: 9, FolderCreate: 10, FolderDelete: 11, FolderUpdate: 12, MoveItems: 13,
  GetItemEstimate: 14, MeetingResponse: 15, Search: 16, Settings: 17, Ping: 18,
  ItemOperations: 19, Provision: 20, ResolveRecipients: 21, ValidateCert: 22,
};

/** Named command parameters of the base64 query and their tags (MS-ASHTTP 2.2.1.1.1.1.3). */
export const PARAM_TAGS = {
  AttachmentName: 0, CollectionId: 1, ItemId: 3, LongId: 4, Occurrence: 6, User: 8,
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
  const names = new Map<number, Base64ParamName>(
    Object.entries(PARAM_TAGS).map(([n, t]) => [t, n as Base64ParamName]),
  );
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
export function base64QueryFor(
  config: EasAccountConfig,
  req: EasRequest,
  locale: number,
  acceptMultiPart: boolean,
): string | undefined {
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

// ------------------------------------------------------------------ request building

export type QueryForm = 'plain' | 'base64';

export interface RequestOptions {
  /** Query form; base64 falls back to plain when the request cannot use it. Default plain. */
  readonly queryForm?: QueryForm;
  /** Locale of the base64 query. Default 0x0409. */
  readonly locale?: number;
  /** Ask for a multipart ItemOperations response (MS-ASHTTP 2.2.1.1.2.5). */
  readonly acceptMultiPart?: boolean;
  readonly signal?: AbortSignal;
}

/** The encoded body and its Content-Type header (MS-ASHTTP 2.2.1.1.2). */
export function encodeBody(req: EasRequest): { bytes: Uint8Array; contentType: string } | undefined {
  if (!req.body) return undefined;
  if ('mime' in req.body) return { bytes: req.body.mime, contentType: MIME_CONTENT_TYPE };
  return { bytes: encodeEas(req.body), contentType: WBXML_CONTENT_TYPE };
}

/** The POST for one command (MS-ASHTTP 2.2.1.1), with the body already encoded. */
export function buildHttpRequest(
  config: EasAccountConfig,
  req: EasRequest,
  body: { bytes: Uint8Array; contentType: string } | undefined,
  opts: RequestOptions = {},
): Request {
  const multi = opts.acceptMultiPart === true;
  const b64 = opts.queryForm === 'base64' ? base64QueryFor(config, req, opts.locale ?? 0x0409, multi) : undefined;
  const headers = authorizedHeaders(config);
  if (b64 === undefined) {
    // These three travel inside the base64 query instead (MS-ASHTTP 2.2.1.1.2.5, .6, .8).
    headers.set('MS-ASProtocolVersion', config.version);
    if (config.policyKey !== undefined) headers.set('X-MS-PolicyKey', config.policyKey);
    if (multi) headers.set('MS-ASAcceptMultiPart', 'T');
  }
  if (config.userAgent) headers.set('User-Agent', config.userAgent);
  if (body) headers.set('Content-Type', body.contentType);
  const url = `${endpointUrl(config.url)}?${b64 ?? plainQuery(config, req)}`;
  return new Request(url, { method: 'POST', headers, body: body?.bytes.slice(), signal: opts.signal });
}

/** HTTP OPTIONS on the endpoint (MS-ASHTTP 2.2.3). */
export function buildOptionsRequest(config: EasAccountConfig, signal?: AbortSignal): Request {
  const headers = authorizedHeaders(config);
  if (config.userAgent) headers.set('User-Agent', config.userAgent);
  return new Request(endpointUrl(config.url), { method: 'OPTIONS', headers, signal });
}

// ------------------------------------------------------------------ OPTIONS response

export interface ServerOptions {
  /** Versions this code knows (2.5 ... 16.1), in the server's order. */
  readonly versions: readonly EasVersion[];
  /** Other listed versions (1.0, 2.0, 2.1 on old servers). */
  readonly otherVersions: readonly string[];
  /** MS-ASProtocolCommands. */
  readonly commands: readonly string[];
  /** MS-Server-ActiveSync: the server build, e.g. "14.00.0536.000". */
  readonly serverVersion?: string;
}

/**
 * Reads the OPTIONS response headers (MS-ASHTTP 2.2.4.1.2). Accepts a Headers
 * object (which joins repeated headers with ", ") or a raw list of name/value
 * pairs in which a header may repeat; both forms are comma lists.
 */
export function parseServerOptions(headers: Iterable<readonly [string, string]>): ServerOptions {
  const versions: string[] = [];
  const commands: string[] = [];
  let serverVersion: string | undefined;
  for (const [name, value] of headers) {
    const n = name.toLowerCase();
    if (n === 'ms-asprotocolversions') versions.push(...splitList(value));
    else if (n === 'ms-asprotocolcommands') commands.push(...splitList(value));
    else if (n === 'ms-server-activesync') serverVersion = value.trim();
  }
  const unique = [...new Set(versions)];
  return {
    versions: unique.filter(isEasVersion),
    otherVersions: unique.filter((v) => !isEasVersion(v)),
    commands: [...new Set(commands)],
    serverVersion,
  };
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * The highest version both sides speak. The client list defaults to
 * CLIENT_VERSIONS (12.1 to 16.1); 2.5 and 12.0 count only when the client lists them.
 */
export function negotiateVersion(
  serverVersions: readonly string[],
  clientVersions: readonly EasVersion[] = CLIENT_VERSIONS,
): EasVersion | undefined {
  const shared = clientVersions.filter((v) => serverVersions.includes(v));
  return shared.sort((a, b) => Number(b) - Number(a))[0];
}

// ------------------------------------------------------------------ errors

export type EasHttpErrorKind =
  /** 401: credentials missing or refused (MS-ASHTTP 3.1.5.2.1). */
  | 'unauthorized'
  /** 403: the user is not enabled for ActiveSync (MS-ASHTTP 3.1.5.2.1). */
  | 'forbidden'
  /** 449: provision, then retry (protocol 12.x; 14.0+ uses status 142-144). */
  | 'needs-provisioning'
  /** 451: use another server, named by X-MS-Location (MS-ASHTTP 3.1.5.2.2). */
  | 'redirect'
  /** 456: the account is blocked (MS-ASHTTP 3.1.5.2.4). */
  | 'blocked'
  /** 457: the password has expired (MS-ASHTTP 3.1.5.2.4). */
  | 'password-expired'
  /** 503 (or 429): busy or throttled, retry after a while (MS-ASHTTP 3.1.5.2.3). */
  | 'retry-later'
  /** Other 5xx (500, 501, 502, 507...). */
  | 'server'
  /** Other non-2xx (400, 404...). */
  | 'client'
  /** 200 with a body that is not WBXML, e.g. an HTML page from a proxy or login portal. */
  | 'not-wbxml'
  /** The transport threw: DNS, TLS, connection, CORS. */
  | 'network';

export class EasHttpError extends Error {
  override readonly name: string = 'EasHttpError';
  constructor(
    readonly kind: EasHttpErrorKind,
    /** HTTP status; 0 for network failures. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** 451: all later requests SHOULD go to `location`; without one, run Autodiscover again. */
export class EasRedirectError extends EasHttpError {
  override readonly name = 'EasRedirectError';
  constructor(readonly location: string | undefined) {
    super('redirect', 451, location ? `redirected to ${location}` : 'redirected without X-MS-Location');
  }
}

export class EasRetryLaterError extends EasHttpError {
  override readonly name = 'EasRetryLaterError';
  constructor(
    status: number,
    /** From Retry-After (seconds or HTTP date), in ms; undefined when absent. */
    readonly retryAfterMs: number | undefined,
  ) {
    super('retry-later', status, `server busy (HTTP ${status})`);
  }
}

export class EasNotWbxmlError extends EasHttpError {
  override readonly name = 'EasNotWbxmlError';
  constructor(
    readonly contentType: string | undefined,
    /** The first bytes of the body as text, for diagnostics. */
    readonly preview: string,
  ) {
    super('not-wbxml', 200, `response is not WBXML (${contentType ?? 'no Content-Type'})`);
  }
}

export class EasNetworkError extends EasHttpError {
  override readonly name = 'EasNetworkError';
  constructor(
    override readonly cause: unknown,
    /**
     * The response had begun (status and headers came, the body broke off). False:
     * nothing came back, e.g. the server had closed an idle keep-alive connection.
     */
    readonly answered = false,
  ) {
    super('network', 0, `network failure: ${causeChain(cause)}`);
  }
}

/** "fetch failed: other side closed": fetch hides the socket's reason one or two causes deep. */
function causeChain(e: unknown): string {
  const parts: string[] = [];
  for (let c = e, depth = 0; c !== undefined && depth < 4; depth++) {
    parts.push(c instanceof Error ? c.message : String(c));
    c = c instanceof Error ? c.cause : undefined;
  }
  return [...new Set(parts)].join(': ');
}

const SIMPLE_KINDS: Readonly<Record<number, EasHttpErrorKind>> = {
  401: 'unauthorized', 403: 'forbidden', 449: 'needs-provisioning', 456: 'blocked', 457: 'password-expired',
};

/** The error for a non-2xx response (MS-ASHTTP 2.2.2.1.1), or undefined for 2xx. */
export function errorForStatus(status: number, headers: Headers, nowMs: number): EasHttpError | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 451) return new EasRedirectError(headers.get('X-MS-Location') ?? undefined);
  if (status === 503 || status === 429) return new EasRetryLaterError(status, retryAfterMs(headers, nowMs));
  const kind = SIMPLE_KINDS[status] ?? (status >= 500 ? 'server' : 'client');
  return new EasHttpError(kind, status, `HTTP ${status}`);
}

/** Retry-After as ms: delta-seconds, or an HTTP date relative to now (RFC 9110 10.2.3). */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get('Retry-After')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** WBXML 1.3 starts with version 0x03 and public id 0x01 (MS-ASWBXML). */
export function looksLikeWbxml(bytes: Uint8Array): boolean {
  return bytes[0] === 0x03 && bytes[1] === 0x01;
}

/** Decodes a 200 body: empty is null (Sync, Ping, SendMail...), non-WBXML is an error. */
export function decodeResponseBody(bytes: Uint8Array, contentType: string | undefined): El | null {
  if (bytes.length === 0) return null;
  if (!looksLikeWbxml(bytes)) throw new EasNotWbxmlError(contentType, preview(bytes));
  return decodeEas(bytes);
}

function preview(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes.subarray(0, 200));
}

// ------------------------------------------------------------------ multipart

/**
 * Splits a multipart ItemOperations body (MS-ASCMD 2.2.1.10.1.1): PartsCount,
 * then an (offset, length) pair per part, offsets counted from the start of the
 * body, all 32-bit little-endian. Part 0 is the WBXML response; an ItemOperations
 * Part element N refers to parts[N].
 */
export function parseMultipart(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length >= 4 ? view.getInt32(0, true) : -1;
  if (count < 1 || 4 + count * 8 > bytes.length) {
    throw new EasProtocolError('malformed multipart response header', 'ItemOperations');
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const offset = view.getInt32(4 + i * 8, true);
    const length = view.getInt32(8 + i * 8, true);
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new EasProtocolError(`multipart part ${i} lies outside the body`, 'ItemOperations');
    }
    parts.push(bytes.subarray(offset, offset + length));
  }
  return parts;
}

export function isMultipart(contentType: string | null | undefined): boolean {
  return (contentType ?? '').toLowerCase().includes(MULTIPART_CONTENT_TYPE);
}

/**
 * Reads a response from `sendRaw`: multipart (parts[0] decoded as the tree) or
 * inline (the server may answer inline even when multipart was asked for).
 */
export async function readMultipart(res: Response): Promise<{ root: El | null; parts: Uint8Array[] }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const contentType = res.headers.get('Content-Type') ?? undefined;
  if (!isMultipart(contentType)) return { root: decodeResponseBody(bytes, contentType), parts: [bytes] };
  const parts = parseMultipart(bytes);
  return { root: decodeResponseBody(parts[0] ?? new Uint8Array(0), WBXML_CONTENT_TYPE), parts };
}

// ------------------------------------------------------------------ client

/** One request/response, reported to `onExchange` (for the protocol inspector). */
export interface EasExchange {
  readonly cmd: EasCommandName | 'OPTIONS';
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: ReadonlyArray<readonly [string, string]>;
  readonly requestBytes: Uint8Array;
  /** HTTP status; 0 when the transport failed. */
  readonly status: number;
  readonly responseHeaders: ReadonlyArray<readonly [string, string]>;
  readonly responseBytes: Uint8Array;
  readonly ms: number;
}

export interface EasClientOptions {
  readonly queryForm?: QueryForm;
  readonly locale?: number;
  readonly onExchange?: (exchange: EasExchange) => void;
  /** Clock for timings and Retry-After dates; default Date.now. */
  readonly now?: () => number;
}

export interface SendOptions {
  readonly acceptMultiPart?: boolean;
  readonly signal?: AbortSignal;
}

interface Received {
  readonly headers: Headers;
  readonly bytes: Uint8Array;
  readonly status: number;
}

export class EasClient {
  private cfg: EasAccountConfig;

  constructor(
    config: EasAccountConfig,
    private readonly transport: Transport,
    private readonly opts: EasClientOptions = {},
  ) {
    this.cfg = { ...config };
  }

  get config(): EasAccountConfig {
    return this.cfg;
  }

  get version(): EasVersion {
    return this.cfg.version;
  }

  set version(version: EasVersion) {
    this.cfg = { ...this.cfg, version };
  }

  get policyKey(): string | undefined {
    return this.cfg.policyKey;
  }

  /** Set after Provision; undefined to send none. */
  set policyKey(policyKey: string | undefined) {
    this.cfg = { ...this.cfg, policyKey };
  }

  get url(): string {
    return this.cfg.url;
  }

  /** E.g. the X-MS-Location of a 451. */
  set url(url: string) {
    this.cfg = { ...this.cfg, url };
  }

  /** HTTP OPTIONS: versions and commands the server supports (MS-ASHTTP 2.2.3, 2.2.4). */
  async options(signal?: AbortSignal): Promise<ServerOptions> {
    const got = await this.exchange('OPTIONS', buildOptionsRequest(this.cfg, signal), new Uint8Array(0));
    return parseServerOptions(got.headers);
  }

  /**
   * Sends a command and decodes the answer: null for an empty body. A multipart
   * answer yields its WBXML part only; use sendRaw + readMultipart for the rest.
   */
  async send(req: EasRequest, options: SendOptions = {}): Promise<El | null> {
    const got = await this.post(req, options);
    const contentType = got.headers.get('Content-Type') ?? undefined;
    if (!isMultipart(contentType)) return decodeResponseBody(got.bytes, contentType);
    return decodeResponseBody(parseMultipart(got.bytes)[0] ?? new Uint8Array(0), WBXML_CONTENT_TYPE);
  }

  /** Sends a command and returns the (successful) response unread, e.g. for readMultipart. */
  async sendRaw(req: EasRequest, options: SendOptions = {}): Promise<Response> {
    const got = await this.post(req, options);
    return new Response(got.bytes.length ? got.bytes.slice() : null, { status: got.status, headers: got.headers });
  }

  private post(req: EasRequest, options: SendOptions): Promise<Received> {
    const body = encodeBody(req);
    const request = buildHttpRequest(this.cfg, req, body, {
      queryForm: this.opts.queryForm,
      locale: this.opts.locale,
      ...options,
    });
    return this.exchange(req.cmd, request, body?.bytes ?? new Uint8Array(0));
  }

  private async exchange(cmd: EasExchange['cmd'], request: Request, requestBytes: Uint8Array): Promise<Received> {
    const now = this.opts.now ?? Date.now;
    const started = now();
    const report = (status: number, headers: Headers, responseBytes: Uint8Array): void =>
      this.opts.onExchange?.({
        cmd, method: request.method, url: request.url, requestHeaders: [...request.headers], requestBytes,
        status, responseHeaders: [...headers], responseBytes, ms: now() - started,
      });
    let res: Response | undefined;
    let bytes: Uint8Array;
    try {
      res = await abortable(this.transport(request), request.signal);
      bytes = new Uint8Array(await abortable(res.arrayBuffer(), request.signal));
    } catch (e) {
      if (request.signal.aborted) throw request.signal.reason ?? e;
      if (isAbort(e)) throw e;
      report(0, new Headers(), new Uint8Array(0));
      throw new EasNetworkError(e, res !== undefined);
    }
    report(res.status, res.headers, bytes);
    const error = errorForStatus(res.status, res.headers, now());
    if (error) throw error;
    return { headers: res.headers, bytes, status: res.status };
  }
}

/**
 * `work`, or the signal's reason as soon as it aborts: a transport that ignores the
 * signal (an in-process server, a test double) cannot hold the caller past its abort.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** The caller cancelled (AbortSignal): not a network failure, pass it through. */
function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
