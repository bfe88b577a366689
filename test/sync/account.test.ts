import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountSetup } from '../../src/sync/account.ts';
import { SyncError } from '../../src/sync/errors.ts';
import { VERSION_RECHECK_MS } from '../../src/sync/session.ts';
import { alice, engineFor, journaledStore, mockServer } from './support.ts';

describe('account setup', () => {
  it('sends the User parameter and Basic credentials as domain\\user', async () => {
    const server = mockServer();
    const seen: Request[] = [];
    const { store } = await journaledStore();
    const { engine } = engineFor(store, async (r) => (seen.push(r.clone()), server.handle(r)));
    const account = await engine.addAccount({ email: 'alice@example.test', password: 'alicepass', server: 'http://mock.test' });
    expect(account).toMatchObject({ user: 'alice', domain: 'example.test' });
    const post = seen.find((r) => r.method === 'POST' && r.url.includes('Cmd=FolderSync'));
    expect(new URL(post?.url ?? '').searchParams.get('User')).toBe('example.test\\alice');
    expect(atob((post?.headers.get('Authorization') ?? '').slice(6))).toBe('example.test\\alice:alicepass');
  });

  it('finds the server by Autodiscover when none is typed', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine } = engineFor(store, server.handle);
    const account = await engine.addAccount({ email: 'alice@example.test', password: 'alicepass' });
    expect(account.url).toBe('https://example.test/Microsoft-Server-ActiveSync');
    expect(account.displayName).toBe('Alice Sato');
    expect(account.version).toBe('16.1');
  });

  it('provisions when the server requires it and keeps the policy key', async () => {
    const server = mockServer();
    server.control.requireProvisioning(true);
    const { store } = await journaledStore();
    const { engine } = engineFor(store, server.handle);
    const account = await engine.addAccount(alice);
    expect(account.policyKey).toMatch(/^\d+$/);
    expect(server.mock.devices.find('alice', account.deviceId)?.policyKey).toBe(account.policyKey);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  });

  it('uses one random DeviceId per installation, for several accounts side by side', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine } = engineFor(store, server.handle);
    const a = await engine.addAccount(alice);
    const b = await engine.addAccount({
      email: 'bob@example.test',
      password: 'bobpass',
      server: 'http://mock.test',
      userName: 'bob',
      defaultDomain: null,
    });
    expect(a.deviceId).toMatch(/^[0-9A-F]{32}$/);
    expect(b.deviceId).toBe(a.deviceId);
    expect(a.id).not.toBe(b.id);
    expect((await engine.accounts()).length).toBe(2);
    expect(await engine.syncAccount(a.id)).toMatchObject({ ok: true });
    expect(await engine.syncAccount(b.id)).toMatchObject({ ok: true });
    const folders = await store.db.getAll('folders');
    expect(new Set(folders.map((f) => f.accountId))).toEqual(new Set([a.id, b.id]));
  });

  it('sends Settings DeviceInformation', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine } = engineFor(store, server.handle, { deviceInformation: { model: 'TestModel', friendlyName: 'Test' } });
    const account = await engine.addAccount(alice);
    expect(server.mock.devices.find('alice', account.deviceId)?.information['Model']).toBe('TestModel');
  });

  it('asks OPTIONS again after a day, not before', async () => {
    const server = mockServer();
    let options = 0;
    const { store } = await journaledStore();
    const h = engineFor(store, async (r) => {
      if (r.method === 'OPTIONS') options++;
      return server.handle(r);
    });
    const account = await h.engine.addAccount(alice);
    await h.engine.syncAccount(account.id);
    expect(options).toBe(1);
    await h.clock.sleep(VERSION_RECHECK_MS + 1);
    await h.engine.syncAccount(account.id);
    expect(options).toBe(2);
    expect((await store.db.get('accounts', account.id))?.versionCheckedAt).toBeGreaterThan(account.versionCheckedAt ?? 0);
  });
});

