import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { ja } from '../../src/i18n/ja.ts';
import { browserLang, createI18n, interpolate } from '../../src/ui/i18n/index.ts';
import { folderName } from '../../src/ui/mail/folders.ts';

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
  it('counts read naturally: one and many in English, one form in Japanese', () => {
    const en1 = createI18n('en');
    const ja1 = createI18n('ja');
    expect(en1.t('cal.reminderHours', { count: 1 })).toBe('1 hour before');
    expect(en1.t('cal.reminderHours', { count: 2 })).toBe('2 hours before');
    expect(en1.t('cal.reminderMinutes', { count: 1 })).toBe('1 minute before');
    expect(en1.t('cal.reminderDays', { count: 1 })).toBe('1 day before');
    expect(en1.t('mail.outboxAttempts', { count: 1 })).toBe('Tried once');
    expect(en1.t('mail.outboxAttempts', { count: 3 })).toBe('Tried 3 times');
    expect(en1.t('inspector.bytes', { count: '1' })).toBe('1 byte');
    expect(en1.t('inspector.bytes', { count: '1,024' })).toBe('1,024 bytes');
    expect(ja1.t('cal.reminderHours', { count: 1 })).toBe('1 時間前');
    expect(ja1.t('cal.reminderHours', { count: 5 })).toBe('5 時間前');
  });
  it('says how long ago in words, singular included', () => {
    const now = new Date(2025, 10, 25, 14, 0);
    expect(createI18n('en').relative(new Date(now.getTime() - 3_600_000), now)).toBe('1 hour ago');
    expect(createI18n('en').relative(new Date(now.getTime() - 60_000), now)).toBe('1 minute ago');
    expect(createI18n('ja').relative(new Date(now.getTime() - 3_600_000), now)).toBe('1 時間前');
  });
  it('says when the last sync was in a sentence that reads for "now" too', () => {
    const now = new Date(2025, 10, 25, 14, 0);
    const said = (lang: 'en' | 'ja', ago: number) => {
      const i = createI18n(lang);
      return i.t('status.synced', { time: i.relative(new Date(now.getTime() - ago), now) });
    };
    expect([said('en', 0), said('en', 300_000)]).toEqual(['Synced now', 'Synced 5 minutes ago']);
    expect([said('ja', 0), said('ja', 300_000)]).toEqual(['最終同期: 今', '最終同期: 5 分前']);
  });
  it('names the default folders by type in the UI language and keeps user and shared folder names', () => {
    const ja1 = createI18n('ja');
    const en1 = createI18n('en');
    const f = (type: number, displayName: string, owner?: string) => ({ type, displayName, owner });
    expect([2, 5, 3, 4, 6, 8, 9, 7].map((type) => folderName(f(type, 'x'), ja1))).toEqual([
      '受信トレイ',
      '送信済みアイテム',
      '下書き',
      '削除済みアイテム',
      '送信トレイ',
      '予定表',
      '連絡先',
      'タスク',
    ]);
    expect(folderName(f(2, 'Posteingang'), en1)).toBe('Inbox');
    expect(folderName(f(12, 'Junk Email'), ja1)).toBe('迷惑メール');
    expect(folderName(f(12, 'Projects プロジェクト'), ja1)).toBe('Projects プロジェクト');
    expect(folderName(f(14, '家族 Family'), ja1)).toBe('家族 Family');
    expect(folderName(f(2, 'Inbox', 'Bob'), ja1)).toBe('Inbox');
  });
});
