import { describe, expect, it } from 'vitest';
import { formatAddress, formatAddressList, parseAddress, parseAddressList } from '../../../src/eas/items/addresses.ts';

describe('parseAddressList', () => {
  it('reads the quoted name form Exchange sends', () => {
    expect(parseAddressList('"Moti" <moti@example.com>')).toEqual([{ name: 'Moti', email: 'moti@example.com' }]);
  });

  it('reads lists of the usual shapes (quoted name and address, bare address) like any other list', () => {
    expect(parseAddressList('"" <a@example.com>, " Jane " <jane@example.com> ,b@example.org,')).toEqual([
      { email: 'a@example.com' },
      { email: 'jane@example.com', name: 'Jane' },
      { email: 'b@example.org' },
    ]);
    // One entry of another shape: the whole list goes through the general parser.
    expect(parseAddressList('"A" <a@example.com>, Doe, Jane <jane@example.com>')).toEqual([
      { email: 'a@example.com', name: 'A' },
      { email: 'jane@example.com', name: 'Doe, Jane' },
    ]);
  });

  it('splits on commas but not inside quoted names', () => {
    expect(parseAddressList('"Doe, Jane" <jane@example.com>, bob@example.org')).toEqual([
      { name: 'Doe, Jane', email: 'jane@example.com' },
      { email: 'bob@example.org' },
    ]);
  });

  it('unescapes quoted-pairs in names', () => {
    expect(parseAddressList('"Jane \\"JJ\\" Doe" <jane@example.com>')).toEqual([{ name: 'Jane "JJ" Doe', email: 'jane@example.com' }]);
  });

  it('joins unquoted display-name words', () => {
    expect(parseAddressList('Jane  Q. Doe <jane@example.com>')).toEqual([{ name: 'Jane Q. Doe', email: 'jane@example.com' }]);
  });

  it('uses a trailing comment as the name of a bare address', () => {
    expect(parseAddressList('jane@example.com (Jane Doe), bob@example.org (Bob (the builder))')).toEqual([
      { name: 'Jane Doe', email: 'jane@example.com' },
      { name: 'Bob (the builder)', email: 'bob@example.org' },
    ]);
  });

  it('ignores comments next to a display name', () => {
    expect(parseAddressList('Jane (work) <jane@example.com>')).toEqual([{ name: 'Jane', email: 'jane@example.com' }]);
  });

  it('flattens groups and tags their members', () => {
    expect(parseAddressList('Team: a@example.com, "B" <b@example.com>; c@example.com')).toEqual([
      { email: 'a@example.com', group: 'Team' },
      { name: 'B', email: 'b@example.com', group: 'Team' },
      { email: 'c@example.com' },
    ]);
  });

  it('yields nothing for an empty group', () => {
    expect(parseAddressList('Undisclosed recipients:;')).toEqual([]);
  });

  it('accepts semicolons as separators outside groups', () => {
    expect(parseAddressList('a@example.com; "B" <b@example.com>')).toEqual([
      { email: 'a@example.com' },
      { name: 'B', email: 'b@example.com' },
    ]);
  });

  it("folds Outlook's unquoted 'Last, First <addr>' back into one mailbox", () => {
    expect(parseAddressList('Doe, Jane <jane@example.com>, Roe, Rick <rick@example.com>')).toEqual([
      { name: 'Doe, Jane', email: 'jane@example.com' },
      { name: 'Roe, Rick', email: 'rick@example.com' },
    ]);
  });

  it('drops source routes and keeps quoted local parts', () => {
    expect(parseAddressList('<@relay.example:jane@example.com>, "john doe"@example.com')).toEqual([
      { email: 'jane@example.com' },
      { email: '"john doe"@example.com' },
    ]);
  });

  it('survives unterminated quotes and brackets, stray separators and folding white space', () => {
    expect(parseAddressList(' , "Jane <jane@example.com>')).toEqual([{ name: 'Jane <jane@example.com>', email: '' }]);
    expect(parseAddressList('Jane <jane@example.com')).toEqual([{ name: 'Jane', email: 'jane@example.com' }]);
    expect(parseAddressList('a@example.com,,\r\n b@example.com,')).toEqual([{ email: 'a@example.com' }, { email: 'b@example.com' }]);
  });

  it('keeps a display name that has no address', () => {
    expect(parseAddressList('"Moti"')).toEqual([{ name: 'Moti', email: '' }]);
  });

  it('returns [] for missing or blank input', () => {
    expect(parseAddressList(undefined)).toEqual([]);
    expect(parseAddressList('   ')).toEqual([]);
  });
});

describe('parseAddress', () => {
  it('returns the first mailbox', () => {
    expect(parseAddress('"Momo" <momo@example.org>, x@example.org')).toEqual({ name: 'Momo', email: 'momo@example.org' });
    expect(parseAddress('')).toBeUndefined();
  });
});

describe('formatting', () => {
  it('always quotes names and escapes quotes and backslashes', () => {
    expect(formatAddress({ name: 'Doe, "JJ" \\ Jane', email: 'j@example.com' })).toBe('"Doe, \\"JJ\\" \\\\ Jane" <j@example.com>');
    expect(formatAddress({ email: 'j@example.com' })).toBe('j@example.com');
  });

  it('round-trips through the parser', () => {
    const list = [
      { name: 'Doe, "JJ" Jane', email: 'jane@example.com' },
      { email: 'bob@example.org' },
      { name: 'Ünïcødé (x)', email: 'u@example.net' },
    ];
    expect(parseAddressList(formatAddressList(list))).toEqual(list);
  });
});
