/**
 * What an EAS response means at the HTTP level: the error a status stands for
 * (MS-ASHTTP 2.2.2.1.1, 3.1.5.2), Retry-After, and the WBXML body.
 */
import type { El } from '../wbxml/tree.ts';
import { decodeEas } from './wbxml.ts';

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
  401: 'unauthorized',
  403: 'forbidden',
  449: 'needs-provisioning',
  456: 'blocked',
  457: 'password-expired',
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
  return new TextDecoder().decode(bytes.subarray(0, 200));
}
