/**
 * RFC 2047 encoded-words (`=?UTF-8?B?5bGx55Sw?=`, `=?ISO-8859-1?Q?Andr=E9?=`) in text a
 * server passed on from a message header without decoding it: some servers' Search
 * results name people that way. Both encodings (B: base64, Q: quoted-printable with
 * `_` for a space, RFC 2047 4.1-4.2), any charset TextDecoder knows (an RFC 2231
 * language suffix, `UTF-8*ja`, is ignored). Whitespace between two adjacent
 * encoded-words is dropped (RFC 2047 6.2); the bytes of adjacent words in the same
 * charset are decoded together, since senders split a character across words. A word
 * that cannot be decoded (unknown charset, bad base64) stays as it is.
 */

const WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

interface Word {
  readonly start: number;
  readonly end: number;
  readonly charset: string;
  readonly bytes: Uint8Array;
}

/** The text with its encoded-words decoded; the same string when it has none. */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  const words = [...text.matchAll(WORD)].flatMap((m): Word[] => {
    const bytes = wordBytes(m[2] as string, m[3] as string);
    const charset = (m[1] as string).split('*')[0]?.toLowerCase() ?? '';
    return bytes ? [{ start: m.index, end: m.index + m[0].length, charset, bytes }] : [];
  });
  let out = '';
  let at = 0;
  for (let i = 0; i < words.length; ) {
    // A run of words of one charset with only whitespace between them.
    let j = i;
    while (j + 1 < words.length && adjacent(text, words[j] as Word, words[j + 1] as Word)) j++;
    const run = words.slice(i, j + 1);
    const first = run[0] as Word;
    const decoded = decode(first.charset, concat(run.map((w) => w.bytes)));
    out += text.slice(at, first.start) + (decoded ?? text.slice(first.start, (run[run.length - 1] as Word).end));
    at = (run[run.length - 1] as Word).end;
    i = j + 1;
  }
  return out + text.slice(at);
}

function adjacent(text: string, a: Word, b: Word): boolean {
  return a.charset === b.charset && /^\s*$/.test(text.slice(a.end, b.start));
}

function wordBytes(encoding: string, data: string): Uint8Array | undefined {
  return encoding.toUpperCase() === 'B' ? base64(data) : quoted(data);
}

function base64(data: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return undefined;
  try {
    const bin = atob(data.replace(/=+$/, '').padEnd(Math.ceil(data.replace(/=+$/, '').length / 4) * 4, '='));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** RFC 2047 4.2: `_` is a space, `=XX` a byte, the rest ASCII. */
function quoted(data: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i] as string;
    const hex = c === '=' ? data.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else {
      out.push(c === '_' ? 0x20 : c.charCodeAt(0) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decode(charset: string, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return undefined; // a charset TextDecoder does not know
  }
}
