/**
 * The ten daily features of issue #15 in the BUILT app against the real `eas mock` behind
 * `eas proxy --dist` (both as the commands, in their own processes), in Chromium at 390×844
 * with real touch input. Alice is set up by hand on the set-up screen (the proxy's origin as
 * the server, EAS 16.1), then one page walks each feature and the test reads what the user
 * did from the server (the mock's read-only views, GET /mock-control/mailbox, folders, oof).
 * The same journeys in depth, on the demo: daily, touch, recipients, drafts16, drafts-settings.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ja } from '../../src/i18n/ja.ts';
import { bobSendsAlice } from '../proxy/push-support.ts';
import { axeProblems, englishOnScreen, englishPatterns, launchChromium, PHONE, ROOT, SHOTS, startBuiltServer } from './browser.ts';
import { eas, stopAll, type EasProcess } from './processes.ts';

const DIST = resolve(ROOT, 'test-results/e2e-dist-daily-proxy');
const MINE = ['Reply to me', 'Swipe me', 'Select me', 'And me'];

interface ServerItem {
  id: string;
  subject?: string;
  to?: string[];
  text?: string;
  fields?: Record<string, string>;
}

interface ServerFolder {
  id: string;
  parentId: string;
  name: string;
  type: number;
}

let mock: EasProcess;
let proxy: EasProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let touch: CDPSession;

/** A read-only view of the mock (mocks/views.ts). */
async function view<T>(path: string): Promise<T> {
  const res = await fetch(`${mock.url}/mock-control/${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** What a folder of the mock holds; `bodies` adds each mail's text (the mock makes them on demand: slower). */
const items = async (user: string, folder: string, bodies = false) =>
  (await view<{ items: ServerItem[] }>(`mailbox?user=${user}&folder=${encodeURIComponent(folder)}${bodies ? '&bodies=1' : ''}`)).items;
const withSubject = async (user: string, folder: string, subject: string, bodies = false) =>
  (await items(user, folder, bodies)).filter((m) => m.subject === subject);
const folders = async () => (await view<{ folders: ServerFolder[] }>('folders?user=alice')).folders;

const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

const touchAt = (type: 'touchStart' | 'touchMove' | 'touchEnd', p?: { x: number; y: number }) =>
  touch.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });

/** A finger drawn by (dx, dy) from the middle of `row`, in steps a frame apart. */
async function drag(row: Locator, dx: number, dy: number): Promise<void> {
  const box = await row.boundingBox();
  if (!box) throw new Error('the row is not shown');
  const from = { x: box.x + box.width / 2 - dx / 2, y: box.y + box.height / 2 - (dy > 0 ? box.height / 2 - 2 : 0) };
  await touchAt('touchStart', from);
  for (let i = 1; i <= 12; i++) {
    await page.waitForTimeout(16);
    await touchAt('touchMove', { x: from.x + (dx * i) / 12, y: from.y + (dy * i) / 12 });
  }
  await touchAt('touchEnd');
}

async function longPress(row: Locator): Promise<void> {
  const box = await row.boundingBox();
  if (!box) throw new Error('the row is not shown');
  await touchAt('touchStart', { x: box.x + box.width / 2, y: box.y + box.height / 2 });
  await page.waitForTimeout(800);
  await touchAt('touchEnd');
}

const row = (subject: string) => page.locator('.vlist [role=option]').filter({ has: page.locator('.subject', { hasText: subject }) });

/** Records every text a status shows from now on (a quick refresh shows "Refreshing…" only for a moment). */
async function statusesSaid(): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver(() => {
      for (const s of document.querySelectorAll('[role=status]')) if (s.textContent) said.push(s.textContent.trim());
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { said: string[] }).said);
}

/** Chooses the option whose shown text, indentation aside, is `text`. */
async function choose(label: string, text: string): Promise<void> {
  const select = page.getByRole('combobox', { name: label });
  const options = await select
    .locator('option')
    .evaluateAll((os) => os.map((o) => ({ text: (o.textContent ?? '').trim(), value: (o as HTMLOptionElement).value })));
  const option = options.find((o) => o.text === text);
  if (!option) throw new Error(`no option ${text} in ${label}`);
  await select.selectOption(option.value);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const app = await startBuiltServer(DIST); // this worktree's build, in a directory of its own
  await app.close();
  mock = await eas(['mock', '--port', '0']);
  // Mails of subjects of their own at the top of the Inbox (the seed repeats subjects).
  for (const subject of MINE) await bobSendsAlice(mock.url, subject);
  proxy = await eas(['proxy', '--upstream', mock.url, '--port', '0', '--dist', DIST]);
  // Autodiscover of example.test finds nothing at once: no name leaves loopback.
  browser = await launchChromium(['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']);
  context = await browser.newContext({
    viewport: PHONE,
    locale: 'en-US',
    timezoneId: 'Asia/Tokyo',
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
  });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  touch = await context.newCDPSession(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  stopAll();
});

describe('the ten daily features against eas mock behind eas proxy', () => {
  it('set up by hand: the proxy as the server, EAS 16.1', async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('Email', { exact: true }).fill('alice@example.test');
    await page.getByLabel('Password', { exact: true }).fill('alicepass');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter the server settings' }).waitFor({ timeout: 30_000 });
    await page.getByRole('textbox', { name: /^Server/ }).fill(proxy.url);
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Protocol version').selectOption('16.1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'What to sync' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
      timeout: 30_000,
    });
    await page.getByRole('listbox', { name: 'Inbox' }).getByRole('option').nth(5).waitFor({ timeout: 60_000 });
    const device = (await view<{ devices: { user: string; deviceId: string }[] }>('state')).devices.filter((d) => d.user === 'alice');
    expect(device).toHaveLength(1);
  }, 120_000);

  it('drafts: closed compose keeps the draft, and it is in the server’s Drafts with its body', async () => {
    await go('#/compose/new');
    await page.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Proxy draft');
    await page.getByRole('textbox', { name: 'Message' }).fill('Half of it written');
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved .+; it goes to the Drafts folder on the server\.$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await withSubject('alice', 'Drafts', 'Proxy draft', true)).map((m) => ({ to: m.to, text: m.text?.trim() })), {
        timeout: 30_000,
      })
      .toEqual([{ to: ['bob@example.test'], text: 'Half of it written' }]);

    // Opened from the Drafts list, finished and sent: it leaves Drafts for Sent Items and Bob's Inbox.
    await page.getByRole('button', { name: 'Folders' }).click();
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    await page.getByRole('link').filter({ hasText: 'Proxy draft' }).click();
    const body = page.getByRole('textbox', { name: 'Message' });
    expect(await body.inputValue()).toBe('Half of it written');
    await body.fill('Half of it written, and now the rest.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    const final = [{ to: ['bob@example.test'], text: 'Half of it written, and now the rest.' }];
    const onServer = async (user: string, folder: string) =>
      (await withSubject(user, folder, 'Proxy draft', true)).map((m) => ({ to: m.to, text: m.text?.trim() }));
    await expect.poll(() => onServer('bob', 'Inbox'), { timeout: 30_000 }).toEqual(final);
    expect(await onServer('alice', 'Sent Items')).toEqual(final);
    expect(await onServer('alice', 'Drafts')).toEqual([]);

    // Written offline, it waits on the device and reaches the server's Drafts once online.
    await context.setOffline(true);
    await go('#/compose/new');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Written offline');
    await page.getByRole('textbox', { name: 'Message' }).fill('On the train');
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved / })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    expect(await withSubject('alice', 'Drafts', 'Written offline')).toEqual([]);
    await context.setOffline(false);
    await expect
      .poll(async () => (await withSubject('alice', 'Drafts', 'Written offline', true)).map((m) => m.text?.trim()), { timeout: 30_000 })
      .toEqual(['On the train']);
  }, 60_000);

  it('automatic replies: saved in Settings, the server holds them', async () => {
    await go('#/settings');
    await page.getByText('Automatic replies (out of office)').click();
    const on = page.getByRole('checkbox', { name: 'Send automatic replies' });
    await on.waitFor({ timeout: 30_000 });
    await on.check();
    await page.getByRole('textbox', { name: 'Reply to people in my organization' }).fill('Back on January 4.');
    await page.getByRole('textbox', { name: 'Reply to everyone else' }).fill('Away until January 4.');
    await page.getByRole('button', { name: 'Save automatic replies' }).click();
    await page.getByRole('status').filter({ hasText: 'Automatic replies saved on the server.' }).waitFor({ timeout: 30_000 });
    const oof = await view<{
      state: number;
      internal: { enabled: boolean; text: string };
      externalUnknown: { enabled: boolean; text: string };
    }>('oof?user=alice');
    expect({ state: oof.state, internal: oof.internal.text, external: oof.externalUnknown.text }).toEqual({
      state: 1,
      internal: 'Back on January 4.',
      external: 'Away until January 4.',
    });
    // Nothing of it is kept on the device: after a reload the form comes from the server.
    await page.reload();
    await page.getByText('Automatic replies (out of office)').click();
    await on.waitFor({ timeout: 30_000 });
    expect([await on.isChecked(), await page.getByRole('textbox', { name: 'Reply to people in my organization' }).inputValue()]).toEqual([
      true,
      'Back on January 4.',
    ]);
  }, 60_000);

  it('signature: a reply sent carries it above the quote', async () => {
    await go('#/settings');
    await page.getByRole('textbox', { name: 'Signature added to new mails, replies and forwards' }).fill('Alice Example\nSales');
    await page.getByRole('button', { name: 'Save signature' }).click();
    await page.getByRole('status').filter({ hasText: 'Signature saved.' }).waitFor();
    await go('#/mail');
    await row('Reply to me').click();
    await page.getByRole('link', { name: 'Reply', exact: true }).click();
    await page.getByRole('heading', { name: 'Reply', exact: true }).waitFor();
    const body = page.getByRole('textbox', { name: 'Message' });
    await expect.poll(() => body.inputValue()).toMatch(/^\n\n-- \nAlice Example\nSales\n\nOn .+ wrote:\n> /);
    await body.focus();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Thanks');
    const replySubject = await page.getByRole('textbox', { name: 'Subject' }).inputValue();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Reply', exact: true }).waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await withSubject('alice', 'Sent Items', replySubject, true)).map((m) => m.text?.replace(/\r\n/g, '\n')), {
        timeout: 30_000,
      })
      .toEqual([expect.stringMatching(/^Thanks\n\n-- \nAlice Example\nSales\n\nOn .+ wrote:\n> /)]);
  }, 60_000);

  it('recipients and photos: Bob from the contacts, Borislav from the directory, both get the mail; directory photos; an attendee’s free/busy', async () => {
    await go('#/contacts');
    const bobContact = page.getByRole('listbox', { name: 'Contacts' }).getByRole('option', { name: /Becker, Bob/ });
    await expect.poll(() => bobContact.locator('img').evaluateAll((i) => i.map((x) => (x as HTMLImageElement).naturalWidth))).toEqual([48]);
    // Bob's invitation shows his photo beside the sender.
    await go('#/mail');
    await page
      .getByRole('option', { name: /Project kickoff/ })
      .first()
      .click();
    const head = page.locator('.message-head');
    await head.getByText('Bob Becker <bob@example.test>').waitFor();
    await expect.poll(() => head.locator('img').evaluateAll((i) => i.map((x) => (x as HTMLImageElement).naturalWidth))).toEqual([48]);
    await go('#/compose/new');
    const to = page.getByRole('combobox', { name: 'To', exact: true });
    await to.pressSequentially('bo');
    await page.getByRole('option', { name: /Bob Becker/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('option', { name: /Borislav Novak.*Directory/ }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await to.pressSequentially('bo');
    await page.getByRole('option', { name: /Borislav Novak/ }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Remove Borislav Novak' }).waitFor();
    // A directory photo (gal:Picture) among the suggestions.
    await to.pressSequentially('ken');
    const ken = page.getByRole('option', { name: /ken\.sato@example\.test/ });
    await expect
      .poll(() => ken.locator('img').evaluateAll((i) => i.map((x) => (x as HTMLImageElement).naturalWidth)), { timeout: 30_000 })
      .toEqual([48]);
    await to.fill('');
    await page.getByRole('textbox', { name: 'Subject' }).fill('Picked from the list');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await withSubject('alice', 'Sent Items', 'Picked from the list')).map((m) => m.to), { timeout: 30_000 })
      .toEqual([['bob@example.test', 'borislav.novak@example.test']]);
    await expect.poll(async () => (await withSubject('bob', 'Inbox', 'Picked from the list')).length, { timeout: 30_000 }).toBe(1);

    // Offline: no directory, no error; the contact and the recent recipient still come.
    await context.setOffline(true);
    await go('#/compose/new');
    await to.pressSequentially('bo');
    await page.getByRole('status').filter({ hasText: 'Offline: suggestions from your contacts and recent recipients only.' }).waitFor();
    await expect
      .poll(() => page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').allInnerTexts())
      .toEqual(['Bob Becker\nbob@example.test · Contact', 'BN\nBorislav Novak\nborislav.novak@example.test · Recent']);
    expect(await page.getByRole('alert').count()).toBe(0);
    await to.fill('');
    await context.setOffline(false);

    // An attendee busy at one of his busy events on the server.
    const busy = (await items('bob', 'Calendar')).find(
      (e) => e.fields?.['Calendar:BusyStatus'] === '2' && e.fields['Calendar:AllDayEvent'] !== '1',
    );
    const compact = (s: string) => Date.parse(s.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const tokyo = (t: number) => new Date(t + 9 * 3_600_000).toISOString().slice(0, 16);
    await go('#/event/new');
    await page.getByLabel('Starts', { exact: true }).fill(tokyo(compact(busy?.fields?.['Calendar:StartTime'] ?? '')));
    await page.getByLabel('Ends', { exact: true }).fill(tokyo(compact(busy?.fields?.['Calendar:EndTime'] ?? '')));
    await page.getByRole('combobox', { name: 'Attendees' }).pressSequentially('bo');
    await page.getByRole('option', { name: /Bob Becker/ }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page
      .getByRole('listitem')
      .filter({ has: page.getByRole('button', { name: 'Remove Bob Becker' }) })
      .getByText('Busy at this time')
      .waitFor({ timeout: 30_000 });
  }, 90_000);

  it('touch: a swipe moves a mail to the server’s Archive and Undo brings it back; a long press selects and moves; a pull refreshes', async () => {
    await go('#/settings');
    await page.getByRole('combobox', { name: 'Swipe left' }).selectOption({ label: 'Move to Archive' });
    await go('#/mail');
    await page.locator('#mail-3 .subject').waitFor();
    const [, swiped = '', first = '', second = ''] = MINE;
    await drag(row(swiped), -220, 4);
    await page.getByRole('status').filter({ hasText: 'Moved 1 mail to Archive' }).waitFor();
    await expect.poll(async () => (await withSubject('alice', 'Archive', swiped)).length, { timeout: 30_000 }).toBe(1);
    await page.getByRole('button', { name: 'Undo' }).click();
    await row(swiped).waitFor();
    await expect.poll(async () => (await withSubject('alice', 'Inbox', swiped)).length, { timeout: 30_000 }).toBe(1);
    expect(await withSubject('alice', 'Archive', swiped)).toEqual([]);
    // Swiped again and the page reloaded inside the undo window: the offer is still there and works.
    await drag(row(swiped), -220, 4);
    await page.getByRole('status').filter({ hasText: 'Moved 1 mail to Archive' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Undo' }).click({ timeout: 8_000 });
    await row(swiped).waitFor();
    await expect.poll(async () => (await withSubject('alice', 'Archive', swiped)).length, { timeout: 30_000 }).toBe(0);
    expect((await withSubject('alice', 'Inbox', swiped)).length).toBe(1);

    await longPress(row(first));
    const bar = page.getByRole('toolbar', { name: 'Selected messages' });
    await bar.getByRole('heading', { name: '1 selected' }).waitFor();
    await row(second).tap();
    await bar.getByRole('heading', { name: '2 selected' }).waitFor();
    await bar.getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Moved 2 mails to Archive' }).waitFor();
    await expect
      .poll(async () => (await items('alice', 'Archive')).filter((m) => m.subject === first || m.subject === second).length, {
        timeout: 30_000,
      })
      .toBe(2);

    // Pushed (the engine's Ping through the proxy): a new mail comes in by itself.
    await bobSendsAlice(mock.url, 'Arrives by itself');
    await page.locator('.vlist .subject', { hasText: 'Arrives by itself' }).first().waitFor({ timeout: 30_000 });
    // Manual sync: only the pull brings the new mail in.
    await go('#/settings');
    await page.getByRole('combobox', { name: 'Get new data' }).selectOption('manual');
    await go('#/mail');
    await page.locator('#mail-2 .subject').waitFor();
    const fresh = 'Pulled in';
    await bobSendsAlice(mock.url, fresh);
    const said = await statusesSaid();
    await drag(page.locator('#mail-0'), 0, 260);
    await page.locator('.vlist .subject', { hasText: fresh }).first().waitFor({ timeout: 30_000 });
    expect(await said()).toContain('Refreshing…');
  }, 90_000);

  it('conversations: one row per conversation, opened in place', async () => {
    const toggle = page.getByRole('button', { name: 'Group by conversation' });
    await toggle.click();
    const head = page.locator('button.thread-head').first();
    await head.waitFor({ timeout: 10_000 });
    const n = Number(((await head.locator('.badge').first().textContent()) ?? '').replace(/\D/g, ''));
    expect(n).toBeGreaterThan(1);
    await head.click();
    await expect.poll(() => head.locator('xpath=ancestor::li[1]').locator('.thread-mails .mail-row').count()).toBe(n);
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
  }, 30_000);

  it('subfolders: a contact made in 家族 Family and a task in Errands are in those server folders', async () => {
    const all = await folders();
    const parentOf = (name: string) => all.find((f) => f.id === all.find((c) => c.name === name)?.parentId)?.type;
    expect([parentOf('家族 Family'), parentOf('Errands')]).toEqual([9, 7]); // under Contacts and Tasks
    await go('#/contacts');
    await page.locator('.contact-row').first().waitFor();
    await choose('Folder', '家族 Family');
    await page.getByRole('link', { name: 'New contact' }).click();
    await page.getByLabel('Last name', { exact: true }).fill('Okada');
    await page.getByLabel('First name', { exact: true }).fill('Ren');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Okada, Ren' }).waitFor();
    await go('#/tasks');
    await page.locator('.task-row').first().waitFor();
    await choose('List', 'Errands');
    await page.getByRole('link', { name: 'New task' }).click();
    await page.getByLabel('Task', { exact: true }).fill('Buy milk');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.task-row').filter({ hasText: 'Buy milk' }).waitFor();
    await expect
      .poll(
        async () =>
          (await items('alice', '家族 Family'))
            .filter((c) => c.fields?.['Contacts:LastName'] === 'Okada')
            .map((c) => c.fields?.['Contacts:FirstName']),
        {
          timeout: 30_000,
        },
      )
      .toEqual(['Ren']);
    await expect
      .poll(async () => (await items('alice', 'Errands')).filter((t) => t.fields?.['Tasks:Subject'] === 'Buy milk').length, {
        timeout: 30_000,
      })
      .toBe(1);
  }, 60_000);

  it('dark mode: the main screens pass axe-core', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(22, 25, 29)');
    const problems: string[] = [];
    for (const [hash, ready] of [
      ['#/mail', () => page.locator('#mail-2 .subject').waitFor()],
      ['#/compose/new', () => page.getByRole('heading', { name: 'New message' }).waitFor()],
      ['#/calendar/agenda', () => page.locator('a.event-row').first().waitFor()],
      ['#/contacts', () => page.locator('.contact-row').first().waitFor()],
      ['#/settings', () => page.getByRole('heading', { name: 'Settings' }).first().waitFor()],
    ] as const) {
      await go(hash);
      await ready();
      problems.push(...(await axeProblems(page)).map((p) => `${hash}: ${p}`));
    }
    await page.screenshot({ path: resolve(SHOTS, 'daily-proxy-dark-settings.png') });
    expect(problems).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
  }, 60_000);

  it('Japanese: the main screens show no English', async () => {
    await go('#/settings');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ja');
    await page.getByRole('heading', { name: ja['nav.settings'] }).first().waitFor();
    const patterns = englishPatterns();
    const english: string[] = [];
    for (const [hash, ready] of [
      ['#/settings', () => page.getByRole('heading', { name: ja['nav.settings'] }).first().waitFor()],
      ['#/mail', () => page.getByRole('listbox', { name: '受信トレイ' }).waitFor()],
      ['#/compose/new', () => page.getByRole('heading', { name: ja['mail.compose'] }).waitFor()],
      ['#/calendar/agenda', () => page.locator('a.event-row').first().waitFor()],
      ['#/contacts', () => page.getByRole('listbox', { name: ja['nav.contacts'] }).waitFor()],
      ['#/tasks', () => page.locator('.task-row').first().waitFor()],
    ] as const) {
      await go(hash);
      await ready();
      english.push(...(await englishOnScreen(page, patterns)).map((t) => `${hash}: ${t}`));
    }
    await page.screenshot({ path: resolve(SHOTS, 'daily-proxy-ja-tasks.png') });
    expect(english).toEqual([]);
    await go('#/settings');
    await page.getByRole('combobox', { name: ja['settings.language'] }).selectOption('en');
    await page.getByRole('heading', { name: 'Settings' }).first().waitFor();
  }, 60_000);

  it('drafts below 16: bob’s account at 14.1 keeps its draft on the device, and the server’s Drafts stay without it', async () => {
    await go('#/setup');
    await page.getByLabel('Email', { exact: true }).fill('bob@example.test');
    await page.getByLabel('Password', { exact: true }).fill('bobpass');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Enter the server settings' }).waitFor({ timeout: 30_000 });
    await page.getByRole('textbox', { name: /^Server/ }).fill(proxy.url);
    await page.getByText('Advanced settings').click();
    await page.getByLabel('Protocol version').selectOption('14.1');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Done' }).click({ timeout: 30_000 });
    await page.getByRole('listbox', { name: 'Inbox' }).waitFor({ timeout: 60_000 });
    await go('#/compose/new');
    await page.getByLabel('From').selectOption({ label: 'bob@example.test' });
    await page.getByRole('textbox', { name: 'Subject' }).fill('Kept on this phone');
    await page.getByRole('textbox', { name: 'Message' }).fill('Only here');
    await page
      .getByRole('status')
      .filter({ hasText: /^Draft saved on this device .+\.$/ })
      .waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('heading', { name: 'New message' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Folders' }).click();
    await page.getByRole('region', { name: 'bob@example.test' }).getByRole('link', { name: 'Drafts on this device' }).click();
    await page.getByRole('link').filter({ hasText: 'Kept on this phone' }).waitFor();
    expect(await withSubject('bob', 'Drafts', 'Kept on this phone')).toEqual([]);
  }, 60_000);
});
