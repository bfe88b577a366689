/**
 * Forced Provision: an account set up while Horde demands no policy; then Horde's provisioning
 * hook says `force` and the next sync meets HTTP 449 (at 14.x and 16.0 with a WBXML body of
 * Status 142, where MS-ASPROV 3.2.5.1 wants HTTP 200 with Status 142; at 12.1 an empty body).
 * The engine provisions once (download, acknowledge), repeats the command with the final key,
 * and the sync completes with nothing lost.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quote } from '../../peers/sogo/seed/imap.ts';
import type { Email } from '../../../src/eas/items/email.ts';
import { close, connectClient, folderOfType, items, syncAll, type HordeClient } from './support/client.ts';
import { ALICE, VERSIONS, reseed, setProvisioning, unique, withImap } from './support/peer.ts';

describe('Horde demands provisioning of an account already set up', () => {
  let c: HordeClient | undefined;
  beforeAll(async () => {
    await reseed();
  });
  afterEach(() => {
    if (c) close(c);
    c = undefined;
  });
  afterAll(async () => {
    await setProvisioning('none');
  });

  it.each(VERSIONS)('EAS %s: HTTP 449, one Provision (download and acknowledge), the sync repeated and complete', async (version) => {
    await setProvisioning('none');
    c = await connectClient(ALICE, version);
    await syncAll(c);
    const before = (await c.store.db.get('accounts', c.accountId))?.policyKey;
    expect(before).toBeUndefined();

    await setProvisioning('force');
    const subject = unique('Horde provisioning');
    await withImap(ALICE, async (imap) => {
      const raw = `From: bob@example.test\r\nTo: alice@example.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n\r\nAfter the policy.\r\n`;
      await imap.run(
        `APPEND INBOX () ${quote(new Date().toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1-$2-$3 $4 +0000'))}`,
        Buffer.from(raw),
      );
    });
    const from = c.exchanges.length;
    const { errors } = await syncAll(c);
    expect(Object.keys(errors)).toEqual(version === '16.0' ? ['Calendar'] : []); // sync.test.ts: Kronolith's 16.0 exceptions
    const seen = c.exchanges.slice(from).map((e) => `${e.cmd} ${e.status}`);
    const firstProvision = seen.indexOf('Provision 200');
    expect(firstProvision).toBeGreaterThan(0);
    expect(seen[firstProvision - 1]).toMatch(/ 449$/);
    expect(seen.slice(firstProvision, firstProvision + 2)).toEqual(['Provision 200', 'Provision 200']);
    expect(seen.filter((s) => s.startsWith('Provision'))).toHaveLength(2);
    expect(seen.slice(firstProvision + 2).every((s) => !s.endsWith(' 449'))).toBe(true);
    expect((await c.store.db.get('accounts', c.accountId))?.policyKey).toMatch(/^\d+$/);

    const inbox = await folderOfType(c, 2);
    const mail = (await items(c, inbox.serverId)).filter((i) => (i.data as Email).subject === subject);
    expect(mail.map((i) => (i.data as Email).from?.email)).toEqual(['bob@example.test']);
  });
});
