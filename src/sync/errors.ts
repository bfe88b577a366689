/**
 * What went wrong, in the plain words a setup screen or a status line can show.
 *
 * Every failure the engine reports is a SyncError with a `kind`. `classify` turns
 * the transport's typed errors (src/eas/response.ts) and the codec's errors into one.
 */
import { EasProtocolError } from '../eas/command.ts';
import { EasHttpError, EasNetworkError, EasRetryLaterError } from '../eas/response.ts';
import { WbxmlError } from '../wbxml/errors.ts';

export type ErrorKind =
  /** 401: the server refused the user name or password. */
  | 'wrong-password'
  /** 457: the password has expired; change it (on the web, usually). */
  | 'password-expired'
  /** DNS, TLS, connection refused, offline. */
  | 'unreachable'
  /** A browser refused a cross-origin request: the server needs CORS, or the app needs a same-origin proxy. */
  | 'cors'
  /** The server answered, but not as an ActiveSync server (404, an HTML page, no protocol versions). */
  | 'not-eas'
  /** The protocol version chosen at setup is not one the server offers (or not one this client speaks). */
  | 'version'
  /** 403, 456, or an account/device status (126, 129, 177...): an administrator blocks this account or device. */
  | 'blocked'
  /** The server keeps asking to provision after a Provision (449 or 142-144 twice). */
  | 'provisioning'
  /** 451 redirects beyond the hop limit. */
  | 'redirect'
  /** 503/429 or a retry-later status: the server is busy. */
  | 'busy'
  /** 5xx or a server-side failure status. */
  | 'server'
  /** A response that is not valid WBXML or lacks required elements. */
  | 'protocol'
  /** Autodiscover found no ActiveSync server for the address. */
  | 'autodiscover'
  /** The server ordered a remote wipe; the account's data is erased. */
  | 'wiped'
  /** The item asked for is no longer on the server (ItemOperations Status 6). */
  | 'gone';

export const ERROR_TEXT: Readonly<Record<ErrorKind, string>> = {
  'wrong-password': 'The user name or password is wrong.',
  'password-expired': 'The password has expired. Change it, then sign in again.',
  unreachable: 'The server cannot be reached. Check the address and the network.',
  cors: 'The browser blocked the request: the server does not allow this site (CORS). Use the proxy.',
  'not-eas': 'This server does not answer as an Exchange ActiveSync server.',
  version: 'The server does not offer the chosen ActiveSync version.',
  blocked: 'The server administrator blocks this account or device.',
  provisioning: 'The server keeps asking for its security policy to be applied.',
  redirect: 'The server redirected too many times.',
  busy: 'The server is busy. Trying again later.',
  server: 'The server reported an error.',
  protocol: 'The server sent a response that cannot be read.',
  autodiscover: 'No ActiveSync server was found for this address. Enter the server by hand.',
  wiped: 'The server erased this account from the device (remote wipe).',
  gone: 'The item is no longer on the server.',
};

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** For `busy`: how long the server asked to wait. */
    readonly retryAfterMs?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Errors that concern one response only: the folder goes to an error state, the others go on. */
export function isMalformed(e: unknown): boolean {
  return e instanceof WbxmlError || e instanceof EasProtocolError || (e instanceof SyncError && e.kind === 'protocol');
}

/** One SyncError for anything a command can throw. `url` is the endpoint, for the CORS test. */
export function classify(e: unknown, url?: string): SyncError {
  if (e instanceof SyncError) return e;
  if (e instanceof EasNetworkError) return networkError(e, url);
  if (e instanceof EasRetryLaterError) return new SyncError('busy', e.message, e.retryAfterMs, e);
  if (e instanceof EasHttpError) return httpError(e);
  if (isMalformed(e)) return new SyncError('protocol', (e as Error).message, undefined, e);
  return new SyncError('server', e instanceof Error ? e.message : String(e), undefined, e);
}

function httpError(e: EasHttpError): SyncError {
  switch (e.kind) {
    case 'unauthorized':
      return new SyncError('wrong-password', e.message, undefined, e);
    case 'password-expired':
      return new SyncError('password-expired', e.message, undefined, e);
    case 'forbidden':
    case 'blocked':
      return new SyncError('blocked', e.message, undefined, e);
    case 'not-wbxml':
    case 'client':
      return new SyncError('not-eas', e.message, undefined, e);
    case 'needs-provisioning':
      return new SyncError('provisioning', e.message, undefined, e);
    case 'redirect':
      return new SyncError('redirect', e.message, undefined, e);
    case 'server':
      // 502/504: a gateway (eas proxy, a load balancer) could not reach the server behind it.
      return new SyncError(e.status === 502 || e.status === 504 ? 'unreachable' : 'server', e.message, undefined, e);
    default:
      return new SyncError('server', e.message, undefined, e);
  }
}

/**
 * fetch() rejects with a bare TypeError for a CORS refusal, exactly as for a network
 * failure; the only hint is that a page or worker asked a cross-origin URL while online.
 */
function networkError(e: EasNetworkError, url: string | undefined): SyncError {
  const here = (globalThis as { location?: { origin?: string } }).location?.origin;
  const online = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;
  const cross = here !== undefined && url !== undefined && sameOriginOf(url) !== here;
  if (e.cause instanceof TypeError && cross && online) return new SyncError('cors', e.message, undefined, e);
  return new SyncError('unreachable', e.message, undefined, e);
}

function sameOriginOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The wait before the next sync after failed ones: 30 s doubling to 15 min. */
const BACKOFF_MS = [30_000, 60_000, 120_000, 300_000, 900_000] as const;

/** The back-off after `failures` failed syncs in a row (1 or more). */
export function backoffMs(failures: number): number {
  return BACKOFF_MS[Math.min(Math.max(failures, 1), BACKOFF_MS.length) - 1] ?? 900_000;
}
