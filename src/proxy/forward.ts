/**
 * Forwarding one request to the upstream EAS server, streamed both ways.
 *
 * EAS holds requests open for a long time: a Ping or a Sync with Wait answers
 * only when something changes or its heartbeat ends, up to 59 minutes later
 * (MS-ASCMD 2.2.3.86.1 HeartbeatInterval, 2.2.3.192 Wait). So the only timer is
 * an idle timer longer than that, bodies are piped as they come (a large
 * attachment or a slow answer is never held in memory), and a client that goes
 * away takes its upstream request with it. node:http is used rather than fetch:
 * Node's fetch cuts any response whose headers or body pause for 5 minutes.
 */
import {
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { browserResponseHeaders, upstreamRequestHeaders, type ForwardedFor } from './headers.ts';
import { plainText } from './respond.ts';

export interface Upstream {
  readonly protocol: 'http:' | 'https:';
  /** Host name or address for the socket (IPv6 without brackets). */
  readonly hostname: string;
  readonly port: number;
  /** The Host header for the upstream: `host[:port]`. */
  readonly host: string;
  /** A path prefix put before every forwarded path ("/SOGo"), or "". */
  readonly prefix: string;
}

/**
 * The upstream from a base URL such as `http://127.0.0.1:20000/SOGo`. A trailing
 * `/Microsoft-Server-ActiveSync` is dropped (the same URL the `--url` options take).
 */
export function parseUpstream(text: string): Upstream {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`not a URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`not an http or https URL: ${text}`);
  if (url.username !== '' || url.password !== '') throw new RangeError('the upstream URL must not carry credentials');
  if (url.search !== '' || url.hash !== '') throw new RangeError('the upstream URL must not have a query or fragment');
  const prefix = url.pathname.replace(/\/+$/, '').replace(/\/microsoft-server-activesync$/i, '');
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, host: url.host, prefix };
}

export interface ForwardSettings {
  readonly upstream: Upstream;
  readonly agent: Agent;
  /** Longest silence on the upstream connection before giving up (504). */
  readonly idleTimeoutMs: number;
  /** Largest request body; beyond it 413. */
  readonly maxBodyBytes: number;
  /** Replaces the client's User-Agent upstream (Exchange Online answers only agents it knows). */
  readonly userAgent?: string;
}

/** What happened, for the log line. */
export interface Exchange {
  bytesIn: number;
  bytesOut: number;
  note: string;
}

export interface ForwardRequest {
  /** Path and query as received ("/Microsoft-Server-ActiveSync?Cmd=Sync&..."); the prefix is added here. */
  readonly path: string;
  readonly forwarded: ForwardedFor;
  /** Replaces the client's Authorization (vault mode). */
  readonly authorization?: string;
  /** Added to the response (vault mode refreshes its cookie this way). */
  readonly responseHeaders?: OutgoingHttpHeaders;
  /** Rewrites a small XML answer before it goes out (Autodiscover); the answer is buffered for it. */
  readonly rewrite?: (xml: string) => string;
  /** The Content-Type a rewritten answer has; default XML. */
  readonly rewriteType?: RegExp;
  /** Sees the exchange once it ended (the push relay learns a device's folders from it). */
  readonly observe?: Observer;
  /** Upstream headers set by the proxy (OAuth: the anchor cookie, joined to the client's cookies, and the User-Agent). */
  readonly headers?: OutgoingHttpHeaders;
  /**
   * OAuth: the answer to a 401 is a fresh token. The body is then buffered (it may have to go
   * twice); `again` returns the new Authorization, or undefined when there is none (the 401 stands).
   */
  readonly again?: () => Promise<string | undefined>;
}

export interface Observer {
  /** Keep a copy of the request body / the answer's body (up to MAX_OBSERVED_BYTES, else none). */
  readonly request: boolean;
  readonly response: boolean;
  /** Called once, when the answer was sent in full (status) or the exchange failed (status 0). */
  done(status: number, request: Buffer | undefined, response: Buffer | undefined): void;
}

/** Largest body kept for an observer; FolderSync answers and Sync requests without attachments are far smaller. */
export const MAX_OBSERVED_BYTES = 1 << 20;

/** Copies of a stream's chunks, given up beyond MAX_OBSERVED_BYTES. */
class Copy {
  private chunks: Buffer[] | undefined = [];
  private size = 0;
  add(chunk: Buffer): void {
    if (!this.chunks) return;
    this.size += chunk.length;
    if (this.size > MAX_OBSERVED_BYTES) this.chunks = undefined;
    else this.chunks.push(chunk);
  }
  bytes(): Buffer | undefined {
    return this.chunks && Buffer.concat(this.chunks);
  }
}

/** Largest answer buffered for a rewrite; Autodiscover answers are a few hundred bytes. */
const MAX_REWRITE_BYTES = 1 << 20;

/** A request to the upstream at prefix + path; `timeoutMs` is the idle limit of its socket. */
export function requestUpstream(
  s: ForwardSettings,
  method: string,
  path: string,
  headers: OutgoingHttpHeaders,
  timeoutMs: number,
): ClientRequest {
  const send = s.upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const u = s.upstream;
  return send({
    protocol: u.protocol,
    hostname: u.hostname,
    port: u.port,
    method,
    path: u.prefix + path,
    headers,
    agent: s.agent,
    timeout: timeoutMs,
  });
}

function merged(a: OutgoingHttpHeaders, b: OutgoingHttpHeaders | undefined): OutgoingHttpHeaders {
  const out = { ...a };
  for (const [name, value] of Object.entries(b ?? {})) {
    const old = out[name];
    if (value === undefined) continue;
    out[name] = name === 'set-cookie' && old !== undefined ? [old, value].flat().map(String) : value;
  }
  return out;
}

function sendRewritten(
  up: IncomingMessage,
  res: ServerResponse,
  headers: OutgoingHttpHeaders,
  rewrite: (xml: string) => string,
  fail: Fail,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  up.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_REWRITE_BYTES) fail(502, 'upstream answer too large to rewrite');
    else chunks.push(chunk);
  });
  up.on('end', () => {
    if (size > MAX_REWRITE_BYTES) return;
    const body = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')), 'utf8');
    res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': body.length });
    res.end(body);
  });
}

type Fail = (status: number, note: string) => void;

function relay(up: IncomingMessage, res: ServerResponse, f: ForwardRequest, x: Exchange, fail: Fail, copy?: Copy): void {
  const headers = merged(browserResponseHeaders(up.headers), f.responseHeaders);
  up.on('data', (chunk: Buffer) => {
    x.bytesOut += chunk.length;
    copy?.add(chunk);
  });
  up.on('close', () => {
    if (!up.complete) fail(502, 'upstream answer cut off');
  });
  const rewritable = (f.rewriteType ?? /xml/i).test(String(up.headers['content-type'] ?? ''));
  if (f.rewrite && up.statusCode === 200 && rewritable) {
    delete headers['content-length'];
    sendRewritten(up, res, headers, f.rewrite, fail);
    return;
  }
  res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
  res.flushHeaders(); // the status goes out now, even if the body comes much later
  up.pipe(res);
}

/** Streams the client's body to the upstream, counting it and stopping at the limit. */
function pipeBody(req: IncomingMessage, upstream: NodeJS.WritableStream, max: number, x: Exchange, fail: Fail, copy?: Copy): void {
  req.on('data', (chunk: Buffer) => {
    x.bytesIn += chunk.length;
    copy?.add(chunk);
    if (x.bytesIn > max) {
      req.unpipe(upstream);
      fail(413, 'request body over the limit');
    }
  });
  req.pipe(upstream);
}

function errorNote(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return `upstream ${code ?? (e as Error).message}`;
}

function upstreamHeaders(req: IncomingMessage, s: ForwardSettings, f: ForwardRequest): OutgoingHttpHeaders {
  const headers = upstreamRequestHeaders(req.headers, s.upstream.host, f.forwarded);
  if (f.authorization !== undefined) headers.authorization = f.authorization;
  if (f.rewrite) headers['accept-encoding'] = 'identity';
  if (s.userAgent !== undefined) headers['user-agent'] = s.userAgent;
  for (const [name, value] of Object.entries(f.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = name === 'cookie' && headers.cookie !== undefined ? `${String(headers.cookie)}; ${String(value)}` : value;
  }
  return headers;
}

/** The whole request body, or undefined beyond `max` bytes. */
async function readBody(req: IncomingMessage, max: number, x: Exchange): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    x.bytesIn += (chunk as Buffer).length;
    if (x.bytesIn > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Most 451 redirects the proxy follows for one request (as the engine: sync/session.ts). */
const MAX_REDIRECTS = 3;

/**
 * The path of a 451's X-MS-Location (MS-ASHTTP 3.1.5.2.2) when it stays on the upstream's
 * origin; the browser cannot follow it there itself (no CORS), so the proxy does.
 */
function sameOriginPath(s: ForwardSettings, location: string | string[] | undefined): string | undefined {
  if (typeof location !== 'string') return undefined;
  try {
    const url = new URL(location);
    const u = s.upstream;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    if (url.protocol !== u.protocol || url.hostname.replace(/^\[(.*)\]$/, '$1') !== u.hostname || port !== u.port) return undefined;
    const path = url.pathname.startsWith(u.prefix) ? url.pathname.slice(u.prefix.length) : undefined;
    return path === undefined ? undefined : path + url.search;
  } catch {
    return undefined;
  }
}

/**
 * The OAuth way: the body is read first, so that a 401 (the access token expired or was
 * revoked) can be answered by one refresh and the same request again, and a 451 on the
 * same server followed. Everything else is relayed as `forward` does.
 */
async function forwardBuffered(
  req: IncomingMessage,
  res: ServerResponse,
  s: ForwardSettings,
  f: ForwardRequest,
  x: Exchange,
  headers: OutgoingHttpHeaders,
): Promise<void> {
  const body = await readBody(req, s.maxBodyBytes, x);
  if (body === undefined) {
    x.note = 'request body over the limit';
    plainText(res, 413, 'Content Too Large', { Connection: 'close' });
    f.observe?.done(0, undefined, undefined);
    return;
  }
  let path = f.path;
  let refreshed = false;
  let hops = 0;
  for (;;) {
    let upstream: ClientRequest | undefined;
    const up = await new Promise<IncomingMessage>((resolve, reject) => {
      upstream = requestUpstream(s, req.method ?? 'GET', path, { ...headers, 'content-length': body.length }, s.idleTimeoutMs);
      upstream.on('timeout', () => upstream?.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' })));
      upstream.on('error', reject);
      upstream.on('response', resolve);
      upstream.end(body);
    }).catch((e: unknown) => e as Error);
    if (up instanceof Error) {
      x.note = (up as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 'upstream idle timeout' : errorNote(up);
      plainText(res, (up as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? 504 : 502, x.note);
      f.observe?.done(0, undefined, undefined);
      return;
    }
    const moved = up.statusCode === 451 && hops < MAX_REDIRECTS ? sameOriginPath(s, up.headers['x-ms-location']) : undefined;
    if (up.statusCode === 401 && !refreshed) {
      up.resume();
      refreshed = true;
      const authorization = await f.again?.();
      if (authorization === undefined) {
        x.note = 'token refused';
        json401(res);
        f.observe?.done(0, undefined, undefined);
        return;
      }
      headers.authorization = authorization;
      x.note = 'token refreshed after 401';
      continue;
    }
    if (moved !== undefined) {
      up.resume();
      hops++;
      path = moved;
      x.note = `451 followed to ${moved.split('?')[0] ?? ''}`;
      continue;
    }
    const copy = f.observe?.response ? new Copy() : undefined;
    let failed = false;
    const fail: Fail = (status, note) => {
      failed = true;
      x.note = note;
      upstream?.destroy();
      if (res.headersSent) res.destroy();
      else plainText(res, status, note);
    };
    res.on('close', () => {
      if (!res.writableFinished) fail(499, 'client went away');
      const whole = res.writableFinished && up.complete && !failed;
      f.observe?.done(whole ? res.statusCode : 0, f.observe.request ? body : undefined, copy?.bytes());
    });
    relay(up, res, f, x, fail, copy);
    return;
  }
}

/** A 401 without WWW-Authenticate, so the app (not the browser's dialog) asks the user. */
function json401(res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(401, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error: 'sign in again' }));
}

/** Forwards `req` to the upstream and relays the answer to `res`; `x` collects what the log line says. */
export function forward(req: IncomingMessage, res: ServerResponse, s: ForwardSettings, f: ForwardRequest, x: Exchange): void {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > s.maxBodyBytes) {
    x.note = 'request body over the limit';
    plainText(res, 413, 'Content Too Large', { Connection: 'close' });
    f.observe?.done(0, undefined, undefined);
    return;
  }
  const headers = upstreamHeaders(req, s, f);
  if (f.again) return void forwardBuffered(req, res, s, f, x, headers);
  const upstream = requestUpstream(s, req.method ?? 'GET', f.path, headers, s.idleTimeoutMs);
  let done = false;
  let failed = false;
  const fail: Fail = (status, note) => {
    if (done) return;
    done = true;
    failed = true;
    x.note = note;
    upstream.destroy();
    if (res.headersSent) res.destroy();
    else plainText(res, status, status === 413 ? 'Content Too Large' : note, status === 413 ? { Connection: 'close' } : {});
  };
  let answer: IncomingMessage | undefined;
  const requestCopy = f.observe?.request ? new Copy() : undefined;
  const responseCopy = f.observe?.response ? new Copy() : undefined;
  upstream.on('timeout', () => fail(504, 'upstream idle timeout'));
  upstream.on('error', (e) => {
    // A server may answer early (401, 413) and stop reading the body; its whole answer still counts.
    if (!answer?.complete) fail(502, errorNote(e));
  });
  upstream.on('response', (up) => {
    answer = up;
    relay(up, res, f, x, fail, responseCopy);
  });
  res.on('close', () => {
    if (!res.writableFinished)
      fail(499, 'client went away'); // aborts the upstream request too
    else done = true;
    const whole = res.writableFinished && answer?.complete === true && !failed;
    f.observe?.done(whole ? res.statusCode : 0, requestCopy?.bytes(), responseCopy?.bytes());
  });
  pipeBody(req, upstream, s.maxBodyBytes, x, fail, requestCopy);
}
