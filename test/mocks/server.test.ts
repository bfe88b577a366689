/** The HTTP face of the mock: auth, OPTIONS, query forms, provisioning, wipe, Autodiscover, MSW and node:http. */
import { getResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBase64Query, OPTION_SAVE_IN_SENT } from '../../src/eas/query.ts';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { kid, ns, textAt, type El } from '../../src/wbxml/tree.ts';
import { ConnectionDropped, parseFaultSpec } from '../../mocks/faults.ts';
import { mswHandlers } from '../../mocks/msw.ts';
import { serveHttp } from '../../mocks/node-http.ts';
import { F, TestClient, testServer } from './helpers.ts';

const PV = ns('Provision');
const folderSync = F('FolderSync', F('SyncKey', '0'));

describe('HTTP basics', () => {
  it('answers 401 with WWW-Authenticate without or with wrong credentials; accepts domain\\user and user@domain', async () => {
    const s = testServer();
    const none = await s.handle(new Request(new TestClient(s).url('FolderSync'), { method: 'POST' }));
    expect(none.status).toBe(401);
    expect(none.headers.get('WWW-Authenticate')).toMatch(/^Basic realm=/);
    expect((await new TestClient(s, { password: 'wrong' }).post('FolderSync', folderSync)).status).toBe(401);
    expect((await new TestClient(s, { user: 'example.test\\alice', password: 'alicepass' }).post('FolderSync', folderSync)).status).toBe(
      200,
    );
    expect((await new TestClient(s, { user: 'bob@example.test', password: 'bobpass' }).post('FolderSync', folderSync)).status).toBe(200);
  });

  it('lists versions and commands on OPTIONS', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const r = await s.handle(new Request('http://mock.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS', headers: c.headers() }));
    expect(r.status).toBe(200);
    expect(r.headers.get('MS-ASProtocolVersions')).toBe('12.1,14.0,14.1,16.0,16.1');
    expect(r.headers.get('MS-ASProtocolCommands')?.split(',')).toEqual(
      expect.arrayContaining(['Sync', 'FolderSync', 'Ping', 'ItemOperations', 'Provision']),
    );
  });

  it('refuses an unsupported version (400), an unknown command (501) and a missing DeviceId (400)', async () => {
    const s = testServer();
    expect((await new TestClient(s, { version: '2.5' }).post('FolderSync', folderSync)).status).toBe(400);
    expect((await new TestClient(s).post('Frobnicate', folderSync)).status).toBe(501);
    expect((await new TestClient(s, { deviceId: '' }).post('FolderSync', folderSync)).status).toBe(400);
  });

  it('understands the base64 query form (MS-ASHTTP 2.2.1.1.1.1), version and policy key included', async () => {
    const s = testServer({ config: { requireProvisioning: true } });
    const device = new TextEncoder().encode('B64DEV');
    const type = new TextEncoder().encode('TestDevice');
    const user = new TextEncoder().encode('alice');
    const query = (policyKey?: number): string => {
      const key =
        policyKey === undefined ? [0] : [4, policyKey & 0xff, (policyKey >>> 8) & 0xff, (policyKey >>> 16) & 0xff, policyKey >>> 24];
      const bytes = [141, 9, 0x09, 0x04, device.length, ...device, ...key, type.length, ...type, 8, user.length, ...user];
      return encodeURIComponent(btoa(String.fromCharCode(...bytes)));
    };
    const post = async (q: string): Promise<El> => {
      const c = new TestClient(s);
      const headers = c.headers();
      delete headers['MS-ASProtocolVersion'];
      const r = await s.handle(
        new Request(`http://mock.test/Microsoft-Server-ActiveSync?${q}`, {
          method: 'POST',
          headers,
          body: encodeEas(folderSync) as Uint8Array<ArrayBuffer>,
        }),
      );
      return (await c.read(r)).tree as El;
    };
    expect(textAt(await post(query()), 'Status')).toBe('142');
    const c = new TestClient(s, { deviceId: 'B64DEV' });
    const key = await provisionFully(c);
    expect(textAt(await post(query(Number(key))), 'Status')).toBe('1');
  });

  it('reads the SaveInSent option bit of a base64 query built by the app’s own encoder', async () => {
    const s = testServer();
    const c = new TestClient(s, { version: '12.1' });
    const q = encodeBase64Query({
      version: '12.1',
      cmd: 'SendMail',
      locale: 0x0409,
      deviceId: 'B64',
      deviceType: 'TestDevice',
      params: { User: 'alice' },
      options: OPTION_SAVE_IN_SENT,
    });
    const headers: Record<string, string> = { ...c.headers(), 'Content-Type': 'message/rfc822' };
    delete headers['MS-ASProtocolVersion'];
    const mime = 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: b64 send\r\n\r\nhi\r\n';
    const r = await s.handle(
      new Request(`http://mock.test/Microsoft-Server-ActiveSync?${encodeURIComponent(q)}`, { method: 'POST', headers, body: mime }),
    );
    expect(r.status).toBe(200);
    const sent = [...(s.mock.world.mailboxes.get('alice')?.folders.values() ?? [])].find((f) => f.type === 5);
    expect([...(sent?.store.items.values() ?? [])].some((i) => i.data.kind === 'mail' && i.data.subject === 'b64 send')).toBe(true);
  });
});

