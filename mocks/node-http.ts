/**
 * Serves a mock over real HTTP with node:http (the `eas mock` CLI). Prints nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionDropped } from './faults.ts';
import type { MockServer } from './server.ts';

export interface HttpOptions {
  readonly host?: string;
  readonly port: number;
}

export interface RunningServer {
  /** `http://host:port` as actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

function toRequest(req: IncomingMessage, body: Uint8Array | undefined, base: string, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
  }
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body: body as Uint8Array<ArrayBuffer> | undefined,
    signal,
  });
}

/** Writes the response; a body stream that errors (a "dropped connection" fault) resets the socket. */
async function send(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) res.write(r.value);
    res.end();
  } catch {
    res.destroy();
  }
}

export function serveHttp(server: MockServer, options: HttpOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const http = createServer((req, res) => {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const base = `http://${req.headers.host ?? host}`;
    readBody(req)
      .then((body) => server.handle(toRequest(req, body, base, abort.signal)))
      .then((response) => send(res, response))
      .catch((e: unknown) => {
        if (e instanceof ConnectionDropped) return void res.destroy(); // no answer at all
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
  });
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, host, () => {
      const port = (http.address() as AddressInfo).port;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.control.dispose();
            http.closeAllConnections();
            http.close(() => done());
          }),
      });
    });
  });
}
