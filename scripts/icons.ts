/**
 * Renders the app icons (public/icons/*.png) from their SVG sources with Debian's
 * Chromium: `npx tsx scripts/icons.ts`. The PNGs are committed; run this again only
 * after changing an SVG. "any" icons keep the rounded corners on a transparent
 * background; maskable ones are full-bleed with the mark inside the 80 % safe zone.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const DIR = resolve(import.meta.dirname, '../public/icons');
const OUT: readonly { svg: string; png: string; size: number }[] = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  { svg: 'maskable.svg', png: 'maskable-192.png', size: 192 },
  { svg: 'maskable.svg', png: 'maskable-512.png', size: 512 },
  { svg: 'maskable.svg', png: 'apple-touch-icon.png', size: 180 },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox'],
});
try {
  for (const { svg, png, size } of OUT) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const data = `data:image/svg+xml;base64,${readFileSync(resolve(DIR, svg)).toString('base64')}`;
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${data}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    await page.screenshot({ path: resolve(DIR, png), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