/** Both Provision phases; returns the final policy key (MS-ASPROV 3.1.5.1). */
async function provisionFully(c: TestClient): Promise<string> {
  const phase1 = await c.post('Provision', PV('Provision', PV('Policies', PV('Policy', PV('PolicyType', 'MS-EAS-Provisioning-WBXML')))));
  const policy1 = kid(kid(phase1.tree as El, 'Policies') as El, 'Policy') as El;
  expect(kid(kid(policy1, 'Data') as El, 'EASProvisionDoc')).toBeDefined();
  const temp = textAt(policy1, 'PolicyKey') ?? '';
  c.policyKey = temp;
  const phase2 = await c.post(
    'Provision',
    PV('Provision', PV('Policies', PV('Policy', PV('PolicyType', 'MS-EAS-Provisioning-WBXML'), PV('PolicyKey', temp), PV('Status', 1)))),
  );
  const key = textAt(phase2.tree as El, 'Policies', 'Policy', 'PolicyKey') ?? '';
  expect(key).not.toBe(temp);
  c.policyKey = key;
  return key;
}

describe('provisioning and remote wipe', () => {
  it('demands Provision (14.1: Status 142, wrong key 144) and then serves the device', async () => {
    const s = testServer({ config: { requireProvisioning: true } });
    const c = new TestClient(s);
    expect(textAt((await c.post('FolderSync', folderSync)).tree as El, 'Status')).toBe('142');
    const key = await provisionFully(c);
    expect(textAt((await c.post('FolderSync', folderSync)).tree as El, 'Status')).toBe('1');
    c.policyKey = String(Number(key) + 1);
    expect(textAt((await c.post('FolderSync', folderSync)).tree as El, 'Status')).toBe('144');
  });

  it('answers HTTP 449 to a 12.1 device that is not provisioned', async () => {
    const s = testServer({ config: { requireProvisioning: true } });
    const c = new TestClient(s, { version: '12.1' });
    expect((await c.post('FolderSync', folderSync)).status).toBe(449);
    await provisionFully(c);
    expect((await c.post('FolderSync', folderSync)).status).toBe(200);
  });

  it('announces an armed remote wipe (140, then RemoteWipe in Provision) and forgets the device once acknowledged', async () => {
    const s = testServer();
    const c = new TestClient(s);
    await c.folderSync();
    expect(s.control.armRemoteWipe('alice', 'DEV1')).toBe(true);
    expect(textAt((await c.post('FolderSync', folderSync)).tree as El, 'Status')).toBe('140');
    const p = await c.post('Provision', PV('Provision', PV('Policies', PV('Policy', PV('PolicyType', 'MS-EAS-Provisioning-WBXML')))));
    expect(kid(p.tree as El, 'RemoteWipe')).toBeDefined();
    await c.post('Provision', PV('Provision', PV('RemoteWipe', PV('Status', 1))));
    const d = s.mock.devices.find('alice', 'DEV1');
    expect([d?.wipe, d?.folderKey]).toEqual(['done', undefined]);
  });
});

