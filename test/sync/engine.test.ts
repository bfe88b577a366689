import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { alice, diffViews, engineFor, journaledStore, localView, mockServer, serverView } from './support.ts';

describe('engine against the mock', () => {
  it('sets up an account and syncs every folder of the four classes', async () => {
    const server = mockServer();
    const { store } = await journaledStore();
    const { engine, events } = engineFor(store, server.handle);
    const account = await engine.addAccount(alice);
    expect(account.version).toBe('16.1');
    const report = await engine.syncAccount(account.id);
    expect(report).toMatchObject({ ok: true, folderErrors: [] });
    expect(diffViews(serverView(server), await localView(store, account.id))).toEqual([]);
    expect(events.some((e) => e.type === 'synced')).toBe(true);
  });
});
