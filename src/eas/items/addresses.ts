/**
 * RFC 5322 address lists as they appear in email:To, email:Cc, email:From,
 * email:ReplyTo, email2:Bcc and email2:Sender (MS-ASEMAIL 2.2.2: "a string that
 * contains one or more e-mail addresses", formatted per RFC 5322 section 3.4).
 *
 * The parser is deliberately forgiving: servers and sending clients produce
 * everything from strict `"Doe, Jane" <jane@example.com>` to Outlook's unquoted
 * `Doe, Jane <jane@example.com>`. It handles quoted names (with commas and
 * escapes), comments (`jane@example.com (Jane Doe)`), groups
 * (`Team: a@example.com, b@example.com;`), source routes and semicolon separators.
 * RFC 2047 encoded-words in display names are decoded: EAS servers should send decoded
 * text (MS-ASEMAIL 2.2.2.36), but some Search results carry the header's spelling.
 */
import { decodeEncodedWords } from './encoded-words.ts';

export interface Address {
  /** Display name, without quotes; absent when the entry had none. */
  readonly name?: string;
  /** addr-spec (`local@domain`); '' for a display name without any address. */
  readonly email: string;
  /** Name of the RFC 5322 group the mailbox was listed in, if any. */
  readonly group?: string;
}

type Token =
  | { readonly kind: 'word'; readonly text: string; readonly quoted: boolean }
  | { readonly kind: 'angle'; readonly text: string }
  | { readonly kind: 'comment'; readonly text: string }
  | { readonly kind: 'special'; readonly text: string };

const SPECIALS = ',;:';
const ATOM_STOP = /[\s"(<>,;:]/;

/** Reads a quoted-string body from just after the opening quote; returns text and next index. */
function readQuoted(s: string, start: number): [string, number] {
  let out = '';
  let i = start;
  while (i < s.length && s[i] !== '"') {
    if (s[i] === '\\' && i + 1 < s.length) i++;
    out += s[i];
    i++;
  }
  return [out, i + 1];
}

/** Reads a (possibly nested) comment body from just after the opening parenthesis. */
function readComment(s: string, start: number): [string, number] {
  let out = '';
  let depth = 1;
  let i = start;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      out += s[++i];
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) break;
    out += c;
  }
  return [out.trim(), i + 1];
}

function readAngle(s: string, start: number): [string, number] {
  const end = s.indexOf('>', start);
  const stop = end < 0 ? s.length : end;
  return [s.slice(start, stop).trim(), stop + 1];
}

function readAtom(s: string, start: number): [string, number] {
  let i = start;
  while (i < s.length && !ATOM_STOP.test(s[i] ?? '')) i++;
  return [s.slice(start, i), i];
}

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (/\s/.test(c) || c === '>') {
      i++;
    } else if (c === '"') {
      const [text, next] = readQuoted(s, i + 1);
      out.push({ kind: 'word', text, quoted: true });
      i = next;
    } else if (c === '(') {
      const [text, next] = readComment(s, i + 1);
      out.push({ kind: 'comment', text });
      i = next;
    } else if (c === '<') {
      const [text, next] = readAngle(s, i + 1);
      out.push({ kind: 'angle', text });
      i = next;
    } else if (SPECIALS.includes(c)) {
      out.push({ kind: 'special', text: c });
      i++;
    } else {
      const [text, next] = readAtom(s, i);
      out.push({ kind: 'word', text, quoted: false });
      i = next;
    }
  }
  return out;
}

/** Drops an obsolete source route: `<@relay.example:jane@example.com>` (RFC 5322 4.4). */
function stripRoute(addr: string): string {
  return addr.startsWith('@') ? addr.slice(addr.indexOf(':') + 1) : addr;
}

function quoteLocal(t: Token & { kind: 'word' }): string {
  return t.quoted ? `"${t.text.replace(/(["\\])/g, '\\$1')}"` : t.text;
}

function words(tokens: readonly Token[]): (Token & { kind: 'word' })[] {
  return tokens.filter((t): t is Token & { kind: 'word' } => t.kind === 'word');
}

function firstComment(tokens: readonly Token[]): string | undefined {
  const c = tokens.find((t) => t.kind === 'comment');
  return c && c.text !== '' ? c.text : undefined;
}

