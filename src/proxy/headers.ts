/**
 * Header rules of a reverse proxy: which headers belong to one connection and
 * must not be forwarded (RFC 9110 7.6.1), what the upstream learns about the
 * client (the de-facto X-Forwarded-* headers), and what the browser must not see.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** The session cookie of vault mode; never forwarded to the upstream. */
export const SESSION_COOKIE = 'eas_session';

/**
 * RFC 9110 7.6.1: Connection and the fields it names are for this hop only, as are
 * Keep-Alive, Proxy-Connection, TE, Transfer-Encoding and Upgrade (Node frames the body
 * itself on each side), and the proxy's own authentication (Proxy-Authenticate/-Authorization).
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
]);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ''),
  );
}

/** A copy without the hop-by-hop headers and the extra names listed in `drop`. */
export function endToEnd(headers: IncomingHttpHeaders, drop: readonly string[] = []): OutgoingHttpHeaders {
  const listed = connectionTokens(headers.connection);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** The client address without the IPv4-mapped IPv6 prefix. */
export function clientAddress(remote: string | undefined): string {
  return (remote ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** The Cookie header without the proxy's own session cookie (undefined when nothing is left). */
export function withoutSessionCookie(cookie: string | undefined): string | undefined {
  if (cookie === undefined) return undefined;
  const kept = cookie
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !c.startsWith(`${SESSION_COOKIE}=`));
  return kept.length > 0 ? kept.join('; ') : undefined;
}

/** The value of one cookie in a Cookie header (RFC 6265 5.4 form: `a=1; b=2`). */
export function cookieValue(cookie: string | undefined, name: string): string | undefined {
  for (const part of (cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface ForwardedFor {
  /** The address of the client connected to the proxy. */
  readonly client: string;
  /** The scheme the client used to reach the proxy. */
  readonly proto: 'http' | 'https';
}

/**
 * The request headers for the upstream: end-to-end headers only; Host names the
 * upstream (as nginx's default `proxy_set_header Host $proxy_host`); X-Forwarded-For
 * appends the client to any list already there, X-Forwarded-Proto/-Host say how the
 * client reached the proxy. Expect is dropped: the proxy has already answered 100-continue.
 */
export function upstreamRequestHeaders(req: IncomingHttpHeaders, upstreamHost: string, fwd: ForwardedFor): OutgoingHttpHeaders {
  const out = endToEnd(req, ['host', 'expect', 'cookie', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);
  const cookie = withoutSessionCookie(req.cookie);
  if (cookie !== undefined) out.cookie = cookie;
  const earlier = req['x-forwarded-for'];
  out['x-forwarded-for'] = earlier ? `${Array.isArray(earlier) ? earlier.join(', ') : earlier}, ${fwd.client}` : fwd.client;
  out['x-forwarded-proto'] = fwd.proto;
  if (req.host !== undefined) out['x-forwarded-host'] = req.host;
  out.host = upstreamHost;
  return out;
}

/**
 * The response headers for the browser: end-to-end headers only, and no
 * WWW-Authenticate, so a 401 reaches the app's own login form instead of the
 * browser's credential dialog (the status stays 401: MS-ASHTTP 3.1.5.2.1).
 */
export function browserResponseHeaders(res: IncomingHttpHeaders): OutgoingHttpHeaders {
  return endToEnd(res, ['www-authenticate']);
}
