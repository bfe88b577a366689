/**
 * Directory photos of mail senders (sync/sender-photos.ts): ResolveRecipients with
 * Options/Picture (MS-ASCMD 2.2.1.15, 14.1+), each answer kept in the store for a week,
 * "no photo" included, so that a sender is asked for once; none asked below 14.1; all
 * gone with the account.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { portrait } from '../../mocks/picture.ts';
import { photoKey, PHOTO_TTL_MS } from '../../src/store/photos.ts';
import { PHOTOS_PER_ASK } from '../../src/sync/sender-photos.ts';
import { alice, engineFor, journaledStore, mockServer, pinVersion } from './support.ts';

const DATA = { data: { mails: 2, contacts: 0, events: 0, tasks: 0, notes: 0, gal: 10 } } as const;
const INGRID = 'ingrid.halvorsen@example.test';
const BORISLAV = 'borislav.novak@example.test';
const STRANGER = 'stranger@partner.example.com';

async function setup(version?: string) {
  const server = mockServer(DATA);
  const { store } = await journaledStore();
  const commands: string[] = [];
  const handle = version ? pinVersion(server.handle, version) : server.handle;
  const h = engineFor(store, async (r) => {
    commands.push(new URL(r.url).searchParams.get('Cmd') ?? r.method);
    return handle(r);
  });
  const account = await h.engine.addAccount(alice);
  commands.length = 0;
  const kept = async (email: string) => (await store.db.get('meta', photoKey(account.id, email)))?.value;
  return { store, commands, kept, ...h, accountId: account.id };
}

describe('directory photos of senders', () => {
  it('14.1: one ResolveRecipients; the photo, and "none" for a person without one and for a stranger, kept a week', async () => {
    const { engine, accountId, commands, kept, clock } = await setup();
    const answers = await engine.senderPhotos(accountId, ['Ingrid.Halvorsen@example.test', BORISLAV, STRANGER, 'not an address']);
    expect(commands).toEqual(['ResolveRecipients']);
    expect(answers.map((a) => a.email)).toEqual([INGRID, BORISLAV, STRANGER]);
    expect(answers[0]?.data).toEqual(portrait(7));
    expect(answers[1]?.data).toBeUndefined();
    expect(answers[2]?.data).toBeUndefined();

    const ingrid = (await kept(INGRID)) as { checkedAt: number; data?: Uint8Array };
    expect(Object.keys(ingrid).sort()).toEqual(['checkedAt', 'data']);
    expect(ingrid.data).toEqual(portrait(7));
    expect(ingrid.checkedAt).toBeLessThanOrEqual(clock.now());
    expect(ingrid.checkedAt).toBeGreaterThan(clock.now() - 60_000);
    expect(await kept(BORISLAV)).toEqual({ checkedAt: ingrid.checkedAt, data: undefined });
    expect(await kept(STRANGER)).toEqual({ checkedAt: ingrid.checkedAt, data: undefined });

    // Asked again within the week: the kept answers, no request.
    const again = await engine.senderPhotos(accountId, [STRANGER, INGRID]);
    expect(commands).toEqual(['ResolveRecipients']);
    expect(again).toEqual([
      { email: STRANGER, data: undefined },
      { email: INGRID, data: portrait(7) },
    ]);

    // A week later the directory is asked again, and the answer kept anew.
    await clock.sleep(PHOTO_TTL_MS);
    await engine.senderPhotos(accountId, [STRANGER]);
    expect(commands).toEqual(['ResolveRecipients', 'ResolveRecipients']);
    expect(((await kept(STRANGER)) as { checkedAt: number }).checkedAt).toBeGreaterThanOrEqual(ingrid.checkedAt + PHOTO_TTL_MS);
  });

  it('asks for at most PHOTOS_PER_ASK addresses at once; the rest on the next call', async () => {
    const { engine, accountId, commands, kept } = await setup();
    const many = Array.from({ length: PHOTOS_PER_ASK + 3 }, (_, i) => `someone${i}@partner.example.com`);
    expect(await engine.senderPhotos(accountId, many)).toHaveLength(PHOTOS_PER_ASK);
    expect(await kept(many[PHOTOS_PER_ASK] as string)).toBeUndefined();
    expect(await engine.senderPhotos(accountId, many)).toHaveLength(PHOTOS_PER_ASK + 3);
    expect(commands).toEqual(['ResolveRecipients', 'ResolveRecipients']);
    expect(await kept(many[PHOTOS_PER_ASK] as string)).toEqual({ checkedAt: expect.any(Number), data: undefined });
  });

  it('14.0 asks nothing and keeps nothing (no photos before 14.1)', async () => {
    const { engine, accountId, commands, kept } = await setup('14.0');
    expect(await engine.senderPhotos(accountId, [INGRID])).toEqual([]);
    expect(commands).toEqual([]);
    expect(await kept(INGRID)).toBeUndefined();
  });

  it('the kept photos go with the account, and only its own', async () => {
    const { engine, accountId, store, kept } = await setup();
    await engine.senderPhotos(accountId, [INGRID, STRANGER]);
    const other = photoKey('another-account', INGRID);
    await store.commit([{ store: 'meta', op: 'put', value: { key: other, value: { checkedAt: 1 } } }]);
    await engine.removeAccount(accountId);
    expect(await kept(INGRID)).toBeUndefined();
    expect(await kept(STRANGER)).toBeUndefined();
    expect((await store.db.get('meta', other))?.value).toEqual({ checkedAt: 1 });
  });
});