function withName(email: string, name: string | undefined, group: string | undefined): Address {
  const n = name === undefined ? undefined : decodeEncodedWords(name).trim();
  return { email, ...(n ? { name: n } : {}), ...(group !== undefined ? { group } : {}) };
}

/** One mailbox from the tokens between two separators. */
function mailbox(tokens: readonly Token[], group: string | undefined): Address | undefined {
  if (tokens.length === 0) return undefined;
  const angleAt = tokens.findIndex((t) => t.kind === 'angle');
  if (angleAt >= 0) {
    const phrase = words(tokens.slice(0, angleAt))
      .map((w) => w.text)
      .join(' ');
    const email = stripRoute((tokens[angleAt] as { text: string }).text);
    return withName(email, phrase || firstComment(tokens), group);
  }
  const ws = words(tokens);
  if (ws.some((w) => !w.quoted && w.text.includes('@'))) {
    // addr-spec: CFWS may surround '.' and '@', so parts are joined without spaces.
    return withName(ws.map(quoteLocal).join(''), firstComment(tokens), group);
  }
  const name = ws.map((w) => w.text).join(' ') || firstComment(tokens);
  return name ? withName('', name, group) : undefined;
}

/**
 * Outlook writes `Doe, Jane <jane@example.com>` without quotes; RFC 5322 reads that
 * as two entries. A name-only entry directly followed by a mailbox of the same group
 * is folded back into that mailbox's display name.
 */
function joinSplitNames(list: readonly Address[]): Address[] {
  const out: Address[] = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Address;
    const b = list[i + 1];
    if (a.email === '' && a.name && b && b.email !== '' && b.group === a.group) {
      out.push(withName(b.email, b.name ? `${a.name}, ${b.name}` : a.name, b.group));
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

// One entry of the usual shapes, `"Name" <local@domain>` or a bare `local@domain`, then a comma or the end.
const SIMPLE_ENTRY = /\s*(?:"([^"\\]*)"\s*<([^\s"()<>,;:\\@]+@[^\s"()<>,;:\\@]+)>|([^\s"()<>,;:\\@]+@[^\s"()<>,;:\\@]+))\s*(?:,|$)/y;

/**
 * A list made only of the usual shapes, as servers send them, read without the
 * tokenizer; undefined for anything else. Gives what parseAddressList's general path gives.
 */
function simpleList(input: string): Address[] | undefined {
  const out: Address[] = [];
  SIMPLE_ENTRY.lastIndex = 0;
  while (SIMPLE_ENTRY.lastIndex < input.length) {
    const m = SIMPLE_ENTRY.exec(input);
    if (!m) return undefined;
    const bare = m[3];
    const name = m[1] === undefined ? undefined : decodeEncodedWords(m[1]).trim();
    out.push(bare !== undefined ? { email: bare } : name ? { email: m[2] as string, name } : { email: m[2] as string });
  }
  return out;
}

/** Parses an RFC 5322 address-list into mailboxes (groups are flattened). */
export function parseAddressList(input: string | undefined): Address[] {
  if (!input) return [];
  return simpleList(input) ?? parseGeneral(input);
}

function parseGeneral(input: string): Address[] {
  const out: Address[] = [];
  let group: string | undefined;
  let current: Token[] = [];
  const flush = (): void => {
    const a = mailbox(current, group);
    if (a) out.push(a);
    current = [];
  };
  for (const t of tokenize(input)) {
    if (t.kind !== 'special') {
      current.push(t);
    } else if (t.text === ':' && group === undefined && !current.some((c) => c.kind === 'angle')) {
      group = words(current)
        .map((w) => w.text)
        .join(' ');
      current = [];
    } else if (t.text === ';') {
      flush();
      group = undefined; // ends a group; outside one it is a lenient separator
    } else if (t.text === ',') {
      flush();
    }
  }
  flush();
  return joinSplitNames(out);
}

/** The first mailbox of a list (email:From, email2:Sender), if any. */
export function parseAddress(input: string | undefined): Address | undefined {
  return parseAddressList(input)[0];
}

/** Formats one mailbox as `"Name" <email>` (the name is always quoted) or a bare address. */
export function formatAddress(a: Address): string {
  if (!a.name) return a.email;
  return `"${a.name.replace(/(["\\])/g, '\\$1')}" <${a.email}>`;
}

/** Formats mailboxes as a comma-separated RFC 5322 address-list. */
export function formatAddressList(list: readonly Address[]): string {
  return list.map(formatAddress).join(', ');
}
