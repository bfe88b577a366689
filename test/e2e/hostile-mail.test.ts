/**
 * The hostile-mail corpus through the real message view in Chromium: sanitizer,
 * sandboxed iframe and CSP together must let no script run and no request out before
 * the user allows remote images; after consent the remote image loads (from a stub).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startAppServer, type AppServer } from './browser.ts';
import { ALL_VECTORS, APP_LINK_VECTORS, FETCH_VECTORS, SCRIPT_VECTORS } from './vectors.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

interface Probe {
  /** Requests that left the page's origin (or asked for /leak on it) without consent. */
  leaks: string[];
  /** Remote requests after consent (served by the stub). */
  consented: string[];
  dialogs: number;
  consoleHits: number;
  consent: boolean;
}

async function scriptRuns(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __xssCount?: number }).__xssCount ?? 0);
}

/** The rendered mail's document: its text and what dangerous markup survived. */
async function frameReport(page: Page, marker: string) {
  await page.waitForFunction(
    (m) => {
      const d = document.querySelector<HTMLIFrameElement>('iframe.mail-frame')?.contentDocument;
      return !!d && d.readyState === 'complete' && !!d.body && d.body.innerHTML.includes(m);
    },
    marker,
    { timeout: 10_000 },
  );
  return page.evaluate(() => {
    const frame = document.querySelector<HTMLIFrameElement>('iframe.mail-frame');
    const d = frame?.contentDocument;
    if (!frame || !d) return { sandbox: '', csp: '', bad: ['no frame'] };
    const bad: string[] = [];
    d.querySelectorAll(
      'script, iframe, frame, object, embed, applet, form, input, button, meta[http-equiv="refresh"], base[href], link, portal, svg, math',
    ).forEach((e) => {
      if (
        !(e.tagName === 'META' && e.getAttribute('http-equiv') === 'Content-Security-Policy') &&
        !(e.tagName === 'BASE' && e.getAttribute('href') === null)
      )
        bad.push(e.tagName);
    });
    d.querySelectorAll('*').forEach((e) => {
      for (const a of Array.from(e.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${e.tagName}@${a.name}`);
        if (
          /^(href|src|action|formaction|xlink:href|background|poster|data)$/i.test(a.name) &&
          /^\s*(javascript|vbscript|data:text)/i.test(a.value)
        )
          bad.push(`${e.tagName}@${a.name}=${a.value.slice(0, 30)}`);
        if (/^(src|srcset|background)$/i.test(a.name) && /^\s*(https?:)?\/\//i.test(a.value)) bad.push(`${e.tagName}@${a.name} remote`);
        if (a.name === 'style' && /evil\.test|tracker\.test/i.test(a.value)) bad.push(`${e.tagName}@style remote`);
      }
      // A link leads only off the app, to an absolute http(s)/mailto/tel target.
      const href = /^(a|area)$/i.test(e.tagName) ? e.getAttribute('href') : null;
      if (href !== null && (!/^(https?:\/\/|mailto:|tel:)/i.test(href) || new URL(href, location.href).origin === location.origin))
        bad.push(`${e.tagName}@href=${href}`);
    });
    d.querySelectorAll('style').forEach((s) => {
      if (/evil\.test|tracker\.test/i.test(s.textContent ?? '')) bad.push(`STYLE remote: ${(s.textContent ?? '').slice(0, 60)}`);
    });
    const csp = d.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    return { sandbox: frame.getAttribute('sandbox') ?? '', csp, bad };
  });
}

describe('hostile mail in Chromium', () => {
  let server: AppServer;
  let browser: Browser;
  let page: Page;
  const probe: Probe = { leaks: [], consented: [], dialogs: 0, consoleHits: 0, consent: false };

  beforeAll(async () => {
    server = await startAppServer();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.addInitScript(() => {
      const w = window as unknown as { __xssCount: number; __xss: () => void };
      w.__xssCount = 0;
      // In every frame; top's counter is the one read.
      w.__xss = () => {
        const top = window.top as unknown as { __xssCount: number };
        top.__xssCount = (top.__xssCount ?? 0) + 1;
        console.log('__XSS__');
      };
    });
    page.on('dialog', (d) => {
      probe.dialogs++;
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.text().includes('__XSS__')) probe.consoleHits++;
    });
    await page.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.origin && !url.pathname.startsWith('/leak')) return route.continue();
      if (probe.consent && url.hostname === 'images.remote.test') {
        probe.consented.push(url.href);
        return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
      }
      probe.leaks.push(url.href);
      return route.abort();
    });
    await page.goto(`${server.origin}/test/e2e/pages/hostile.html`);
    await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready === true, null, { timeout: 30_000 });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('detects a script that does run and a request that does leave (control)', async () => {
    await page.evaluate(() => {
      const f = document.createElement('iframe');
      f.srcdoc = '<script>top.__xss()</script><img src="http://evil.test/control.png">';
      f.id = 'control';
      document.body.append(f);
    });
    await page.waitForFunction(() => ((window as unknown as { __xssCount?: number }).__xssCount ?? 0) > 0);
    await expect.poll(() => probe.leaks.length).toBeGreaterThan(0);
    expect(probe.consoleHits).toBeGreaterThan(0);
    await page.evaluate(() => {
      document.getElementById('control')?.remove();
      (window as unknown as { __xssCount: number }).__xssCount = 0;
    });
    probe.leaks.length = 0;
    probe.consoleHits = 0;
  }, 30_000);

  it(`renders ${ALL_VECTORS.length} hostile vectors with no script run and no request out`, async () => {
    expect(SCRIPT_VECTORS.length + FETCH_VECTORS.length).toBeGreaterThanOrEqual(100);
    const survivors: string[] = [];
    for (const [i, vector] of ALL_VECTORS.entries()) {
      const marker = `marker-${i}-ok`;
      await page.evaluate((html) => window.__showMail(html), `<p>${marker}</p>${vector}`);
      const report = await frameReport(page, marker);
      expect(report.sandbox).not.toContain('allow-scripts');
      expect(report.csp).toContain("default-src 'none'");
      if (report.bad.length > 0) survivors.push(`#${i} ${vector.slice(0, 60)} → ${report.bad.join(', ')}`);
    }
    // Meta refresh, animations, lazy loads and autofocus get time to fire.
    await page.waitForTimeout(1500);
    expect(survivors).toEqual([]);
    expect(await scriptRuns(page)).toBe(0);
    expect(probe.consoleHits).toBe(0);
    expect(probe.dialogs).toBe(0);
    expect(probe.leaks).toEqual([]);
    console.info(
      `hostile corpus: ${ALL_VECTORS.length} vectors (${SCRIPT_VECTORS.length} script, ${FETCH_VECTORS.length} fetch), script runs ${await scriptRuns(page)}, requests out ${probe.leaks.length}`,
    );
  }, 240_000);

  it('offers "Show images" for remote CSS a regular expression missed: image-set(), -webkit-image-set(), @import, @font-face', async () => {
    const cases = [
      `<div style="background:image-set('https://images.remote.test/is.png' 1x);width:9px;height:9px">is</div>`,
      `<style>p.w{background:-webkit-image-set("https://images.remote.test/wis.png" 1x)}</style><p class=w>wis</p>`,
      `<style>@import "https://images.remote.test/sheet.css";</style><p>import</p>`,
      `<style>@font-face{font-family:r;src:url(https://images.remote.test/f.woff2)}</style><p style="font-family:r">font</p>`,
    ];
    for (const [i, html] of cases.entries()) {
      const marker = `css-consent-${i}`;
      await page.evaluate((h) => window.__showMail(h), `<p>${marker}</p>${html}`);
      expect((await frameReport(page, marker)).bad).toEqual([]);
      await page.getByRole('note').getByText('Remote images are blocked').waitFor({ timeout: 5_000 });
    }
    await page.waitForTimeout(300);
    expect(probe.leaks).toEqual([]);
  }, 60_000);

  it('a link that would lead back into the app does nothing when clicked', async () => {
    await page.context().route(/ok\.remote\.test/, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: 'ok' }));
    const opened: string[] = [];
    const onPage = (p: Page) => opened.push(p.url());
    page.context().on('page', onPage);
    const appRequests: string[] = [];
    const onRequest = (r: { url(): string }) => {
      const u = new URL(r.url());
      if (u.origin === server.origin && (u.pathname.startsWith('/proxy') || u.search.includes('reset'))) appRequests.push(u.href);
    };
    page.on('request', onRequest);
    const links = APP_LINK_VECTORS.filter((v) => v.startsWith('<a '));
    await page.evaluate(
      (h) => window.__showMail(h),
      `<p>links-ok</p>${links.map((l, i) => l.replace('<a ', `<a id="l${i}" `)).join('<br>')}<a id="ok" href="https://ok.remote.test/page">ok</a>`,
    );
    expect((await frameReport(page, 'links-ok')).bad).toEqual([]);
    const frame = page.frameLocator('iframe.mail-frame');
    for (const i of links.keys()) await frame.locator(`#user-content-l${i}, #l${i}`).first().click();
    await page.waitForTimeout(500);
    expect(opened).toEqual([]);
    expect(appRequests).toEqual([]);
    // The control: a real external link opens, in a new context without an opener.
    await frame.locator('#user-content-ok, #ok').first().click();
    await expect.poll(() => opened.length, { timeout: 5_000 }).toBe(1);
    const popup = page
      .context()
      .pages()
      .find((p) => p !== page);
    expect(await popup?.evaluate(() => window.opener === null)).toBe(true);
    await popup?.close();
    page.context().off('page', onPage);
    page.off('request', onRequest);
  }, 60_000);

  it('inlines cid: images from the attachment store', async () => {
    await page.evaluate((html) => window.__showMail(html), '<p>cid-ok</p><img id="logo" src="cid:logo@hostile">');
    await frameReport(page, 'cid-ok');
    await page.waitForFunction(() => {
      const img = document
        .querySelector<HTMLIFrameElement>('iframe.mail-frame')
        ?.contentDocument?.getElementById('user-content-logo') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth === 1 && img.src.startsWith('data:image/png;base64,');
    });
    expect(probe.leaks).toEqual([]);
  }, 30_000);

  it('loads remote images only after the user allows them', async () => {
    const html =
      '<p>remote-ok</p><img id="banner" src="https://images.remote.test/banner.png"><div id="bg" style="background:url(https://images.remote.test/bg.png);width:10px;height:10px"></div>';
    await page.evaluate((h) => window.__showMail(h), html);
    await frameReport(page, 'remote-ok');
    await page.getByRole('note').getByText('Remote images are blocked').waitFor();
    await page.waitForTimeout(300);
    expect(probe.leaks).toEqual([]);
    probe.consent = true;
    await page.getByRole('button', { name: 'Show images' }).click();
    await page.waitForFunction(() => {
      const img = document
        .querySelector<HTMLIFrameElement>('iframe.mail-frame')
        ?.contentDocument?.getElementById('user-content-banner') as HTMLImageElement | null;
      return !!img && img.complete && img.naturalWidth === 1;
    });
    expect(probe.consented).toContain('https://images.remote.test/banner.png');
    expect(probe.leaks).toEqual([]);
    expect(await scriptRuns(page)).toBe(0);
  }, 30_000);
});