describe('Autodiscover', () => {
  const body = (email: string) =>
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006</AcceptableResponseSchema></Request></Autodiscover>`;

  it('answers the POX mobilesync request at any letter case of the path', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const r = await s.handle(
      new Request('https://mail.example.test/AutoDiscover/AUTODISCOVER.xml', {
        method: 'POST',
        headers: c.headers({ 'Content-Type': 'text/xml' }),
        body: body('alice@example.test'),
      }),
    );
    const xml = await r.text();
    expect(r.status).toBe(200);
    expect(xml).toContain('<Url>https://mail.example.test/Microsoft-Server-ActiveSync</Url>');
    expect(xml).toContain('<Type>MobileSync</Type>');
    const unknown = await s.handle(
      new Request('https://mail.example.test/autodiscover/autodiscover.xml', {
        method: 'POST',
        headers: c.headers(),
        body: body('nobody@example.test'),
      }),
    );
    expect(await unknown.text()).toContain('<ErrorCode>600</ErrorCode>');
    const anon = await s.handle(
      new Request('https://mail.example.test/autodiscover/autodiscover.xml', { method: 'POST', body: body('alice@example.test') }),
    );
    expect(anon.status).toBe(401);
  });
});

describe('faults', () => {
  it('503 with Retry-After, 451 with X-MS-Location and 401 on demand, then normal service', async () => {
    const s = testServer({ faults: '503=1,retry-after=7,451=1,401=1' });
    const c = new TestClient(s);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await c.post('FolderSync', folderSync)).response);
    expect(statuses.map((r) => r.status)).toEqual([401, 451, 503, 200]);
    expect(statuses[1]?.headers.get('X-MS-Location')).toMatch(/^https:\/\//);
    expect(statuses[2]?.headers.get('Retry-After')).toBe('7');
  });

  it('drops the connection mid-body and truncates bodies on demand', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const request = () =>
      new Request(c.url('FolderSync'), { method: 'POST', headers: c.headers(), body: encodeEas(folderSync) as Uint8Array<ArrayBuffer> });
    s.control.faults.set({ drop: 1 });
    await expect((await s.handle(request())).arrayBuffer()).rejects.toThrow(/reset/);
    const full = (await (await s.handle(request())).arrayBuffer()).byteLength;
    s.control.faults.set({ truncate: 1 });
    expect((await (await s.handle(request())).arrayBuffer()).byteLength).toBeLessThan(full);
  });

  it('drop-after: the command is applied, then the connection closes with no answer; only the named command counts', async () => {
    const s = testServer();
    const c = new TestClient(s);
    expect(parseFaultSpec('drop-after=1,drop-after-cmd=FolderCreate')).toEqual({ dropAfter: 1, dropAfterCmd: 'FolderCreate' });
    s.control.faults.set(parseFaultSpec('drop-after=1,drop-after-cmd=FolderCreate'));
    const fs = await c.folderSync(); // another command: answered
    const create = F('FolderCreate', F('SyncKey', fs.key), F('ParentId', '0'), F('DisplayName', 'Kept'), F('Type', 12));
    const request = new Request(c.url('FolderCreate'), {
      method: 'POST',
      headers: c.headers(),
      body: encodeEas(create) as Uint8Array<ArrayBuffer>,
    });
    await expect(s.handle(request)).rejects.toBeInstanceOf(ConnectionDropped);
    expect(s.control.faults.log).toContain('drop-after');
    const after = await c.folderSync();
    expect(after.adds.map((a) => textAt(a, 'DisplayName'))).toContain('Kept'); // the server did create it
  });

  it('forces Status 3 (state lost) and Status 12 (until the next FolderSync)', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const fs = await c.folderSync();
    const id =
      textAt(
        fs.adds.find((a) => textAt(a, 'DisplayName') === 'Notes'),
        'ServerId',
      ) ?? '';
    const A = ns('AirSync');
    const first = await c.sync(A('Collection', A('SyncKey', '0'), A('CollectionId', id)));
    const key = textAt(first.collection, 'SyncKey') ?? '';
    s.control.faults.set({ invalidSyncKey: 1 });
    expect(textAt((await c.sync(A('Collection', A('SyncKey', key), A('CollectionId', id)))).collection, 'Status')).toBe('3');
    s.control.faults.set({ folderSyncRequired: 1 });
    const sync0 = () => c.post('Sync', A('Sync', A('Collections', A('Collection', A('SyncKey', '0'), A('CollectionId', id)))));
    expect(textAt((await sync0()).tree as El, 'Status')).toBe('12');
    expect(textAt((await sync0()).tree as El, 'Status')).toBe('12');
    await c.folderSync(fs.key);
    expect(textAt((await sync0()).tree as El, 'Collections', 'Collection', 'Status')).toBe('1');
  });

  it('replays the same random faults from the same seed', async () => {
    const run = async (): Promise<number[]> => {
      const s = testServer({ faults: { randomRate: 0.5, randomSeed: 99, retryAfter: 1, randomLatencyMs: 5 } });
      const c = new TestClient(s);
      const out: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await s.handle(
          new Request(c.url('FolderSync'), {
            method: 'POST',
            headers: c.headers(),
            body: encodeEas(folderSync) as Uint8Array<ArrayBuffer>,
          }),
        );
        out.push(
          await r.arrayBuffer().then(
            (b) => r.status * 1000 + Math.min(b.byteLength, 999),
            () => -1,
          ),
        );
      }
      return out;
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('controls faults and changes over HTTP under /mock-control/', async () => {
    const s = testServer();
    const post = (path: string, body: unknown) =>
      s.handle(new Request(`http://mock.test/mock-control/${path}`, { method: 'POST', body: JSON.stringify(body) }));
    const mail = (await (await post('new-mail', { user: 'bob' })).json()) as { serverId: string };
    expect(mail.serverId).toMatch(/:\d+$/);
    await post('faults', { spec: 'latency=1,503=2' });
    const state = (await (await s.handle(new Request('http://mock.test/mock-control/state'))).json()) as {
      faults: { unavailable: number };
    };
    expect(state.faults.unavailable).toBe(2);
    expect((await post('faults', { spec: 'bogus=1' })).status).toBe(400);
  });

  it('shows its world read-only over HTTP: folders, what a folder holds, the Oof state', async () => {
    const s = testServer();
    const get = async (path: string) => {
      const res = await s.handle(new Request(`http://mock.test/mock-control/${path}`));
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const { serverId } = (await (
      await s.handle(new Request('http://mock.test/mock-control/new-mail', { method: 'POST', body: JSON.stringify({ user: 'bob' }) }))
    ).json()) as { serverId: string };
    const folders = (await get('folders?user=alice')).body['folders'] as { id: string; parentId: string; name: string; type: number }[];
    const family = folders.find((f) => f.name === '家族 Family');
    expect(folders.find((f) => f.id === family?.parentId)?.type).toBe(9); // under Contacts
    const inbox = (await get('mailbox?user=bob&folder=Inbox&bodies=1')).body['items'] as { id: string; to: string[]; text: string }[];
    const mail = inbox.find((m) => m.id === serverId);
    expect(mail?.to).toEqual(['bob@example.test']);
    expect(mail?.text).not.toBe('');
    expect((await get('oof?user=alice')).body).toMatchObject({ state: 0, internal: { enabled: false } });
    expect((await get('oof?user=nobody')).status).toBe(404);
    expect((await get('mailbox?user=alice&folder=Nowhere')).status).toBe(404);
  });
});

