/** Ping: hold, wake on a change, heartbeat limits and the error statuses of MS-ASCMD 2.2.3.177.11. */
import { describe, expect, it } from 'vitest';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import { F, TestClient, folderId, fullSync, testServer } from './helpers.ts';

const P = ns('Ping');
const ping = (hb: number, ...ids: string[]): El =>
  P(
    'Ping',
    P('HeartbeatInterval', hb),
    P(
      'Folders',
      ids.map((id) => P('Folder', P('Id', id), P('Class', 'Email'))),
    ),
  );

async function setup(): Promise<{ c: TestClient; s: ReturnType<typeof testServer>; inbox: string; key: string }> {
  const s = testServer();
  const c = new TestClient(s);
  const fs = await c.folderSync();
  const inbox = folderId(fs.adds, 'Inbox');
  await fullSync(c, inbox, 512);
  return { c, s, inbox, key: fs.key };
}

describe('Ping', () => {
  it('is woken by a new mail in a watched folder: Status 2 naming the folder', async () => {
    const { c, s, inbox } = await setup();
    const pending = c.post('Ping', ping(100, inbox));
    await new Promise((r) => setTimeout(r, 30));
    s.control.newMail('alice');
    const r = await pending;
    expect(textAt(r.tree as El, 'Status')).toBe('2');
    expect(kids(kids(r.tree as El, 'Folders')[0] as El, 'Folder').map(textOf)).toEqual([inbox]);
  });

  it('does not hold a Ping whose client hung up before the hold began', async () => {
    const { c, s, inbox } = await setup();
    const gone = AbortSignal.abort();
    const req = new Request(c.url('Ping', {}), {
      method: 'POST',
      headers: c.headers(),
      body: encodeEas(ping(3000, inbox)) as Uint8Array<ArrayBuffer>,
      signal: gone,
    });
    const r = await c.read(await s.handle(req)); // a 3000 s heartbeat is 30 s scaled: beyond the test's timeout
    expect(textAt(r.tree as El, 'Status')).toBe('1');
  }, 5_000);

  it('answers Status 1 when the heartbeat runs out with no change', async () => {
    const { c, inbox } = await setup();
    const r = await c.post('Ping', ping(2, inbox));
    expect(textAt(r.tree as El, 'Status')).toBe('1');
  });

  it('answers at once with Status 2 when the folder already has unsynced changes', async () => {
    const { c, s, inbox } = await setup();
    s.control.newMail('alice');
    expect(textAt((await c.post('Ping', ping(100, inbox))).tree as El, 'Status')).toBe('2');
  });

  it('gives Status 5 with the limit for a heartbeat out of range, 6 with MaxFolders, 3 with nothing cached, 4 when malformed', async () => {
    const s = testServer({ config: { minHeartbeat: 60, maxHeartbeat: 3540, maxPingFolders: 2 } });
    const c = new TestClient(s);
    const fs = await c.folderSync();
    const inbox = folderId(fs.adds, 'Inbox');
    const low = (await c.post('Ping', ping(10, inbox))).tree as El;
    expect([textAt(low, 'Status'), textAt(low, 'HeartbeatInterval')]).toEqual(['5', '60']);
    const high = (await c.post('Ping', ping(4000, inbox))).tree as El;
    expect([textAt(high, 'Status'), textAt(high, 'HeartbeatInterval')]).toEqual(['5', '3540']);
    const many = (await c.post('Ping', ping(60, inbox, inbox, inbox))).tree as El;
    expect([textAt(many, 'Status'), textAt(many, 'MaxFolders')]).toEqual(['6', '2']);
    expect(textAt((await c.post('Ping', null)).tree as El, 'Status')).toBe('3');
    expect(textAt((await c.post('Ping', P('Ping', P('Folders', P('Folder', P('Class', 'Email')))))).tree as El, 'Status')).toBe('4');
  });

  it('reuses the last folders for an empty Ping, and answers 7 after the hierarchy changed', async () => {
    const { c, s, inbox, key } = await setup();
    expect(textAt((await c.post('Ping', ping(1, inbox))).tree as El, 'Status')).toBe('1');
    const other = new TestClient(s, { deviceId: 'OTHER' });
    const o = await other.folderSync();
    await other.post('FolderCreate', F('FolderCreate', F('SyncKey', o.key), F('ParentId', '0'), F('DisplayName', 'New'), F('Type', 12)));
    expect(textAt((await c.post('Ping', null)).tree as El, 'Status')).toBe('7');
    expect(key).not.toBe('');
  });

  it('ends an older Ping of the same device when a new one arrives', async () => {
    const { c, inbox } = await setup();
    const first = c.post('Ping', ping(100, inbox));
    await new Promise((r) => setTimeout(r, 20));
    const second = c.post('Ping', ping(1, inbox));
    expect(textAt((await first).tree as El, 'Status')).toBe('1');
    expect(textAt((await second).tree as El, 'Status')).toBe('1');
  });
});
