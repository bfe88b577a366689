/**
 * Search GAL (MS-ASCMD 2.2.1.16) through the engine finds bob: SOGo's SQL user source is its
 * address book, so "bob" must come back with the columns the peer filled
 * (test/peers/sogo/README.md, Users).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, connectClient, type PeerClient } from './support/client.ts';
import { ALICE, BOB, VERSIONS } from './support/peer.ts';

describe.each(VERSIONS)('Search GAL, EAS %s', (version) => {
  let c: PeerClient;
  beforeAll(async () => {
    c = await connectClient(ALICE, version);
  });
  afterAll(() => close(c));

  it('finds bob, with his name, address, title, phone and company', async () => {
    const res = await c.engine.searchGal(c.accountId, 'bob');
    expect(res.entries.map((g) => g.emailAddress)).toEqual([BOB.email]);
    expect(res.entries[0]).toMatchObject({
      displayName: BOB.name,
      firstName: 'Bob',
      lastName: 'Example',
      title: 'Product Manager',
      phone: '+49 30 1234502',
      company: 'Example Org',
    });
    expect(res.total).toBe(1);
  });

  it('finds nobody for a name no one has', async () => {
    const res = await c.engine.searchGal(c.accountId, 'zebulon');
    expect(res.entries).toEqual([]);
  });
});
