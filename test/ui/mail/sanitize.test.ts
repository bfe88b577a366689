/**
 * The sanitizer's URL rules: links lead only off the app to absolute http(s)/mailto/tel
 * targets; the CSS reader sees every resource a mail's CSS names (url(), image-set(),
 * -webkit-image-set(), @import, @font-face src, in any spelling) with its use, and drops
 * what it cannot read. The whole sanitizer (DOMPurify needs a real DOM) is tested in
 * Chromium: test/e2e/hostile-mail.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cleanDeclarations, cleanStyleSheet, type ResourceUse } from '../../../src/ui/mail/css.ts';
import { linkTarget } from '../../../src/ui/mail/sanitize.ts';

const APP = 'http://127.0.0.1:4173/#/mail/a1/f1';
const CID = 'data:image/png;base64,AAAA';

describe('links in a mail', () => {
  it.each([
    ['https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['HTTP://Example.com', 'http://example.com/'],
    ['mailto:bob@example.test', 'mailto:bob@example.test'],
    ['tel:+81312345678', 'tel:+81312345678'],
  ])('keeps %s as %s', (raw, want) => expect(linkTarget(raw, APP)).toBe(want));

  it.each([
    '/proxy/logout',
    'proxy/logout',
    '#/settings',
    '#',
    '?x=1',
    '',
    'http:/proxy/logout',
    'http:proxy/logout',
    'HTTP:/proxy',
    'http://127.0.0.1:4173/proxy/logout',
    '//127.0.0.1:4173/x',
    'javascript:alert(1)',
    'data:text/html,x',
    'ftp://example.com/',
    'blob:http://127.0.0.1:4173/x',
  ])('drops %j', (raw) => expect(linkTarget(raw, APP)).toBeUndefined());
});

describe('CSS in a mail', () => {
  const seen: [string, ResourceUse][] = [];
  const policy = (raw: string, use: ResourceUse) => {
    seen.push([raw, use]);
    return raw.startsWith('cid:') ? CID : undefined;
  };

  it('sees every resource a sheet names, in every spelling, with its use', () => {
    seen.length = 0;
    const out = cleanStyleSheet(
      '@import "https://evil.test/a.css"; @import url(https://evil.test/b.css) screen;' +
        'a{background:image-set("https://evil.test/1.png" 1x, url(//evil.test/2.png) 2x);color:red}' +
        'b{background-image:-webkit-image-set("https://evil.test/3.png" 1x)}' +
        'i{background:URL( "https://evil.test/4.png" )}' +
        '@font-face{font-family:x;src:url(https://evil.test/f.woff) format("woff")}' +
        'u{background:url(cid:logo@x)}',
      policy,
    );
    expect(seen).toEqual([
      ['https://evil.test/a.css', 'style'],
      ['https://evil.test/b.css', 'style'],
      ['https://evil.test/1.png', 'image'],
      ['//evil.test/2.png', 'image'],
      ['https://evil.test/3.png', 'image'],
      ['https://evil.test/4.png', 'image'],
      ['https://evil.test/f.woff', 'font'],
      ['cid:logo@x', 'image'],
    ]);
    expect(out).not.toMatch(/evil\.test|@import/);
    expect(out).toContain('color:red');
    expect(out).toContain(`url(${CID})`);
  });

  it('drops what the parser cannot read and what runs code', () => {
    const out = cleanDeclarations(
      'color:blue;b\\61ckground:u\\72l(https://evil.test/e.png);width:expression(alert(1));behavior:url(x.htc);-moz-binding:url(x.xml);--v:url(https://evil.test/v.png);height:2px',
      () => undefined,
    );
    expect(out).toBe('color:blue;height:2px');
    expect(
      cleanStyleSheet('@namespace url(https://evil.test/ns); @document url(https://evil.test/){a{color:red}} p{margin:0}', () => undefined),
    ).toBe('p{margin:0}');
  });

  it('writes what the policy keeps (after consent) as url()', () => {
    const keep = (raw: string) => (raw.startsWith('//') ? `https:${raw}` : raw);
    expect(cleanStyleSheet('@import "https://s.test/a.css" screen;p{background:-webkit-image-set("//t.test/a.png" 1x)}', keep)).toBe(
      '@import url(https://s.test/a.css)screen;p{background:-webkit-image-set(url(https://t.test/a.png)1x)}',
    );
  });
});
