/** The proxy serves the built PWA: types, cache policy, app-shell fallback, validators, and nothing outside dist/. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheControl, contentType, LONG_CACHE, relativePath } from '../../src/proxy/static.ts';
import { HASHED_JS, makeDist, raw, SECRET, startWithMock, type Started } from './support.ts';

let dist: Awaited<ReturnType<typeof makeDist>>;
let s: Started;

beforeAll(async () => {
  dist = await makeDist();
  s = await startWithMock(dist.dist);
});

afterAll(async () => {
  await s.stop();
  await dist.remove();
});

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => raw(s.proxy.url, { method, path, headers });

describe('static files', () => {
  it('serves index.html at / with no-cache, and a hashed asset with a year of cache', async () => {
    const index = await get('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body.toString()).toContain('<title>eas-pwa</title>');
    const js = await get(`/${HASHED_JS}`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe(LONG_CACHE);
    expect(js.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives the manifest its own type and revalidates it and the service worker on every use', async () => {
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.headers['content-type']).toBe('application/manifest+json');
    expect(manifest.headers['cache-control']).toBe('no-cache');
    const sw = await get('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(sw.headers['cache-control']).toBe('no-cache');
  });

  it('answers a page navigation to an unknown path with the app, but a missing script with 404', async () => {
    const nav = await get('/mail/inbox', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    expect(nav.status).toBe(200);
    expect(nav.body.toString()).toContain('<div id="app">');
    expect(nav.headers['cache-control']).toBe('no-cache');
    const navigate = await get('/deep/link', { 'Sec-Fetch-Mode': 'navigate', Accept: '*/*' });
    expect(navigate.status).toBe(200);
    expect((await get('/assets/missing-AbCdEf12.js', { Accept: '*/*', 'Sec-Fetch-Mode': 'no-cors' })).status).toBe(404);
    expect((await get('/nothing.png', { Accept: 'image/*' })).status).toBe(404);
  });

  it('answers 304 to a matching If-None-Match, HEAD with the length only, and 405 to other methods', async () => {
    const first = await get('/');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const again = await get('/', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get('/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBe(first.body.length);
    expect(head.body.length).toBe(0);
    const post = await get('/', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/leak.txt',
    '/secret.txt%00.html',
    '/%E0%A4%A',
  ])('never serves a file outside dist/: %s', async (path) => {
    for (const accept of ['*/*', 'text/html']) {
      const res = await get(path, { Accept: accept });
      expect(res.body.toString()).not.toContain(SECRET);
      expect([200, 400, 404]).toContain(res.status);
      if (res.status === 200) expect(res.body.toString()).toContain('<div id="app">'); // only the app shell, for navigations
    }
  });
});

describe('static helpers', () => {
  it('decodes paths and refuses encoded dot-segments, backslashes and NUL', () => {
    expect(relativePath('/')).toBe('');
    expect(relativePath('/assets/a%20b.js')).toBe('assets/a b.js');
    expect(relativePath('/a/..%2fb')).toBeNull();
    expect(relativePath('/a%5c..%5cb')).toBeNull();
    expect(relativePath('/a%00')).toBeNull();
    expect(relativePath('/%E0%A4%A')).toBeNull();
  });

  it('caches only content-hashed files under assets/ for long', () => {
    expect(cacheControl('assets/index-CshFEUco.js')).toBe(LONG_CACHE);
    expect(cacheControl('assets/index-CshFEUco.js.map')).toBe(LONG_CACHE);
    expect(cacheControl('assets/workbox-window.prod.es5-B9K5rw8f.js')).toBe(LONG_CACHE);
    expect(cacheControl('index.html')).toBe('no-cache');
    expect(cacheControl('sw.js')).toBe('no-cache');
    expect(cacheControl('registerSW.js')).toBe('no-cache');
    expect(cacheControl('assets/logo.svg')).toBe('no-cache');
    expect(cacheControl('icons/icon-AbCdEf12.png')).toBe('no-cache');
  });

  it('knows the types a PWA ships', () => {
    expect(contentType('manifest.webmanifest')).toBe('application/manifest+json');
    expect(contentType('a.woff2')).toBe('font/woff2');
    expect(contentType('a.SVG')).toBe('image/svg+xml');
    expect(contentType('a.wasm')).toBe('application/wasm');
    expect(contentType('LICENSE')).toBe('application/octet-stream');
  });
});
