/**
 * The journey of the built app through `eas proxy` against a real peer, in Chromium, as a user
 * walks it: manual setup, the initial sync of the Inbox, a mail read in its sandboxed iframe,
 * a mail to bob through the outbox. Shared by the SOGo (pwa-proxy.test.ts) and Horde
 * (horde/pwa-proxy.test.ts) files; each passes its peer's counts and IMAP reader.
 */
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { ALICE, BOB, REPO, eventually, unique, type PeerUser } from './peer.ts';

export const SHOTS = join(REPO, 'test-results/screenshots');

/** What a journey needs of its peer: the screenshot prefix, the seeded Inbox count, and a mailbox reader (IMAP on the peer). */
export interface Peer {
  readonly name: string;
  readonly inboxCount: () => number | undefined;
  readonly countBySubject: (user: PeerUser, mailbox: string, subject: string) => Promise<number>;
}

export const shot = (page: Page, peer: Peer, name: string) => page.screenshot({ path: resolve(SHOTS, `${peer.name}-${name}.png`) });

/**
 * The manual setup as a user does it. Without the vault the user types the proxy's host as the
 * server; with it the server is the app's own origin, filled in and read-only.
 *
 * User "alice" with no @ and an empty Domain: the setup rule (setup/user-name.ts) gives the
 * domain `defaultcontext`, so HTTP Basic and the User parameter carry `defaultcontext\alice`
 * (MS-ASHTTP 2.2.1.1.1.2.5). SOGo's ActiveSync keeps only the part after the backslash as the
 * login, so this signs in as alice (seen with curl: Basic `defaultcontext\alice:alicepass` gets
 * 200 where a wrong password gets 401). The login name is what a SOGo user knows; the rule's
 * live line shows the domain it will send.
 */
export async function setUpAlice(page: Page, peer: Peer, origin: string, vault: boolean, prefix: string, version?: string): Promise<void> {
  await page.goto(`${origin}/`);
  await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
  await page.getByLabel('Email', { exact: true }).fill(ALICE.email);
  await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
  await page.getByRole('button', { name: 'Next' }).click();

  const server = page.getByRole('textbox', { name: /^Server/ });
  await server.waitFor({ timeout: 30_000 });
  if (vault) {
    await page.getByText('keeps your password').waitFor();
    expect(await server.inputValue()).toBe(origin);
    expect(await server.getAttribute('readonly')).not.toBeNull();
  } else {
    // Autodiscover has nothing for example.test: the manual form, filled in as a user would.
    await server.fill(new URL(origin).host);
    await page.getByLabel('Use SSL (https)').uncheck();
  }
  await page.getByLabel('User name', { exact: true }).fill(ALICE.login);
  await page.getByRole('textbox', { name: /^Domain/ }).fill('');
  await page.getByText('defaultcontext').first().waitFor();
  if (version) {
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Protocol version').selectOption(version);
  }
  await shot(page, peer, `${prefix}setup`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Done' }).click();
}

/** The initial sync: the Inbox list holds every seeded mail (aria-setsize: the list is virtual). */
export async function expectInboxSynced(page: Page, peer: Peer, prefix: string): Promise<void> {
  const inbox = page.getByRole('listbox', { name: 'Inbox' });
  await inbox.waitFor({ timeout: 30_000 });
  const expected = peer.inboxCount();
  expect(expected).toBeGreaterThan(0);
  const rows = async () =>
    Number(
      (await inbox
        .getByRole('option')
        .first()
        .getAttribute('aria-setsize', { timeout: 1000 })
        .catch(() => '0')) ?? '0',
    );
  await expect.poll(rows, { timeout: 45_000 }).toBe(expected);
  await shot(page, peer, `${prefix}inbox`);
}

/** A mail: its body in the sandboxed iframe (no allow-scripts). */
export async function readFirstMail(page: Page, peer: Peer, prefix: string): Promise<void> {
  await page.getByRole('listbox', { name: 'Inbox' }).getByRole('option').first().click();
  const frame = page.locator('iframe.mail-frame');
  await frame.waitFor({ timeout: 30_000 });
  expect(await frame.getAttribute('sandbox')).not.toContain('allow-scripts');
  await page.waitForFunction(
    () => (document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument?.body?.innerText.trim() ?? '').length > 0,
    null,
    { timeout: 30_000 },
  );
  await shot(page, peer, `${prefix}mail`);
}

/** A new mail to bob, through the outbox and SendMail; it reaches bob once, and alice's Sent once. */
export async function sendToBob(page: Page, peer: Peer, label: string, prefix: string): Promise<void> {
  const subject = unique(label);
  await page.getByRole('link', { name: 'New message' }).click();
  await page.getByLabel('To', { exact: true }).fill(BOB.email);
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Message', { exact: true }).fill(`Hello Bob,\n\nsent from the PWA through ${label}.\n`);
  await shot(page, peer, `${prefix}compose`);
  await page.getByRole('button', { name: 'Send' }).click();
  await eventually(
    `"${subject}" in bob's IMAP Inbox`,
    async () => ((await peer.countBySubject(BOB, 'INBOX', subject)) > 0 ? true : undefined),
    45_000,
  );
  expect(await peer.countBySubject(BOB, 'INBOX', subject)).toBe(1);
  // SaveInSentItems (MS-ASCMD 2.2.3.157): the server filed one copy in alice's Sent.
  expect(await peer.countBySubject(ALICE, 'Sent', subject)).toBe(1);
  await shot(page, peer, `${prefix}sent`);
}

/** The protocol version of the one account, from the app's IndexedDB. */
export function accountVersion(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const done = <T>(r: IDBRequest<T>): Promise<T> =>
      new Promise((ok, no) => {
        r.onsuccess = () => ok(r.result);
        r.onerror = () => no(r.error);
      });
    const names = (await indexedDB.databases()).map((d) => d.name ?? '');
    for (const name of names) {
      const db = await done(indexedDB.open(name));
      const found = db.objectStoreNames.contains('accounts') ? await done(db.transaction('accounts').objectStore('accounts').getAll()) : [];
      db.close();
      if (found.length > 0) return (found as { version?: unknown }[]).map((a) => a.version);
    }
    return [];
  });
}