describe('MSW handlers', () => {
  const s = testServer();
  const msw = setupServer(...mswHandlers(s));
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  it('serve the mock to fetch in Node', async () => {
    const c = new TestClient(s);
    const r = await fetch(c.url('FolderSync'), {
      method: 'POST',
      headers: c.headers(),
      body: encodeEas(folderSync) as Uint8Array<ArrayBuffer>,
    });
    expect(textAt((await c.read(r)).tree as El, 'Status')).toBe('1');
  });

  it('answer through getResponse, as the app service worker calls them', async () => {
    const c = new TestClient(s, { deviceId: 'SW' });
    const request = new Request(c.url('FolderSync'), {
      method: 'POST',
      headers: c.headers(),
      body: encodeEas(folderSync) as Uint8Array<ArrayBuffer>,
    });
    const r = await getResponse(mswHandlers(s), request);
    expect(textAt((await c.read(r as Response)).tree as El, 'Status')).toBe('1');
  });

  it('turn a drop-after fault into a network error (Response.error()), not a 500', async () => {
    const c = new TestClient(s, { deviceId: 'SW2' });
    s.control.faults.set({ dropAfter: 1 });
    const request = new Request(c.url('FolderSync'), {
      method: 'POST',
      headers: c.headers(),
      body: encodeEas(folderSync) as Uint8Array<ArrayBuffer>,
    });
    expect((await getResponse(mswHandlers(s), request))?.type).toBe('error');
  });
});

describe('node:http', () => {
  it('serves the mock on a loopback port, and a dropped connection is a network error', async () => {
    const s = testServer();
    const running = await serveHttp(s, { port: 0 });
    try {
      const c = new TestClient(s);
      const url = c.url('FolderSync').replace('http://mock.test', running.url);
      const init = () => ({ method: 'POST', headers: c.headers(), body: encodeEas(folderSync) as Uint8Array<ArrayBuffer> });
      const ok = await fetch(url, init());
      expect(textAt((await c.read(ok)).tree as El, 'Status')).toBe('1');
      s.control.faults.set({ drop: 1 });
      await expect(fetch(url, init()).then((r) => r.arrayBuffer())).rejects.toThrow();
      s.control.faults.set({ dropAfter: 1 });
      const lost = await fetch(url, init()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((lost as Error).cause).toMatchObject({ code: 'UND_ERR_SOCKET' }); // no status line: 'other side closed'
    } finally {
      await running.close();
    }
  });
});
