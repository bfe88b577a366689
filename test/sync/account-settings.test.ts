import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decodeEas, encodeEas } from '../../src/eas/wbxml.ts';
import { kid, type El } from '../../src/wbxml/tree.ts';
import { alice, engineFor, journaledStore, mockServer } from './support.ts';

async function setup() {
  const server = mockServer();
  const { store } = await journaledStore();
  const h = engineFor(store, server.handle);
  const account = await h.engine.addAccount(alice);
  return { server, store, ...h, account };
}

describe('signature', () => {
  it('is kept with the account; blank removes it', async () => {
    const { engine, store, account } = await setup();
    await engine.setSignature(account.id, { text: '<b>Alice</b>', html: true });
    expect((await store.db.get('accounts', account.id))?.signature).toEqual({ text: '<b>Alice</b>', html: true });
    await engine.setSignature(account.id, { text: '  \n', html: false });
    expect((await store.db.get('accounts', account.id))?.signature).toBeUndefined();
  });
});

describe('automatic replies (Settings Oof)', () => {
  it('a window, two texts: set on the server, read back as set; off keeps the texts', async () => {
    const { engine, server, account } = await setup();
    expect(await engine.getOof(account.id)).toEqual({ enabled: false, start: undefined, end: undefined, internal: '', external: '' });
    const start = Date.UTC(2026, 11, 24, 0);
    const end = Date.UTC(2027, 0, 4, 0);
    await engine.setOof(account.id, { enabled: true, start, end, internal: 'Back on the 4th.', external: 'I am away until January 4.' });
    // The server's own record: time-based, each audience with its text.
    const oof = server.mock.world.users.get('alice')?.oof;
    expect(oof).toMatchObject({
      state: 2,
      start,
      end,
      internal: { enabled: true, text: 'Back on the 4th.' },
      externalKnown: { enabled: true, text: 'I am away until January 4.' },
      externalUnknown: { enabled: true, text: 'I am away until January 4.' },
    });
    expect(await engine.getOof(account.id)).toEqual({
      enabled: true,
      start,
      end,
      internal: 'Back on the 4th.',
      external: 'I am away until January 4.',
    });

    await engine.setOof(account.id, { enabled: true, internal: 'Away.', external: '' });
    expect(await engine.getOof(account.id)).toEqual({ enabled: true, start: undefined, end: undefined, internal: 'Away.', external: '' });
    await engine.setOof(account.id, { enabled: false, internal: 'Away.', external: '' });
    expect(await engine.getOof(account.id)).toEqual({ enabled: false, start: undefined, end: undefined, internal: 'Away.', external: '' });
    expect(server.mock.world.users.get('alice')?.oof).toMatchObject({ state: 0, internal: { enabled: false, text: 'Away.' } });
  });

  it('offline: a SyncError, nothing sent', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    let down = false;
    const h = engineFor(store, (r) => (down ? Promise.reject(new TypeError('Failed to fetch')) : server.handle(r)));
    const account = await h.engine.addAccount(alice);
    down = true;
    await expect(h.engine.getOof(account.id)).rejects.toMatchObject({ name: 'SyncError', kind: 'unreachable' });
    await expect(h.engine.setOof(account.id, { enabled: true, internal: 'x', external: 'y' })).rejects.toMatchObject({
      kind: 'unreachable',
    });
  });

  it('a server that answers Settings without Oof (SOGo with SOGoVacationEnabled = NO) is an error, not "off" or "saved"', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    // The server's answer with its Oof element taken out: Settings Status 1 and nothing else.
    const withoutOof = async (r: Request): Promise<Response> => {
      const res = await server.handle(r);
      if (!r.url.includes('Cmd=Settings')) return res;
      const tree = decodeEas(new Uint8Array(await res.arrayBuffer()));
      tree.children.splice(0, tree.children.length, ...(tree.children as El[]).filter((c) => c.name !== 'Oof'));
      expect(kid(tree, 'Oof')).toBeUndefined();
      return new Response(encodeEas(tree).slice(), { status: 200, headers: res.headers });
    };
    const h = engineFor(store, withoutOof);
    const account = await h.engine.addAccount(alice);
    const unsupported = { name: 'SyncError', kind: 'server', message: expect.stringMatching(/does not offer automatic replies/) };
    await expect(h.engine.getOof(account.id)).rejects.toMatchObject(unsupported);
    await expect(h.engine.setOof(account.id, { enabled: true, internal: 'Away.', external: '' })).rejects.toMatchObject(unsupported);
  });

  it('a period that ends before it starts is refused before anything is sent', async () => {
    const { engine, account } = await setup();
    await expect(engine.setOof(account.id, { enabled: true, start: 2_000, end: 1_000, internal: 'x', external: 'y' })).rejects.toThrow(
      /after their start/,
    );
    expect((await engine.getOof(account.id)).enabled).toBe(false);
  });
});

describe('drafts on this device', () => {
  it('are kept, replaced, deleted, and go with their account', async () => {
    const { engine, store, account } = await setup();
    const draft = {
      id: 'd1',
      accountId: account.id,
      mode: 'new' as const,
      to: 'bob@example.test',
      cc: '',
      bcc: '',
      subject: 'Plan',
      text: 'First',
      attachments: [],
      savedAt: 1,
    };
    await engine.saveDraft(draft);
    await engine.saveDraft({ ...draft, text: 'Second', savedAt: 2 });
    await engine.saveDraft({ ...draft, id: 'd2', subject: 'Other' });
    const all = async () =>
      (await store.db.getAll('meta'))
        .filter((m) => m.key.startsWith('draft:'))
        .map((m) => m.value as typeof draft)
        .map((d) => [d.id, d.subject, d.text]);
    expect(await all()).toEqual([
      ['d1', 'Plan', 'Second'],
      ['d2', 'Other', 'First'],
    ]);
    await engine.deleteDraft(account.id, 'd2');
    expect(await all()).toEqual([['d1', 'Plan', 'Second']]);
    await engine.removeAccount(account.id);
    expect(await all()).toEqual([]);
  });
});
