/**
 * Recipient suggestions: contacts and recent recipients ranked at once, the GAL added
 * below without reordering, addresses already chosen left out, and the field's value
 * split into chips and the text being typed.
 */
import { describe, expect, it } from 'vitest';
import type { GalEntry } from '../../../src/eas/commands/search.ts';
import {
  contactPeople,
  fieldChips,
  fieldValue,
  galPeople,
  localSuggestions,
  mergePeople,
  recentPeople,
  withGal,
} from '../../../src/ui/compose/suggest.ts';
import { pictureUrl } from '../../../src/ui/components/Avatar.tsx';
import { rememberRecipients } from '../../../src/store/recents.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const contacts = [
  ...contactPeople({
    firstName: 'Bob',
    lastName: 'Example',
    fileAs: 'Example, Bob',
    email1Address: '"Bob Example" <bob@example.test>',
    picture: PNG,
  }),
  ...contactPeople({
    firstName: 'Roberta',
    lastName: 'Bonnet',
    email1Address: 'roberta@partner.example.com',
    email2Address: 'rb@home.example',
  }),
  ...contactPeople({
    firstName: '花子',
    lastName: '山田',
    yomiFirstName: 'はなこ',
    yomiLastName: 'やまだ',
    email1Address: 'hanako@example.jp',
  }),
  ...contactPeople({ fileAs: 'No address' }),
];
const names = (list: readonly { name?: string; email: string }[]) => list.map((p) => `${p.name ?? ''} <${p.email}>`);

describe('local suggestions', () => {
  it('a contact has one person per address, its name in speaking order and its photo', () => {
    expect(names(contacts)).toEqual([
      'Bob Example <bob@example.test>',
      'Roberta Bonnet <roberta@partner.example.com>',
      'Roberta Bonnet <rb@home.example>',
      '山田 花子 <hanako@example.jp>',
    ]);
    expect(contacts[0]?.picture).toBe(`data:image/png;base64,${PNG}`);
    expect(contacts[1]?.picture).toBeUndefined();
  });

  it("names starting with the text come before a later word starting with it; a contact's addresses keep their order", () => {
    expect(names(localSuggestions('bo', contacts, new Set()))).toEqual([
      'Bob Example <bob@example.test>',
      'Roberta Bonnet <roberta@partner.example.com>',
      'Roberta Bonnet <rb@home.example>',
    ]);
  });

  it('finds Japanese names by their reading and by either name, full-width text folded', () => {
    expect(names(localSuggestions('やま', contacts, new Set()))).toEqual(['山田 花子 <hanako@example.jp>']);
    expect(names(localSuggestions('花子', contacts, new Set()))).toEqual(['山田 花子 <hanako@example.jp>']);
    expect(names(localSuggestions('ＨＡＮ', contacts, new Set()))).toEqual(['山田 花子 <hanako@example.jp>']);
  });

  it('people written to more often, then more recently, come first; a contact keeps its name', () => {
    let recent = rememberRecipients([], [{ email: 'roberta@partner.example.com', name: 'R.' }], 1000);
    recent = rememberRecipients(recent, [{ email: 'bob.other@example.test', name: 'Bob Other' }], 2000);
    recent = rememberRecipients(recent, [{ email: 'roberta@partner.example.com' }], 3000);
    const people = mergePeople(contacts, recentPeople(recent));
    expect(names(localSuggestions('bo', people, new Set()))).toEqual([
      'Bob Other <bob.other@example.test>',
      'Bob Example <bob@example.test>',
      'Roberta Bonnet <roberta@partner.example.com>',
      'Roberta Bonnet <rb@home.example>',
    ]);
    expect(localSuggestions('roberta', people, new Set()).map((p) => [p.source, p.count])).toEqual([
      ['contact', 2],
      ['contact', undefined],
    ]);
  });

  it('leaves out addresses already in the field, in any case', () => {
    expect(names(localSuggestions('bo', contacts, new Set(['bob@example.test', 'rb@home.example'])))).toEqual([
      'Roberta Bonnet <roberta@partner.example.com>',
    ]);
  });

  it('nothing for empty text or text nobody starts with', () => {
    expect(localSuggestions(' ', contacts, new Set())).toEqual([]);
    expect(localSuggestions('xyz', contacts, new Set())).toEqual([]);
  });
});

