/**
 * Search GAL (MS-ASCMD 2.2.1.16) finds bob: SOGo's SQL user source is its address book, so
 * "bob" must come back with the columns the peer filled (test/peers/sogo/README.md, Users).
 * The engine has no search API yet: the command goes through EasClient as the engine's device.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildSearch, parseSearch } from '../../src/eas/commands/search.ts';
import { close, command, connectClient, easClient, type PeerClient } from './support/client.ts';
import { ALICE, BOB, VERSIONS } from './support/peer.ts';

describe.each(VERSIONS)('Search GAL, EAS %s', (version) => {
  let c: PeerClient | undefined;
  afterAll(() => c && close(c));

  it('finds bob, with his name, address, title, phone and company', async () => {
    c = await connectClient(ALICE, version);
    const client = await easClient(c);
    const res = await command(client, buildSearch, parseSearch, { store: 'GAL', query: 'bob', range: { first: 0, last: 9 } });
    expect(res.status).toBe(1);
    const store = res.store;
    expect(store?.status).toBe(1);
    const hits = (store?.results ?? []).map((r) => r.gal);
    expect(hits.map((g) => g?.emailAddress)).toEqual([BOB.email]);
    expect(hits[0]).toMatchObject({
      displayName: BOB.name,
      firstName: 'Bob',
      lastName: 'Example',
      title: 'Product Manager',
      phone: '+49 30 1234502',
      company: 'Example Org',
    });
    expect(store?.total).toBe(1);
  });

  it('finds nobody for a name no one has', async () => {
    c ??= await connectClient(ALICE, version);
    const res = await command(await easClient(c), buildSearch, parseSearch, { store: 'GAL', query: 'zebulon', range: { first: 0, last: 9 } });
    expect(res.status).toBe(1);
    expect(res.store?.results ?? []).toEqual([]);
  });
});
