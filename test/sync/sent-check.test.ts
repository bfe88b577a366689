/**
 * 12.1 outbox, a send whose answer was lost: while Sent Items cannot be read to check
 * for the mail, it waits in the queue instead of going again (found by
 * ambiguous-fuzz.test.ts, seed 33: a cut answer to the Sent Items Sync made the mail
 * go twice).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType, type Item, type Mailbox } from '../../mocks/model.ts';
import type { MockServer } from '../../mocks/server.ts';
import { decodeEas } from '../../src/eas/wbxml.ts';
import type { OutboxPayload, OutgoingMessage } from '../../src/sync/outbox.ts';
import { kid, kids, textAt } from '../../src/wbxml/tree.ts';
import { alice, engineFor, itemIdOf, journaledStore, mockServer, pinVersion } from './support.ts';

const cmdOf = (r: Request): string => new URL(r.url).searchParams.get('Cmd') ?? r.method;

/** The CollectionIds a Sync request names. */
async function collectionsOf(r: Request): Promise<string[]> {
  const bytes = new Uint8Array(await r.clone().arrayBuffer());
  if (bytes.length === 0) return [];
  const list = kid(decodeEas(bytes), 'Collections');
  return list ? kids(list, 'Collection').map((c) => textAt(c, 'CollectionId') ?? '') : [];
}

/** How requests fail while their key is in `failing`: half the answer, or HTTP 500. */
type Failure = 'cut' | 'http500';

async function setup() {
  const server = mockServer({ data: { mails: 6, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 0 } });
  const { store } = await journaledStore();
  const handle = pinVersion(server.handle, '12.1');
  const seen: string[] = [];
  /** 'Sync of Sent Items' or a command -> how its requests fail. */
  const failing = new Map<string, Failure>();
  const box = server.mock.world.mailboxes.get('alice') as Mailbox;
  const sentItems = requireFolderOfType(box, FolderType.SentItems).store.id;
  const { engine } = engineFor(store, async (r) => {
    seen.push(cmdOf(r));
    const key = cmdOf(r) === 'Sync' && (await collectionsOf(r)).includes(sentItems) ? 'Sync of Sent Items' : cmdOf(r);
    const failure = failing.get(key);
    if (failure === 'http500') return new Response('Internal Server Error', { status: 500 });
    const res = await handle(r);
    if (failure !== 'cut') return res;
    const body = new Uint8Array(await res.arrayBuffer());
    return new Response(body.slice(0, Math.floor(body.length / 2)), {
      status: res.status,
      headers: { 'Content-Type': res.headers.get('Content-Type') ?? '' },
    });
  });
  const account = await engine.addAccount(alice);
  expect(await engine.syncAccount(account.id)).toMatchObject({ ok: true });
  seen.length = 0;
  return { server, store, engine, seen, failing, accountId: account.id, box };
}

const bob = { name: 'Bob', email: 'bob@example.test' };
const mail = (accountId: string, subject: string, extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  accountId,
  to: [bob],
  cc: [],
  bcc: [],
  subject,
  text: `Body of ${subject}`,
  attachments: [],
  ...extra,
});
const received = (server: MockServer, subject: string): number =>
  [...requireFolderOfType(server.mock.world.mailboxes.get('bob') as Mailbox, FolderType.Inbox).store.items.values()].filter(
    (i) => i.data.kind === 'mail' && i.data.subject === subject,
  ).length;
const count = (seen: readonly string[], cmd: string): number => seen.filter((c) => c === cmd).length;

describe('12.1 outbox: Sent Items unreadable when a lost send is checked', () => {
  it('a cut answer to the Sent Items Sync: the mail waits (not sent again), then the next sync finds it sent', async () => {
    const { server, store, engine, seen, failing, accountId } = await setup();
    const id = await engine.queueMail(mail(accountId, 'Checked later'));
    server.control.faults.set({ dropAfter: 1, dropAfterCmd: 'SendMail' });
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect(received(server, 'Checked later')).toBe(1);

    seen.length = 0;
    failing.set('Sync of Sent Items', 'cut');
    await engine.syncAccount(accountId);
    expect([count(seen, 'SendMail'), received(server, 'Checked later')]).toEqual([0, 1]);
    expect((await store.db.get('pending', id))?.payload).toMatchObject({ state: 'queued', unconfirmed: true });

    seen.length = 0;
    failing.clear();
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true, folderErrors: [] });
    expect([count(seen, 'SendMail'), received(server, 'Checked later')]).toEqual([0, 1]);
    expect(await store.db.get('pending', id)).toBeUndefined();
  });

  it('SmartReply whose check fails with a server error: not taken for a refused SmartReply, so no SendMail fallback goes', async () => {
    const { server, store, engine, seen, failing, accountId, box } = await setup();
    const inbox = requireFolderOfType(box, FolderType.Inbox).store;
    const original = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.meeting) as Item;
    const subject = 'Re: checked before a fallback';
    const id = await engine.queueMail(
      mail(accountId, subject, {
        source: { kind: 'reply', ref: { accountId, itemId: await itemIdOf(store, accountId, inbox.id, original.id) }, quoted: false },
      }),
    );
    server.control.faults.set({ dropAfter: 1, dropAfterCmd: 'SmartReply' });
    await engine.syncAccount(accountId);
    expect(received(server, subject)).toBe(1);

    seen.length = 0;
    failing.set('ItemOperations', 'http500'); // the header fetch of the copy found in Sent Items
    await engine.syncAccount(accountId);
    expect([count(seen, 'SmartReply'), count(seen, 'SendMail'), received(server, subject)]).toEqual([0, 0, 1]);
    expect((await store.db.get('pending', id))?.payload as OutboxPayload).toMatchObject({ state: 'queued', unconfirmed: true });
    expect((await store.db.get('pending', id))?.payload as OutboxPayload).not.toHaveProperty('fallback', true);

    failing.clear();
    expect(await engine.syncAccount(accountId)).toMatchObject({ ok: true });
    expect([count(seen, 'SmartReply'), count(seen, 'SendMail'), received(server, subject)]).toEqual([0, 0, 1]);
    expect(await store.db.get('pending', id)).toBeUndefined();
  });
});
