/**
 * RFC 2047 encoded-words in display names, as some servers' Search results carry them
 * (issue #12 item 6): B and Q, any charset TextDecoder knows, adjacent words joined.
 */
import { describe, expect, it } from 'vitest';
import { parseAddress, parseAddressList } from '../../../src/eas/items/addresses.ts';
import { decodeEncodedWords } from '../../../src/eas/items/encoded-words.ts';

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeEncodedWords', () => {
  it.each([
    ['=?UTF-8?B?5bGx55Sw5aSq6YOO?=', '山田太郎'],
    ['=?utf-8?b?5bGx55Sw?= =?utf-8?b?5aSq6YOO?=', '山田太郎'], // adjacent: the space between goes (RFC 2047 6.2)
    ['=?ISO-8859-1?Q?Andr=E9_Dupont?=', 'André Dupont'],
    ['=?iso-8859-1?q?J=F6rg?= M\u00fcller', 'Jörg Müller'], // text after a word keeps its space
    ['Re: =?UTF-8?Q?caf=C3=A9?= today', 'Re: café today'],
    ['=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?=', '山田'],
    ['=?Shift_JIS?B?jlKTYw==?=', '山田'],
    ['=?UTF-8*ja?B?5bGx55Sw?=', '山田'], // RFC 2231 language suffix
    ['=?UTF-8?B?5bGx55Sw?==?ISO-8859-1?Q?=E9?=', '山田é'], // two charsets, back to back
    ['plain name', 'plain name'],
    ['=?x-unknown-charset?B?5bGx?=', '=?x-unknown-charset?B?5bGx?='],
    ['=?UTF-8?B?not base64!?=', '=?UTF-8?B?not base64!?='],
    ['a =? b ?= c', 'a =? b ?= c'],
  ])('%s → %s', (raw, want) => expect(decodeEncodedWords(raw)).toBe(want));

  it('joins the bytes of a character split across two words', () => {
    const bytes = utf8('山田');
    expect(decodeEncodedWords(`=?UTF-8?B?${b64(bytes.subarray(0, 2))}?= =?UTF-8?B?${b64(bytes.subarray(2))}?=`)).toBe('山田');
  });
});

describe('addresses with encoded names', () => {
  it('decodes a quoted or bare encoded display name, keeping the address', () => {
    expect(parseAddress('"=?UTF-8?B?5bGx55Sw5aSq6YOO?=" <taro@example.test>')).toEqual({ name: '山田太郎', email: 'taro@example.test' });
    expect(parseAddress('=?UTF-8?B?5bGx55Sw?= =?UTF-8?B?5aSq6YOO?= <taro@example.test>')).toEqual({
      name: '山田太郎',
      email: 'taro@example.test',
    });
    expect(parseAddressList('=?ISO-8859-1?Q?Andr=E9?= <andre@example.test>, "Bob" <bob@example.test>')).toEqual([
      { name: 'André', email: 'andre@example.test' },
      { name: 'Bob', email: 'bob@example.test' },
    ]);
  });
});
