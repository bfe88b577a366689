/**
 * Where and as whom an EAS client speaks (MS-ASHTTP 2.2.1.1): the account as the
 * transport needs it, the endpoint URL, and the Authorization header.
 */
import { toBase64 } from '../wbxml/base64.ts';
import type { EasVersion } from './version.ts';

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

/** Headers with the Authorization header, when the credentials give one. */
export function authorizedHeaders(config: EasAccountConfig): Headers {
  const authorization = authorizationHeader(config);
  return new Headers(authorization === undefined ? {} : { Authorization: authorization });
}