describe('the GAL added', () => {
  const gal: GalEntry[] = [
    {
      displayName: 'Bob Example',
      emailAddress: 'BOB@example.test',
      picture: { status: 1, data: Uint8Array.from(atob(PNG), (c) => c.charCodeAt(0)) },
    },
    {
      displayName: 'Borislav Petrov',
      firstName: 'Borislav',
      lastName: 'Petrov',
      emailAddress: 'borislav.petrov@example.test',
      picture: { status: 173 },
    },
    { displayName: 'No address' },
  ];

  it('below the local people, without the ones already shown or chosen; a picture is a data: URL', () => {
    const local = localSuggestions('bo', contacts, new Set());
    const merged = withGal(local, galPeople(gal), new Set());
    expect(names(merged)).toEqual([...names(local), 'Borislav Petrov <borislav.petrov@example.test>']);
    expect(merged.map((p) => p.source)).toEqual(['contact', 'contact', 'contact', 'gal']);
    expect(merged[3]?.picture).toBeUndefined();
    expect(names(withGal([], galPeople(gal), new Set(['borislav.petrov@example.test'])))).toEqual(['Bob Example <BOB@example.test>']);
    expect(galPeople(gal)[0]?.picture).toBe(`data:image/png;base64,${PNG}`);
  });

  it('a local person without a photo takes the directory one', () => {
    const plain = contactPeople({ firstName: 'Bob', email1Address: 'bob@example.test' });
    expect(withGal(plain, galPeople(gal), new Set())[0]?.picture).toBe(`data:image/png;base64,${PNG}`);
  });

  it('an unknown image type is no picture', () => {
    expect(pictureUrl('AAAAAAAA')).toBeUndefined();
    expect(pictureUrl('')).toBeUndefined();
    expect(pictureUrl(`/9j/${'A'.repeat(8)}`)).toBe(`data:image/jpeg;base64,/9j/${'A'.repeat(8)}`);
  });
});

describe('the field value', () => {
  it('chips, then the text being typed; the text is not a chip', () => {
    const chips = [{ name: 'Bob Example', email: 'bob@example.test' }, { email: 'carol@example.test' }];
    const value = fieldValue(chips, 'bo');
    expect(value).toBe('"Bob Example" <bob@example.test>, carol@example.test, bo');
    expect(fieldChips(value, 'bo')).toEqual(chips);
    expect(fieldValue(chips, '  ')).toBe('"Bob Example" <bob@example.test>, carol@example.test');
    expect(fieldChips('a@example.test, "山田, 花子" <h@example.jp>', '')).toEqual([
      { email: 'a@example.test' },
      { name: '山田, 花子', email: 'h@example.jp' },
    ]);
    expect(fieldValue([], 'bo')).toBe('bo');
    expect(fieldChips('bo', 'bo')).toEqual([]);
  });
});

describe('recent recipients', () => {
  it('newest first, counted once per mail, names kept, at most 200', () => {
    let list = rememberRecipients(
      [],
      [{ email: 'a@x.test', name: 'A' }, { email: 'A@x.test' }, { email: 'b@x.test' }, { email: 'not an address' }],
      10,
    );
    expect(list).toEqual([
      { email: 'a@x.test', name: 'A', count: 1, lastUsed: 10 },
      { email: 'b@x.test', name: undefined, count: 1, lastUsed: 10 },
    ]);
    list = rememberRecipients(list, [{ email: 'b@x.test', name: 'B' }, { email: 'a@x.test' }], 20);
    expect(list).toEqual([
      { email: 'b@x.test', name: 'B', count: 2, lastUsed: 20 },
      { email: 'a@x.test', name: 'A', count: 2, lastUsed: 20 },
    ]);
    const many = Array.from({ length: 250 }, (_, i) => ({ email: `p${i}@x.test` }));
    expect(rememberRecipients(list, many, 30)).toHaveLength(200);
  });
});
