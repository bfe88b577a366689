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
import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
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
}

/** Largest answer buffered for a rewrite; Autodiscover answers are a few hundred bytes. */
const MAX_REWRITE_BYTES = 1 << 20;

/** A request to the upstream at prefix + path; `timeoutMs` is the idle limit of its socket. */
export function requestUpstream(s: ForwardSettings, method: string, path: string, headers: OutgoingHttpHeaders, timeoutMs: number): ClientRequest {
  const send = s.upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const u = s.upstream;
  return send({ protocol: u.protocol, hostname: u.hostname, port: u.port, method, path: u.prefix + path, headers, agent: s.agent, timeout: timeoutMs });
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

function sendRewritten(up: IncomingMessage, res: ServerResponse, headers: OutgoingHttpHeaders, rewrite: (xml: string) => string, fail: Fail): void {
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

function relay(up: IncomingMessage, res: ServerResponse, f: ForwardRequest, x: Exchange, fail: Fail): void {
  const headers = merged(browserResponseHeaders(up.headers), f.responseHeaders);
  up.on('data', (chunk: Buffer) => {
    x.bytesOut += chunk.length;
  });
  up.on('close', () => {
    if (!up.complete) fail(502, 'upstream answer cut off');
  });
  const xml = /xml/i.test(String(up.headers['content-type'] ?? ''));
  if (f.rewrite && up.statusCode === 200 && xml) {
    delete headers['content-length'];
    sendRewritten(up, res, headers, f.rewrite, fail);
    return;
  }
  res.writeHead(up.statusCode ?? 502, up.statusMessage, headers);
  res.flushHeaders(); // the status goes out now, even if the body comes much later
  up.pipe(res);
}

/** Streams the client's body to the upstream, counting it and stopping at the limit. */
function pipeBody(req: IncomingMessage, upstream: NodeJS.WritableStream, max: number, x: Exchange, fail: Fail): void {
  req.on('data', (chunk: Buffer) => {
    x.bytesIn += chunk.length;
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

/** Forwards `req` to the upstream and relays the answer to `res`; `x` collects what the log line says. */
export function forward(req: IncomingMessage, res: ServerResponse, s: ForwardSettings, f: ForwardRequest, x: Exchange): void {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > s.maxBodyBytes) {
    x.note = 'request body over the limit';
    plainText(res, 413, 'Content Too Large', { Connection: 'close' });
    return;
  }
  const headers = upstreamRequestHeaders(req.headers, s.upstream.host, f.forwarded);
  if (f.authorization !== undefined) headers.authorization = f.authorization;
  if (f.rewrite) headers['accept-encoding'] = 'identity';
  const upstream = requestUpstream(s, req.method ?? 'GET', f.path, headers, s.idleTimeoutMs);
  let done = false;
  const fail: Fail = (status, note) => {
    if (done) return;
    done = true;
    x.note = note;
    upstream.destroy();
    if (res.headersSent) res.destroy();
    else plainText(res, status, status === 413 ? 'Content Too Large' : note, status === 413 ? { Connection: 'close' } : {});
  };
  let answer: IncomingMessage | undefined;
  upstream.on('timeout', () => fail(504, 'upstream idle timeout'));
  upstream.on('error', (e) => {
    // A server may answer early (401, 413) and stop reading the body; its whole answer still counts.
    if (!answer?.complete) fail(502, errorNote(e));
  });
  upstream.on('response', (up) => {
    answer = up;
    relay(up, res, f, x, fail);
  });
  res.on('close', () => {
    if (!res.writableFinished) fail(499, 'client went away'); // aborts the upstream request too
    else done = true;
  });
  pipeBody(req, upstream, s.maxBodyBytes, x, fail);
}
