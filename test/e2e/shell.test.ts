/**
 * The app shell at 390×844 in Chromium (the BUILT app, demo account): the demo's
 * "Demo server" badge takes its own strip and covers none of the mail list, and the
 * in-app "Install app" offer follows Chromium's beforeinstallprompt. Screenshots go to
 * test-results/screenshots/shell-*.png; the settings screen goes through axe-core.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeProblems, launchChromium, PHONE, ROOT, SHOTS, startBuiltServer, type BuiltServer } from './browser.ts';

interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const overlaps = (a: Box, b: Box): boolean => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

async function box(page: Page, selector: string): Promise<Box> {
  return page
    .locator(selector)
    .last()
    .evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right };
    });
}

describe('the app shell in Chromium', () => {
  let server: BuiltServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Its own build directory: the other e2e files build theirs in parallel.
    server = await startBuiltServer(resolve(ROOT, 'test-results/e2e-dist-shell'));
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the demo badge covers no row of the mail list at 390×844, scrolled to the top or the end', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${server.origin}/?demo=1`);
    const list = page.getByRole('listbox', { name: 'Inbox' });
    await list.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByRole('option').count(), { timeout: 30_000 }).toBeGreaterThan(8);
    const badge = await box(page, '.demo-fab');
    const nav = await box(page, 'nav.nav');
    const listBox = await box(page, '.vlist');
    expect(overlaps(badge, listBox)).toBe(false);
    expect(badge.bottom).toBeLessThanOrEqual(nav.top);
    expect(badge.top).toBeGreaterThanOrEqual(listBox.bottom);
    await page.screenshot({ path: resolve(SHOTS, 'shell-demo-badge.png') });

    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(300);
    const last = await box(page, '.vlist [role=option]');
    expect(last.bottom).toBeLessThanOrEqual(badge.top);
    await page.screenshot({ path: resolve(SHOTS, 'shell-demo-badge-end.png') });

    // A desktop: the badge sits at the foot of the navigation rail, clear of its tabs and of the screen.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForTimeout(300);
    const wide = await box(page, '.demo-fab');
    const rail = await box(page, 'nav.nav');
    const tabs = await box(page, 'nav.nav li');
    expect(wide.right).toBeLessThanOrEqual(rail.right);
    expect(wide.top).toBeGreaterThanOrEqual(tabs.bottom);
    expect(overlaps(wide, await box(page, 'main'))).toBe(false);
    await page.screenshot({ path: resolve(SHOTS, 'shell-demo-badge-desktop.png') });
    await context.close();
  }, 120_000);

  it('offers "Install app" in the settings while Chromium says the app is installable', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-US', timezoneId: 'Asia/Tokyo', deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${server.origin}/#/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor({ timeout: 30_000 });
    const install = page.getByRole('button', { name: 'Install app' });
    expect(await install.count()).toBe(0);
    // Chromium's event, as it fires it for an installable app (test profiles are incognito, where it never does).
    const prevented = await page.evaluate(() => {
      const e = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => void ((window as unknown as { prompted?: number }).prompted = 1),
        userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
      });
      dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
    await install.waitFor();
    await page.screenshot({ path: resolve(SHOTS, 'shell-install.png') });
    expect(await axeProblems(page)).toEqual([]);
    await install.click();
    await install.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
    await context.close();
  }, 60_000);
});
