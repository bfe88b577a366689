/** Set-up of the push tests: the mock upstream, the proxy with --vault --push, an app's device talking EAS through it. */
import { serveHttp, type RunningServer } from '../../mocks/node-http.ts';
import { createMockServer, type MockServer } from '../../mocks/server.ts';
import type { MockConfig } from '../../mocks/context.ts';
import type { ProxyOptions } from '../../src/proxy/server.ts';
import { kids, path, textAt } from '../../src/wbxml/tree.ts';
import { basic, decoded, raw, startWith, wbxml, WBXML, type RawResponse, type Started } from './support.ts';

export interface Env extends Started {
  readonly mock: MockServer;
  /** The mock over HTTP; `restartUpstream` brings it back on the same port. */
  upstreamServer: RunningServer;
  restartUpstream(): Promise<void>;
}

export async function startEnv(dist: string, proxy: Partial<ProxyOptions>, config: Partial<MockConfig> = {}): Promise<Env> {
  const mock = createMockServer({ data: false, config });
  let upstreamServer = await serveHttp(mock, { port: 0 });
  const started = await startWith(upstreamServer, dist, { vault: true, ...proxy });
  const env: Env = {
    ...started,
    mock,
    upstreamServer,
    restartUpstream: async () => {
      upstreamServer = await serveHttp(mock, { port: Number(new URL(started.upstream).port) });
      env.upstreamServer = upstreamServer;
    },
    stop: async () => {
      await started.proxy.close();
      await env.upstreamServer.close();
    },
  };
  return env;
}

export function cookieOf(res: RawResponse): string {
  return (res.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
}

export async function signIn(url: string, user = 'alice', password = `${user}pass`): Promise<string> {
  const res = await raw(url, {
    method: 'POST',
    path: '/proxy/login',
    body: JSON.stringify({ user, password }),
    headers: { 'Content-Type': 'application/json' },
  });
  if (res.status !== 200) throw new Error(`login ${res.status}`);
  return cookieOf(res);
}

export function easQuery(cmd: string, deviceId: string, user = 'alice'): string {
  return `/Microsoft-Server-ActiveSync?Cmd=${cmd}&User=${user}&DeviceId=${deviceId}&DeviceType=WebApp`;
}

/** One EAS command of the app through the proxy (vault cookie, no Authorization). */
export function eas(url: string, cookie: string, cmd: string, deviceId: string, xml: string, version = '14.1'): Promise<RawResponse> {
  return raw(url, {
    method: 'POST',
    path: easQuery(cmd, deviceId),
    body: wbxml(xml),
    headers: { Cookie: cookie, 'MS-ASProtocolVersion': version, 'Content-Type': WBXML, 'User-Agent': 'eas-pwa-test' },
  });
}

/** The app's device as the relay learns it: its folder hierarchy and sync key per synced folder. */
export interface Device {
  readonly deviceId: string;
  readonly inbox: string;
  folderKey: string;
  readonly keys: Map<string, string>;
  /** The EAS version it speaks (14.1 unless said). */
  readonly version?: string;
}

export async function folderSync(
  url: string,
  cookie: string,
  deviceId: string,
  key: string,
  version?: string,
): Promise<{ key: string; added: { id: string; type: string; name: string }[] }> {
  const res = await eas(
    url,
    cookie,
    'FolderSync',
    deviceId,
    `<FolderSync xmlns="FolderHierarchy"><SyncKey>${key}</SyncKey></FolderSync>`,
    version,
  );
  const tree = decoded(res.body);
  const changes = path(tree, 'Changes');
  const added = changes
    ? kids(changes, 'Add').map((a) => ({
        id: textAt(a, 'ServerId') ?? '',
        type: textAt(a, 'Type') ?? '',
        name: textAt(a, 'DisplayName') ?? '',
      }))
    : [];
  return { key: textAt(tree, 'SyncKey') ?? '', added };
}

/** Syncs one folder until nothing is left; returns the subjects of the mails added. */
export async function syncFolder(url: string, cookie: string, d: Device, folder: string): Promise<string[]> {
  const subjects: string[] = [];
  for (let round = 0; round < 10; round++) {
    const key = d.keys.get(folder) ?? '0';
    const res = await eas(
      url,
      cookie,
      'Sync',
      d.deviceId,
      `<Sync xmlns="AirSync"><Collections><Collection><SyncKey>${key}</SyncKey><CollectionId>${folder}</CollectionId>` +
        `${key === '0' ? '' : '<GetChanges>1</GetChanges>'}</Collection></Collections></Sync>`,
      d.version,
    );
    if (res.status !== 200) throw new Error(`Sync ${res.status}`);
    if (res.body.length === 0) return subjects; // MS-ASCMD 2.2.1.21.2: nothing new
    const collection = path(decoded(res.body), 'Collections', 'Collection');
    d.keys.set(folder, textAt(collection, 'SyncKey') ?? key);
    const commands = path(collection, 'Commands');
    for (const add of commands ? kids(commands, 'Add') : []) subjects.push(textAt(add, 'ApplicationData', 'Subject') ?? '');
    if (!path(collection, 'MoreAvailable') && key !== '0') return subjects;
  }
  return subjects;
}

/** A fresh device of the signed-in user: the whole hierarchy, then its Inbox synced. */
export async function newDevice(url: string, cookie: string, deviceId: string, version?: string): Promise<Device> {
  const fs = await folderSync(url, cookie, deviceId, '0', version);
  const inbox = fs.added.find((f) => f.type === '2')?.id;
  if (!inbox) throw new Error('no Inbox');
  const d: Device = { deviceId, inbox, folderKey: fs.key, keys: new Map(), ...(version ? { version } : {}) };
  await syncFolder(url, cookie, d, inbox);
  return d;
}

export function register(
  url: string,
  cookie: string,
  body: unknown,
  method = 'POST',
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const text = JSON.stringify(body);
  // Content-Length: node:http sends a DELETE body without framing otherwise (a browser always frames it).
  return raw(url, {
    method,
    path: '/proxy/push',
    body: text,
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers },
  });
}

/** Bob sends alice a mail: a SendMail of bob's own phone, straight to the mock (MS-ASCMD 2.2.1.17, the 12.1 MIME form). */
export async function bobSendsAlice(upstream: string, subject: string): Promise<void> {
  const mime = `From: bob@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nHello alice.\r\n`;
  const res = await raw(upstream, {
    method: 'POST',
    path: `${easQuery('SendMail', 'bobphone', 'bob')}&SaveInSent=F`,
    body: mime,
    headers: { Authorization: basic('bob', 'bobpass'), 'MS-ASProtocolVersion': '12.1', 'Content-Type': 'message/rfc822' },
  });
  if (res.status !== 200) throw new Error(`SendMail ${res.status}`);
}

export async function session(url: string, cookie: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await raw(url, { path: '/proxy/session', headers: { Cookie: cookie } });
  return { status: res.status, body: JSON.parse(res.body.toString()) as Record<string, unknown> };
}
