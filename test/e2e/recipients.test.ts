/**
 * Recipient autocomplete (issue 15 item 4) in real Chromium at 390×844, the BUILT app
 * (the engine in the service worker) on the demo server, in English and Japanese:
 * - typing "bo" in To shows Bob from the contacts at once, while the directory is still
 *   being asked (the mock answers slowly); a person only the directory knows comes after;
 * - picked with the keyboard (arrows, Enter, Tab) as chips; the server gets both addresses;
 * - offline: no error, a quiet note, the contacts and the recent recipients still suggested;
 * - an attendee shows whether they are busy at the event's time (ResolveRecipients Availability);
 * - photos (issue 15 item 10): a contact's own (Contacts:Picture) in the contact list, the
 *   mail view's sender and the suggestions, the directory's (gal:Picture) in the
 *   suggestions; initials for people without one.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import {
  axeProblems,
  englishOnScreen,
  englishPatterns,
  launchChromium,
  PHONE,
  ROOT,
  SHOTS,
  startBuiltServer,
  type BuiltServer,
} from './browser.ts';

interface ServerItem {
  subject?: string;
  to?: string[];
  fields?: Record<string, string>;
}

function serverItems(page: Page, user: string, folder: string): Promise<ServerItem[]> {
  return page.evaluate(
    async ([u, f]) =>
      ((await (await fetch(`/__demo/mailbox?user=${u}&folder=${encodeURIComponent(f ?? '')}`)).json()) as { items: ServerItem[] }).items,
    [user, folder],
  );
}

async function setFaults(page: Page, spec: string): Promise<void> {
  await page.evaluate(async (s) => void (await fetch('/mock-control/faults', { method: 'POST', body: JSON.stringify({ spec: s }) })), spec);
}

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash);

/** A phone on the demo account (alice), its contacts synced (Bob Becker among them). */
async function demoPhone(
  browser: Browser,
  origin: string,
  locale = 'en-US',
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale, timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1, colorScheme });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/?demo=1`);
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  await page.getByRole('listbox', { name: /^(Inbox|受信トレイ)$/ }).waitFor({ timeout: 60_000 });
  await go(page, '#/contacts');
  await page.getByText('Becker, Bob').waitFor({ timeout: 60_000 });
  return { context, page };
}

/** 'YYYY-MM-DDTHH:mm' in Tokyo (the contexts' zone), for datetime-local inputs. */
const tokyoInput = (t: number) => new Date(t + 9 * 3_600_000).toISOString().slice(0, 16);
/** EAS compact dates (20261207T060000Z) to ms. */
const compact = (s: string) => Date.parse(s.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));

type Texts = Record<keyof typeof en, string>;

/** The natural width of each <img> inside the locator (0 for an image that did not load). */
const imageWidths = (where: ReturnType<Page['locator']>) =>
  where.locator('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));

describe('recipient autocomplete in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Its own build directory: the other e2e files build theirs in parallel.
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-recipients'));
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Types "bo" in To: Bob from the contacts while the directory is asked, then the directory's Borislav. */
  async function typeBo(page: Page, t: Texts): Promise<void> {
    const to = page.getByRole('combobox', { name: t['mail.to'], exact: true });
    // The directory answers slowly now: what is shown before its answer is local.
    await setFaults(page, 'latency=3000');
    await to.pressSequentially('bo');
    const list = page.getByRole('listbox', { name: t['recipients.suggestions'] });
    await list.getByRole('option', { name: /Bob Becker/ }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: t['recipients.searching'] }).count()).toBe(1);
    expect(await list.getByRole('option').allInnerTexts()).toEqual([`Bob Becker\nbob@example.test · ${t['recipients.fromContacts']}`]);
    expect(await to.getAttribute('aria-expanded')).toBe('true');
    await list.getByRole('option', { name: /Borislav Novak/ }).waitFor({ timeout: 30_000 });
    await setFaults(page, 'latency=0');
    expect(await list.getByRole('option').allInnerTexts()).toEqual([
      `Bob Becker\nbob@example.test · ${t['recipients.fromContacts']}`,
      `BN\nBorislav Novak\nborislav.novak@example.test · ${t['recipients.fromDirectory']}`,
    ]);
    expect(await page.getByRole('status').filter({ hasText: t['recipients.searching'] }).count()).toBe(0);
  }

  /** Picks Bob with ArrowDown + Enter, then Borislav (typed again) with ArrowDown + Tab. */
  async function pickBoth(page: Page, t: Texts): Promise<void> {
    const to = page.getByRole('combobox', { name: t['mail.to'], exact: true });
    await page.keyboard.press('ArrowDown');
    const bob = page.getByRole('option', { name: /Bob Becker/ });
    expect(await bob.getAttribute('aria-selected')).toBe('true');
    expect(await to.getAttribute('aria-activedescendant')).toBe(await bob.getAttribute('id'));
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: t['recipients.remove'].replace('{name}', 'Bob Becker') }).waitFor();
    expect(await to.inputValue()).toBe('');
    expect(await to.getAttribute('aria-expanded')).toBe('false');
    // Bob is chosen: no longer suggested.
    await to.pressSequentially('bo');
    const borislav = page.getByRole('option', { name: /Borislav Novak/ });
    await borislav.waitFor({ timeout: 30_000 });
    expect(await page.getByRole('option').count()).toBe(1);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.getByRole('button', { name: t['recipients.remove'].replace('{name}', 'Borislav Novak') }).waitFor();
    expect(await to.evaluate((el) => el === document.activeElement)).toBe(true);
  }

  async function sendAndCheck(page: Page, t: Texts, subject: string): Promise<void> {
    await page.getByRole('textbox', { name: t['mail.subject'] }).fill(subject);
    await page.getByRole('textbox', { name: t['mail.body'] }).fill('Hello');
    await page.getByRole('button', { name: t['mail.send'] }).click();
    await page.getByRole('heading', { name: t['mail.compose'] }).waitFor({ state: 'detached' });
    await expect
      .poll(async () => (await serverItems(page, 'alice', 'Sent Items')).filter((m) => m.subject === subject).map((m) => m.to), {
        timeout: 30_000,
      })
      .toEqual([['bob@example.test', 'borislav.novak@example.test']]);
    expect((await serverItems(page, 'bob', 'Inbox')).filter((m) => m.subject === subject)).toHaveLength(1);
  }

  it('To: contacts at once, the directory after, picked with the keyboard, sent to both; offline suggests without the directory', async () => {
    const { context, page } = await demoPhone(browser, server.origin);
    await go(page, '#/compose/new');
    await typeBo(page, en);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'recipients-suggestions.png') });
    await pickBoth(page, en);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'recipients-chips.png') });
    await sendAndCheck(page, en, 'Autocomplete test');

    // Offline: no directory, no error; the contacts and who was written to (Borislav) still come.
    await context.setOffline(true);
    await go(page, '#/compose/new');
    const to = page.getByRole('combobox', { name: 'To', exact: true });
    await to.pressSequentially('bo');
    await page.getByRole('status').filter({ hasText: en['recipients.offline'] }).waitFor();
    const options = page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option');
    // Both written to once, by the same mail: the contact first.
    await expect
      .poll(() => options.allInnerTexts())
      .toEqual(['Bob Becker\nbob@example.test · Contact', 'BN\nBorislav Novak\nborislav.novak@example.test · Recent']);
    expect(await page.getByRole('alert').count()).toBe(0);
    // Escape closes the list; the text stays.
    await page.keyboard.press('Escape');
    expect(await to.getAttribute('aria-expanded')).toBe('false');
    expect(await to.inputValue()).toBe('bo');
    await context.close();
  }, 240_000);

  it('宛先: the same in Japanese, no English left on screen', async () => {
    const { context, page } = await demoPhone(browser, server.origin, 'ja-JP');
    await go(page, '#/compose/new');
    await typeBo(page, ja);
    expect(await axeProblems(page)).toEqual([]);
    expect(await englishOnScreen(page, englishPatterns())).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'recipients-suggestions-ja.png') });
    await pickBoth(page, ja);
    await sendAndCheck(page, ja, '候補のテスト');
    await context.close();
  }, 240_000);

  for (const [lang, t, locale] of [
    ['en', en, 'en-US'],
    ['ja', ja, 'ja-JP'],
  ] as const) {
    it(`attendees (${lang}): a colleague busy at the event's time says so, free at another time`, async () => {
      const { context, page } = await demoPhone(browser, server.origin, locale);
      // One of Bob's busy events on the server.
      const busy = (await serverItems(page, 'bob', 'Calendar')).find(
        (e) => e.fields?.['Calendar:BusyStatus'] === '2' && e.fields['Calendar:AllDayEvent'] !== '1',
      );
      const start = compact(busy?.fields?.['Calendar:StartTime'] ?? '');
      const end = compact(busy?.fields?.['Calendar:EndTime'] ?? '');
      await go(page, '#/event/new');
      await page.getByLabel(t['cal.start'], { exact: true }).fill(tokyoInput(start));
      await page.getByLabel(t['cal.end'], { exact: true }).fill(tokyoInput(end));
      const attendees = page.getByRole('combobox', { name: t['cal.attendees'] });
      expect(await attendees.getAttribute('aria-describedby')).toBe('attendees-hint');
      await attendees.pressSequentially('bo');
      await page.getByRole('option', { name: /Bob Becker/ }).waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const chip = page
        .getByRole('listitem')
        .filter({ has: page.getByRole('button', { name: t['recipients.remove'].replace('{name}', 'Bob Becker') }) });
      await chip.getByText(t['recipients.busy']).waitFor({ timeout: 30_000 });
      expect(await axeProblems(page)).toEqual([]);
      await page.screenshot({ path: resolve(SHOTS, `recipients-attendee-busy-${lang}.png`) });
      // Years ahead at night: free.
      const night = Date.UTC(2031, 0, 7, 18);
      await page.getByLabel(t['cal.start'], { exact: true }).fill(tokyoInput(night));
      await page.getByLabel(t['cal.end'], { exact: true }).fill(tokyoInput(night + 3_600_000));
      await chip.getByText(t['recipients.free']).waitFor({ timeout: 30_000 });
      await context.close();
    }, 240_000);
  }

  it('photos: round avatars from the contacts and the directory, initials without one (dark theme)', async () => {
    const { context, page } = await demoPhone(browser, server.origin, 'en-US', 'dark');
    // The contact list: Bob's own photo; Carol has none.
    const contacts = page.getByRole('listbox', { name: 'Contacts' });
    const bob = contacts.getByRole('option', { name: /Becker, Bob/ });
    await expect.poll(() => imageWidths(bob)).toEqual([48]);
    await page.screenshot({ path: resolve(SHOTS, 'photos-contacts.png') });
    await page.getByRole('searchbox', { name: en['contacts.search'] }).fill('carol');
    const carol = page.getByRole('link', { name: /中村 キャロル/ });
    await carol.waitFor();
    expect(await imageWidths(carol)).toEqual([]);
    expect(await carol.locator('.avatar').innerText()).toBe('中');
    expect(await axeProblems(page)).toEqual([]);

    // The mail view: Bob's invitation shows his photo beside the sender.
    await go(page, '#/mail');
    await page
      .getByRole('option', { name: /Project kickoff/ })
      .first()
      .click();
    const head = page.locator('.message-head');
    await head.getByText('Bob Becker <bob@example.test>').waitFor();
    await expect.poll(() => imageWidths(head)).toEqual([48]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'photos-mail.png') });

    // Suggestions: Bob's from his contact, 佐藤 健's from the directory; Borislav's initials.
    await go(page, '#/compose/new');
    const to = page.getByRole('combobox', { name: 'To', exact: true });
    await to.pressSequentially('bo');
    const borislav = page.getByRole('option', { name: /Borislav Novak/ });
    await borislav.waitFor({ timeout: 30_000 });
    expect(await imageWidths(page.getByRole('option', { name: /Bob Becker/ }))).toEqual([48]);
    expect(await imageWidths(borislav)).toEqual([]);
    expect(await borislav.innerText()).toMatch(/^BN\n/);
    await to.fill('');
    await to.pressSequentially('ken');
    const ken = page.getByRole('option', { name: /ken\.sato@example\.test/ });
    await ken.waitFor({ timeout: 30_000 });
    await expect.poll(() => imageWidths(ken)).toEqual([48]);
    expect(await axeProblems(page)).toEqual([]);
    await page.screenshot({ path: resolve(SHOTS, 'photos-suggestions.png') });
    // A chip in the dark theme passes axe too.
    await to.fill('');
    await to.pressSequentially('bo');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Remove Bob Becker' }).waitFor();
    expect(await axeProblems(page)).toEqual([]);
    await context.close();
  }, 240_000);
});
