import { describe, expect, it } from 'vitest';
import { en } from '../../src/ui/i18n/en.ts';
import { ja } from '../../src/ui/i18n/ja.ts';
import { browserLang, createI18n, interpolate } from '../../src/ui/i18n/index.ts';

describe('i18n', () => {
  it('has every English key in Japanese with the same parameters', () => {
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect([key, params(ja[key])]).toEqual([key, params(en[key])]);
  });
  it('follows the browser languages', () => {
    expect(browserLang(['ja-JP', 'en-US'])).toBe('ja');
    expect(browserLang(['de-DE', 'en-GB'])).toBe('en');
    expect(browserLang(['fr'])).toBe('en');
  });
  it('interpolates and formats through Intl', () => {
    expect(interpolate('{a} of {b}', { a: 1, b: 'x' })).toBe('1 of x');
    const d = new Date(2025, 10, 25, 14, 5);
    expect(createI18n('ja').date(d)).toContain('11月25日');
    expect(createI18n('en').date(d)).toContain('Nov 25');
  });
});