describe('a protocol version chosen at setup', () => {
  /** The mock, offering `offered` in OPTIONS (switchable); records each POST's MS-ASProtocolVersion. */
  async function chosen(offered: { list: string }) {
    const server = mockServer();
    const sent: string[] = [];
    const { store } = await journaledStore();
    const h = engineFor(store, async (r) => {
      if (r.method !== 'OPTIONS') sent.push(r.headers.get('MS-ASProtocolVersion') ?? '');
      const res = await server.handle(r);
      if (r.method !== 'OPTIONS') return res;
      const headers = new Headers(res.headers);
      headers.set('MS-ASProtocolVersions', offered.list);
      return new Response(null, { status: res.status, headers });
    });
    return { store, sent, ...h };
  }

  it('is used when the server offers it, not the highest, and the daily recheck keeps it', async () => {
    const offered = { list: '12.1,14.0,14.1,16.0,16.1' };
    const { store, sent, engine, clock } = await chosen(offered);
    const account = await engine.addAccount({ ...alice, version: '14.0' });
    expect(account).toMatchObject({ version: '14.0', chosenVersion: '14.0' });
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    await clock.sleep(VERSION_RECHECK_MS + 1);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    const after = await store.db.get('accounts', account.id);
    expect(after).toMatchObject({ version: '14.0', chosenVersion: '14.0' });
    expect(after?.versionCheckedAt).toBeGreaterThan(account.versionCheckedAt ?? 0);
    expect(new Set(sent)).toEqual(new Set(['14.0']));
  });

  it('setup fails with a clear error when the server does not offer it, and stores nothing', async () => {
    const { store, sent, engine } = await chosen({ list: '12.1,14.0,14.1' });
    const e = await engine.addAccount({ ...alice, version: '16.1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect(e).toMatchObject({ kind: 'version', message: 'the server does not offer ActiveSync 16.1 (it offers: 12.1, 14.0, 14.1)' });
    expect(sent).toEqual([]);
    expect(await store.db.getAll('accounts')).toEqual([]);
  });

  it('a version this client does not speak is refused the same way', async () => {
    const { engine } = await chosen({ list: '2.5,12.0,12.1,14.0,14.1' });
    await expect(engine.addAccount({ ...alice, version: '12.0' })).rejects.toMatchObject({ kind: 'version' });
  });

  it('when the server stops offering it, the daily recheck says so instead of switching', async () => {
    const offered = { list: '12.1,14.0,14.1,16.0,16.1' };
    const { store, engine, clock } = await chosen(offered);
    const account = await engine.addAccount({ ...alice, version: '16.0' });
    offered.list = '12.1,14.0,14.1';
    await clock.sleep(VERSION_RECHECK_MS + 1);
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: false, error: { kind: 'version' } });
    const after = await store.db.get('accounts', account.id);
    expect(after).toMatchObject({ version: '16.0', state: { kind: 'error' } });
    offered.list = '14.1,16.0';
    expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
    expect(await store.db.get('accounts', account.id)).toMatchObject({ version: '16.0', state: { kind: 'ok' } });
  });
});

describe('setup errors in plain words', () => {
  const setupError = async (transport: (r: Request) => Promise<Response>, setup: AccountSetup = alice): Promise<SyncError> => {
    const { store } = await journaledStore();
    const { engine } = engineFor(store, transport, { retries: 0 });
    const e: unknown = await engine.addAccount(setup).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SyncError);
    return e as SyncError;
  };

  afterEach(() => {
    delete (globalThis as { location?: unknown }).location;
  });

  it('wrong password', async () => {
    const server = mockServer();
    expect((await setupError(server.handle, { ...alice, password: 'nope' })).kind).toBe('wrong-password');
  });

  it('server unreachable', async () => {
    expect((await setupError(async () => Promise.reject(new TypeError('fetch failed')))).kind).toBe('unreachable');
  });

  it('CORS or proxy needed: a TypeError for a cross-origin URL in a browser', async () => {
    (globalThis as { location?: unknown }).location = { origin: 'https://app.example' };
    expect((await setupError(async () => Promise.reject(new TypeError('Failed to fetch')))).kind).toBe('cors');
  });

  it('not an EAS server', async () => {
    const html = async (): Promise<Response> =>
      new Response('<html>hello</html>', { status: 200, headers: { 'Content-Type': 'text/html' } });
    expect((await setupError(html)).kind).toBe('not-eas');
    expect((await setupError(async () => new Response('Not Found', { status: 404 }))).kind).toBe('not-eas');
  });

  it('blocked by policy', async () => {
    expect((await setupError(async () => new Response(null, { status: 403 }))).kind).toBe('blocked');
  });

  it('Autodiscover finds nothing', async () => {
    const { server: _none, ...noServer } = alice;
    expect((await setupError(async () => new Response('Not Found', { status: 404 }), noServer)).kind).toBe('autodiscover');
  });
});

describe('remote wipe', () => {
  it('acknowledges the wipe and erases the account locally', async () => {
    const server = mockServer();
    server.control.requireProvisioning(true);
    const { store } = await journaledStore();
    const { engine, events } = engineFor(store, server.handle);
    const account = await engine.addAccount(alice);
    await engine.syncAccount(account.id);
    expect((await store.db.getAll('items')).length).toBeGreaterThan(100);
    server.control.armRemoteWipe('alice', account.deviceId);
    const report = await engine.syncAccount(account.id).catch((e: unknown) => e);
    expect(report).toMatchObject({ ok: false, error: { kind: 'wiped' } });
    expect(server.mock.devices.find('alice', account.deviceId)?.wipe).toBe('done');
    expect(await store.db.getAll('accounts')).toEqual([]);
    expect(await store.db.getAll('items')).toEqual([]);
    expect(await store.db.getAll('folders')).toEqual([]);
    expect(events.some((e) => e.type === 'wiped')).toBe(true);
  });
});
