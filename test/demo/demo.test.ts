import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType } from '../../mocks/model.ts';
import { randomId } from '../../src/store/db.ts';
import type { EasExchange } from '../../src/eas/http.ts';
import { createDemo } from '../../src/demo/demo.ts';
import { DEMO_ACCOUNT } from '../../src/demo/demo-host.ts';
import { diffViews, engineFor, journaledStore, localView, serverView } from '../sync/support.ts';

const ORIGIN = 'http://127.0.0.1:5173';

describe('the demo server', () => {
  it('claims the demo host and its own control paths, nothing else', () => {
    const demo = createDemo({ dbName: randomId() });
    const claims = (u: string) => demo.claims(new URL(u), ORIGIN);
    expect(claims('https://example.test/Microsoft-Server-ActiveSync?Cmd=Sync')).toBe(true);
    expect(claims('https://autodiscover.example.test/autodiscover/autodiscover.xml')).toBe(true);
    expect(claims(`${ORIGIN}/mock-control/state`)).toBe(true);
    expect(claims(`${ORIGIN}/__demo/mailbox?user=bob`)).toBe(true);
    expect(claims(`${ORIGIN}/Microsoft-Server-ActiveSync`)).toBe(false);
    expect(claims('https://mail.example.com/Microsoft-Server-ActiveSync')).toBe(false);
    expect(claims('https://example.test.evil.com/Microsoft-Server-ActiveSync')).toBe(false);
    expect(claims('https://mail.example.test/Microsoft-Server-ActiveSync')).toBe(false);
    expect(claims('http://other.host/mock-control/state')).toBe(false);
  });

  it('serves the demo account from Autodiscover on, and a restarted worker the same mailbox and sync state', async () => {
    const dbName = randomId();
    const { store } = await journaledStore();
    const demo1 = createDemo({ dbName });
    const first = engineFor(store, (r) => demo1.handle(r));
    const account = await first.engine.addAccount({ email: DEMO_ACCOUNT.email, password: DEMO_ACCOUNT.password });
    expect(account.url).toBe('https://example.test/Microsoft-Server-ActiveSync');
    expect((await first.engine.syncAccount(account.id)).ok).toBe(true);

    // Changes on both sides: a mail read here, a new mail and a reply on the server.
    const mock1 = await demo1.server();
    const inboxId = [...(mock1.mock.world.mailboxes.get('alice')?.folders ?? [])].find(([, f]) => f.type === FolderType.Inbox)?.[0] ?? '';
    const [someMail] = await store.db.getAll('items', IDBKeyRange.bound([account.id, inboxId], [account.id, inboxId, []]), 1);
    await first.engine.markRead(account.id, someMail?.id ?? '', true);
    await demo1.act('new-mail', 'alice');
    expect((await first.engine.syncAccount(account.id)).ok).toBe(true);
    expect(diffViews(serverView(mock1), await localView(store, account.id))).toEqual([]);

    // The worker is stopped: a new demo over the same log, a new engine over the same store.
    const demo2 = createDemo({ dbName });
    const exchanges: EasExchange[] = [];
    const second = engineFor(store, (r) => demo2.handle(r), { onExchange: (x) => exchanges.push(x) });
    const report = await second.engine.syncAccount(account.id);
    expect(report.ok).toBe(true);
    const mock2 = await demo2.server();
    expect(diffViews(serverView(mock2), await localView(store, account.id))).toEqual([]);
    expect(serverView(mock2)).toEqual(serverView(mock1));
    // Nothing was downloaded again: the keys the client holds are the replayed server's keys.
    expect(second.events.filter((e) => e.type === 'changes' && e.added > 0)).toEqual([]);
    expect(exchanges.filter((x) => x.cmd === 'Sync').length).toBeGreaterThan(0);
    const inbox2 = requireFolderOfType(mock2.mock.world.mailboxes.get('alice') ?? never(), FolderType.Inbox);
    const read = inbox2.store.items.get(someMail?.serverId ?? '')?.data;
    expect(read && 'read' in read ? read.read : undefined).toBe(true);
  });

  it('keeps the dropped network across restarts; control paths stay reachable', async () => {
    const dbName = randomId();
    const demo1 = createDemo({ dbName });
    expect((await demo1.act('network-down')).networkDown).toBe(true);
    const demo2 = createDemo({ dbName });
    expect((await demo2.act('state')).networkDown).toBe(true);
    await expect(demo2.handle(new Request('https://example.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS' }))).rejects.toThrow(
      TypeError,
    );
    const state = await demo2.handle(new Request(`${ORIGIN}/mock-control/state`));
    expect(state.status).toBe(200);
    expect((await demo2.act('network-up')).networkDown).toBe(false);
    const options = await demo2.handle(
      new Request('https://example.test/Microsoft-Server-ActiveSync', {
        method: 'OPTIONS',
        headers: { Authorization: `Basic ${btoa('alice:alicepass')}` },
      }),
    );
    expect(options.headers.get('MS-ASProtocolVersions')).toContain('14.1');
  });

  it('is unreachable while the browser is offline, and arms one-shot faults', async () => {
    let online = false;
    const demo = createDemo({ dbName: randomId(), online: () => online });
    await expect(demo.handle(new Request('https://example.test/Microsoft-Server-ActiveSync', { method: 'OPTIONS' }))).rejects.toThrow(
      /Failed to fetch/,
    );
    online = true;
    expect((await demo.act('503')).pending).toEqual({ unavailable: 1, invalidSyncKey: 0 });
    // Any command: the fault comes before the command is read (OPTIONS is never faulted).
    const busy = await demo.handle(
      new Request('https://example.test/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice&DeviceId=D1&DeviceType=T', {
        method: 'POST',
        headers: { Authorization: `Basic ${btoa('alice:alicepass')}` },
      }),
    );
    expect(busy.status).toBe(503);
    expect((await demo.act('invalid-synckey')).pending).toEqual({ unavailable: 0, invalidSyncKey: 1 });
  });

  it('shows a mock folder for the end-to-end checks', async () => {
    const demo = createDemo({ dbName: randomId() });
    const res = await demo.handle(new Request(`${ORIGIN}/__demo/mailbox?user=bob&folder=Inbox`));
    const body = (await res.json()) as { folder: string; items: { subject?: string }[] };
    expect(body.folder).toBe('Inbox');
    expect(body.items.length).toBeGreaterThan(100);
  });
});

function never(): never {
  throw new Error('missing');
}
