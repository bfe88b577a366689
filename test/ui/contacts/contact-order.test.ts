import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../src/eas/items/contact.ts';
import { displayName, sortContacts, sortKey } from '../../../src/ui/contacts/contact-edit.ts';

const names = (list: Contact[], locale: string) => sortContacts(list, (c) => c, locale).map(displayName);

describe('Japanese contacts', () => {
  it('show the family name first with a space, whatever FileAs says', () => {
    expect(displayName({ firstName: '太郎', lastName: '山田', fileAs: '山田, 太郎' })).toBe('山田 太郎');
    expect(displayName({ firstName: '花子', lastName: '佐藤' })).toBe('佐藤 花子');
    expect(displayName({ lastName: '鈴木' })).toBe('鈴木');
    // Latin names keep the server's FileAs, else "First Last".
    expect(displayName({ firstName: 'Sarah', lastName: 'Miller', fileAs: 'Miller, Sarah' })).toBe('Miller, Sarah');
    expect(displayName({ firstName: 'Sarah', lastName: 'Miller' })).toBe('Sarah Miller');
  });

  it('sort by their reading when they have one', () => {
    // By kanji (code points) 高橋 would come last; by reading it is さとう, たかはし, やまだ, わたなべ.
    const list: Contact[] = [
      { lastName: '渡辺', firstName: '健', yomiLastName: 'わたなべ', yomiFirstName: 'けん' },
      { lastName: '山田', firstName: '太郎', yomiLastName: 'やまだ', yomiFirstName: 'たろう' },
      { lastName: '高橋', firstName: '翔太', yomiLastName: 'たかはし', yomiFirstName: 'しょうた' },
      { lastName: '佐藤', firstName: '花子', yomiLastName: 'さとう', yomiFirstName: 'はなこ' },
    ];
    expect(names(list, 'ja-JP')).toEqual(['佐藤 花子', '高橋 翔太', '山田 太郎', '渡辺 健']);
  });

  it('sort hiragana and katakana readings together, then first names', () => {
    const list: Contact[] = [
      { lastName: '斉藤', firstName: '誠', yomiLastName: 'サイトウ', yomiFirstName: 'マコト' },
      { lastName: '阿部', firstName: '優', yomiLastName: 'あべ', yomiFirstName: 'ゆう' },
      { lastName: '斎藤', firstName: '愛', yomiLastName: 'さいとう', yomiFirstName: 'あい' },
    ];
    expect(names(list, 'ja-JP')).toEqual(['阿部 優', '斎藤 愛', '斉藤 誠']);
    expect(sortKey(list[0] as Contact)).toBe('サイトウ マコト');
  });

  it('sort names with no reading by the shown name, case and accents aside', () => {
    const list: Contact[] = [{ fileAs: 'weber, Lukas' }, { fileAs: 'Åberg, Nils' }, { fileAs: 'Miller, Sarah' }];
    expect(names(list, 'en')).toEqual(['Åberg, Nils', 'Miller, Sarah', 'weber, Lukas']);
  });
});
