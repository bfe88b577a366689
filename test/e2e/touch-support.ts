/** Real touch input on the demo app at phone size (CDP Input.dispatchTouchEvent), and the demo server's view of a folder. */
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { PHONE } from './browser.ts';

export interface ServerMail {
  id: string;
  subject?: string;
  from?: string;
  /** DateReceived, ms since the epoch. */
  date?: number;
  read?: boolean;
  flagged?: boolean;
}

export interface Point {
  x: number;
  y: number;
}

export function serverMails(page: Page, folder = 'Inbox'): Promise<ServerMail[]> {
  return page.evaluate(
    async (f) =>
      ((await (await fetch(`/__demo/mailbox?user=alice&folder=${encodeURIComponent(f)}`)).json()) as { items: ServerMail[] }).items,
    folder,
  );
}

export async function folderNamed(page: Page, type: number): Promise<string> {
  const { folders } = await page.evaluate(
    async () => (await (await fetch('/__demo/folders?user=alice')).json()) as { folders: { name: string; type: number }[] },
  );
  const found = folders.find((f) => f.type === type);
  if (!found) throw new Error(`no folder of type ${type}`);
  return found.name;
}

/** Waits until the server's folder satisfies `ok` (the engine in the worker sends edits on its own); fails after `ms`. */
export async function serverUntil(page: Page, folder: string, ok: (mails: ServerMail[]) => boolean, ms = 60_000): Promise<ServerMail[]> {
  const end = Date.now() + ms;
  for (;;) {
    const mails = await serverMails(page, folder);
    if (ok(mails)) return mails;
    if (Date.now() > end) throw new Error(`the server's ${folder} did not reach the state awaited`);
    await page.waitForTimeout(200);
  }
}

export async function demoPhone(
  browser: Browser,
  origin: string,
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page; touch: CDPSession }> {
  const context = await browser.newContext({
    viewport: PHONE,
    locale,
    timezoneId: 'Asia/Tokyo',
    deviceScaleFactor: 1,
    hasTouch: true,
    isMobile: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${origin}/?demo=1`);
  await page.waitForFunction(() => document.documentElement.dataset['engine'] === 'sw' && !!navigator.serviceWorker.controller, null, {
    timeout: 30_000,
  });
  await page.getByRole('listbox', { name: /^(Inbox|受信トレイ)$/ }).waitFor({ timeout: 60_000 });
  await page.locator('#mail-2 .subject').waitFor();
  return { context, page, touch: await context.newCDPSession(page) };
}

export const touchAt = (touch: CDPSession, type: 'touchStart' | 'touchMove' | 'touchEnd', p?: Point) =>
  touch.send('Input.dispatchTouchEvent', { type, touchPoints: p ? [{ x: p.x, y: p.y }] : [] });

/** A finger drawn from `from` to `to` in steps a frame apart. */
export async function drag(page: Page, touch: CDPSession, from: Point, to: Point, steps = 12): Promise<void> {
  await touchAt(touch, 'touchStart', from);
  for (let i = 1; i <= steps; i++) {
    await page.waitForTimeout(16);
    await touchAt(touch, 'touchMove', { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps });
  }
  await touchAt(touch, 'touchEnd');
}

export async function longPress(page: Page, touch: CDPSession, at: Point): Promise<void> {
  await touchAt(touch, 'touchStart', at);
  await page.waitForTimeout(800);
  await touchAt(touch, 'touchEnd');
}

/** Swipes the element towards `side` past the threshold, a finger across its middle. */
export async function swipeOver(
  page: Page,
  touch: CDPSession,
  box: { x: number; y: number; width: number; height: number },
  side: 'left' | 'right',
) {
  const c = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const dx = side === 'left' ? -220 : 220;
  await drag(page, touch, { x: c.x - dx / 2, y: c.y }, { x: c.x + dx / 2, y: c.y + 4 });
}
