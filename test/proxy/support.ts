/** Shared set-up of the proxy tests: a temporary dist/, upstreams on 127.0.0.1, a raw HTTP client. */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveHttp, type RunningServer } from '../../mocks/node-http.ts';
import { createMockServer, type MockServerOptions } from '../../mocks/server.ts';
import { decodeEas, easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { startProxy, type ProxyOptions, type RunningProxy } from '../../src/proxy/server.ts';
import type { El } from '../../src/wbxml/tree.ts';

export const SECRET = 'top secret outside dist';
export const HASHED_JS = 'assets/index-AbCd_f12.js';

/** TMP/dist with an app shell, a hashed asset, a manifest and a service worker; TMP/secret.txt next to it. */
export async function makeDist(): Promise<{ dir: string; dist: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eas-proxy-'));
  const dist = join(dir, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>eas-pwa</title><div id="app"></div>');
  await writeFile(join(dist, HASHED_JS), 'console.log("app");');
  await writeFile(join(dist, 'manifest.webmanifest'), '{"name":"eas-pwa"}');
  await writeFile(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(dist, 'leak.txt'));
  return { dir, dist, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Started {
  readonly proxy: RunningProxy;
  readonly upstream: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

/** The mock served over HTTP as the upstream, and the proxy in front of it. */
export async function startWithMock(
  dist: string,
  proxy: Partial<ProxyOptions> = {},
  mock: MockServerOptions = { data: false },
): Promise<Started> {
  const upstream = await serveHttp(createMockServer(mock), { port: 0 });
  return startWith(upstream, dist, proxy);
}

export async function startWith(upstream: RunningServer, dist: string, options: Partial<ProxyOptions> = {}): Promise<Started> {
  const logs: string[] = [];
  const proxy = await startProxy({ upstream: upstream.url, port: 0, dist, log: (l) => logs.push(l), ...options });
  return {
    proxy,
    upstream: upstream.url,
    logs,
    stop: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}

/** A plain node:http upstream with a handler of the test's own. */
export async function customUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<RunningServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  /** Sent exactly as given, without URL normalization. */
  readonly path: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: Uint8Array | string;
}

/** One request on a fresh connection, so `..` and other raw paths reach the server unchanged. */
export function raw(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method: r.method ?? 'GET', path: r.path, headers: r.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

export const WBXML = 'application/vnd.ms-sync.wbxml';

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function wbxml(xml: string): Uint8Array {
  return encodeEas(easFromXml(xml));
}

export function decoded(body: Buffer): El {
  return decodeEas(new Uint8Array(body));
}

/** The query of an EAS command for alice's test device (MS-ASHTTP 2.2.1.1.1.2). */
export function easPath(cmd: string, user = 'alice', device = 'proxytest1'): string {
  return `/Microsoft-Server-ActiveSync?Cmd=${cmd}&User=${user}&DeviceId=${device}&DeviceType=test`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
