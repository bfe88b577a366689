/**
 * Builds the RFC 5322 message that SendMail, SmartReply and SmartForward carry
 * (MS-ASCMD 2.2.3.109: the client sends a complete MIME message).
 *
 * - Headers are 7-bit: non-ASCII text (subject, display names) goes in RFC 2047
 *   encoded-words (UTF-8, "B" encoding), each at most 75 characters (RFC 2047 2),
 *   split between characters, never inside one.
 * - Text parts are UTF-8 quoted-printable (RFC 2045 6.7), attachments base64 in lines
 *   of 76 characters (RFC 2045 6.8), a whole attached message as message/rfc822 in
 *   its own encoding (RFC 2046 5.2.1 allows no base64 there).
 * - Structure: text, or multipart/alternative of text and HTML (RFC 2046 5.1.4);
 *   images the HTML shows by cid: in multipart/related (RFC 2387); attachments
 *   around all of it in multipart/mixed (RFC 2046 5.1.3).
 * - Lines end in CRLF (RFC 5322 2.1) and headers are folded before 78 characters
 *   where they have room to fold (RFC 5322 2.1.1).
 */
import { toBase64 } from '../wbxml/base64.ts';
import type { Address } from '../eas/items/addresses.ts';
import { randomId } from '../store/db.ts';

export interface MimeAttachment {
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
  /** Set for an image the HTML shows with a cid: URL: it goes inline in multipart/related. */
  readonly contentId?: string;
}

/** A whole message attached as message/rfc822 (a forward built without SmartForward). */
export interface AttachedMessage {
  readonly name: string;
  readonly mime: Uint8Array;
}

export interface MimeMessage {
  readonly from: Address;
  readonly to: readonly Address[];
  readonly cc?: readonly Address[];
  /** Kept in the submitted message: the server delivers to them and strips the header (RFC 5322 3.6.3). */
  readonly bcc?: readonly Address[];
  readonly replyTo?: readonly Address[];
  readonly subject: string;
  readonly date: Date;
  /** Without angle brackets: "id@host". */
  readonly messageId: string;
  /** Message-ID of the message replied to (RFC 5322 3.6.4), without angle brackets. */
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  /** 0 low, 1 normal, 2 high (MS-ASEMAIL 2.2.2.39); sent as the Importance header. */
  readonly importance?: 0 | 1 | 2;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly MimeAttachment[];
  readonly messages?: readonly AttachedMessage[];
}

const CRLF = '\r\n';
/** RFC 5322 2.1.1: lines SHOULD stay within 78 characters. */
const LINE = 78;

type Chunk = string | Uint8Array;

interface Part {
  readonly headers: readonly (readonly [string, string])[];
  readonly body: readonly Chunk[];
}

/** The message as bytes, ready for SendMail's Mime element or the 12.1 request body. */
export function buildMime(m: MimeMessage): Uint8Array {
  const root = structure(m);
  const headers: [string, string][] = [
    ['Date', rfc5322Date(m.date)],
    ['From', addressList([m.from])],
  ];
  if (m.replyTo?.length) headers.push(['Reply-To', addressList(m.replyTo)]);
  headers.push(['To', addressList(m.to)]);
  if (m.cc?.length) headers.push(['Cc', addressList(m.cc)]);
  if (m.bcc?.length) headers.push(['Bcc', addressList(m.bcc)]);
  headers.push(['Subject', unstructured(m.subject)], ['Message-ID', `<${m.messageId}>`]);
  if (m.inReplyTo) headers.push(['In-Reply-To', `<${m.inReplyTo}>`]);
  if (m.references?.length) headers.push(['References', m.references.map((r) => `<${r}>`).join(' ')]);
  if (m.importance === 0 || m.importance === 2) headers.push(['Importance', m.importance === 2 ? 'high' : 'low']);
  headers.push(['MIME-Version', '1.0']);
  // A multipart body ends with its close-delimiter line; a single part gets its final CRLF here.
  const end = root.headers[0]?.[1].startsWith('multipart/') ? [] : [CRLF];
  return concat([...serialize({ headers: [...headers, ...root.headers], body: root.body }), ...end]);
}

// ------------------------------------------------------------------ structure

function structure(m: MimeMessage): Part {
  const inline = m.html ? (m.attachments ?? []).filter((a) => a.contentId) : [];
  const files = (m.attachments ?? []).filter((a) => !inline.includes(a));
  let body = m.html ? multipart('alternative', [textPart('plain', m.text), textPart('html', m.html)]) : textPart('plain', m.text);
  if (inline.length > 0) body = multipart('related', [body, ...inline.map((a) => attachmentPart(a, true))], 'multipart/alternative');
  const extra = [...files.map((a) => attachmentPart(a, false)), ...(m.messages ?? []).map(messagePart)];
  return extra.length > 0 ? multipart('mixed', [body, ...extra]) : body;
}

function textPart(subtype: 'plain' | 'html', text: string): Part {
  return {
    headers: [
      ['Content-Type', `text/${subtype}; charset=UTF-8`],
      ['Content-Transfer-Encoding', 'quoted-printable'],
    ],
    body: [quotedPrintable(text)],
  };
}

function attachmentPart(a: MimeAttachment, inline: boolean): Part {
  const headers: [string, string][] = [
    ['Content-Type', `${a.contentType || 'application/octet-stream'}; ${nameParameter('name', a.name)}`],
    ['Content-Disposition', `${inline ? 'inline' : 'attachment'};${fileParameter(a.name)}`],
    ['Content-Transfer-Encoding', 'base64'],
  ];
  if (a.contentId) headers.push(['Content-ID', `<${a.contentId.replace(/^<|>$/g, '')}>`]);
  return { headers, body: [base64Lines(a.bytes)] };
}

/** RFC 2046 5.2.1: message/rfc822 is 7bit, 8bit or binary, never base64. */
function messagePart(msg: AttachedMessage): Part {
  const bytes = crlf(msg.mime);
  const eightBit = bytes.some((b) => b > 0x7f);
  return {
    headers: [
      ['Content-Type', 'message/rfc822'],
      ['Content-Disposition', `attachment;${fileParameter(msg.name)}`],
      ['Content-Transfer-Encoding', eightBit ? '8bit' : '7bit'],
    ],
    body: [bytes],
  };
}

/**
 * A multipart entity. The boundary holds "=_", which quoted-printable and base64
 * output can never contain (RFC 2045 6.7, 6.8); only a raw attached message could,
 * so it is checked against those (RFC 2046 5.1.1).
 */
function multipart(subtype: string, parts: readonly Part[], relatedType?: string): Part {
  const raw = parts.flatMap((p) => p.body.filter((c): c is Uint8Array => c instanceof Uint8Array));
  let boundary = `=_${randomId(12)}`;
  while (raw.some((b) => contains(b, boundary))) boundary = `=_${randomId(12)}`;
  const type = `multipart/${subtype}; boundary="${boundary}"${relatedType ? `; type="${relatedType}"` : ''}`;
  const body: Chunk[] = [];
  // The CRLF before each delimiter belongs to the delimiter (RFC 2046 5.1.1).
  for (const p of parts) body.push(`--${boundary}${CRLF}`, ...serialize(p), CRLF);
  body.push(`--${boundary}--${CRLF}`);
  return { headers: [['Content-Type', type]], body };
}

function serialize(p: Part): Chunk[] {
  return [...p.headers.map(([n, v]) => fold(`${n}: ${v}`) + CRLF), CRLF, ...p.body];
}

// ------------------------------------------------------------------ header values

/** RFC 5322 3.3 date-time, in UTC ("+0000"). */
export function rfc5322Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Unstructured text (Subject): as is when printable ASCII, else encoded-words (RFC 2047 5(1)). */
export function unstructured(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  // "=?" in plain text could be read as the start of an encoded-word: encode it too.
  if (PRINTABLE_ASCII.test(clean) && !clean.includes('=?')) return clean;
  return encodedWords(clean).join(`${CRLF} `);
}

/** RFC 5322 3.2.3 atext, plus the spaces between words of a phrase. */
const PHRASE_SAFE = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/;

/** A mailbox: `name <addr>`; the name as atoms, a quoted-string, or encoded-words (RFC 2047 5(3)). */
export function mailbox(a: Address): string {
  const name = a.name?.replace(/[\r\n]+/g, ' ').trim();
  if (!name) return `<${a.email}>`;
  if (!PRINTABLE_ASCII.test(name)) return `${encodedWords(name).join(' ')} <${a.email}>`;
  if (PHRASE_SAFE.test(name) && !name.includes('=?')) return `${name} <${a.email}>`;
  return `"${name.replace(/(["\\])/g, '\\$1')}" <${a.email}>`;
}

function addressList(list: readonly Address[]): string {
  return list.map(mailbox).join(', ');
}

/**
 * UTF-8 "B" encoded-words, cut between characters (RFC 2047 5: each word decodes on
 * its own). 36 bytes make 48 base64 characters, a 60-character word: a line with a
 * header name and one word stays within the 76 characters RFC 2047 2 allows.
 */
export function encodedWords(text: string): string[] {
  const words: string[] = [];
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) words.push(`=?UTF-8?B?${toBase64(Uint8Array.from(bytes))}?=`);
    bytes = [];
  };
  for (const ch of text) {
    const b = utf8.encode(ch);
    if (bytes.length + b.length > 36) flush();
    bytes.push(...b);
  }
  flush();
  return words.length ? words : ['=?UTF-8?B??='];
}

/**
 * The `name` parameter of Content-Type: plain when ASCII, else an encoded-word in a
 * quoted string, which RFC 2047 5 does not allow but many readers (Outlook among
 * them) look for; the standard form is the RFC 2231 filename* of Content-Disposition.
 */
function nameParameter(param: string, value: string): string {
  if (PRINTABLE_ASCII.test(value)) return `${param}="${value.replace(/(["\\])/g, '\\$1')}"`;
  return `${param}="${encodedWords(value).join(' ')}"`;
}

/**
 * ` filename="..."` (ASCII), or filename* (RFC 2231 4) in continuations of at most 60
 * characters (RFC 2231 3), each on its own folded line.
 */
function fileParameter(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return ` ${nameParameter('filename', value)}`;
  const encoded = [...utf8.encode(value)].map((b) =>
    isAttrChar(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  );
  const pieces: string[] = [];
  let current = "UTF-8''";
  for (const e of encoded) {
    if (current.length + e.length > 60) {
      pieces.push(current);
      current = '';
    }
    current += e;
  }
  pieces.push(current);
  if (pieces.length === 1) return `${CRLF} filename*=${pieces[0]}`;
  return pieces.map((p, i) => `${CRLF} filename*${i}*=${p}`).join(';');
}

/** RFC 2231 7 attribute-char: ASCII printable except specials, space, *, ', %. */
function isAttrChar(b: number): boolean {
  return b > 0x20 && b < 0x7f && !`()<>@,;:\\"/[]?={}*'% `.includes(String.fromCharCode(b));
}

/**
 * Folds a header line at spaces so lines stay within 78 characters where possible
 * (RFC 5322 2.2.3). Lines that already hold CRLF were folded by their builder.
 */
function fold(line: string): string {
  if (line.includes(CRLF)) return line;
  const out: string[] = [];
  let rest = line;
  while (rest.length > LINE) {
    const cut = rest.lastIndexOf(' ', LINE);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out.join(CRLF);
}

// ------------------------------------------------------------------ bodies

const utf8 = new TextEncoder();

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: line breaks become CRLF hard breaks,
 * encoded lines end in a soft break "=" before 76 characters, "=" and bytes outside
 * printable ASCII are =XX, and a space or tab at the end of a line is encoded.
 */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines.map(qpLine).join(CRLF);
}

function qpLine(line: string): string {
  const bytes = utf8.encode(line);
  const tokens: string[] = [];
  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    const plain = (b >= 0x21 && b <= 0x7e && b !== 0x3d) || ((b === 0x20 || b === 0x09) && !last);
    tokens.push(plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
  });
  const out: string[] = [];
  let current = '';
  for (const t of tokens) {
    if (current.length + t.length > 75) {
      out.push(`${current}=`);
      current = '';
    }
    current += t;
  }
  out.push(current);
  return out.join(CRLF);
}

function base64Lines(bytes: Uint8Array): string {
  const b64 = toBase64(bytes);
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/** Bare LF and CR become CRLF (RFC 5322 2.3). */
function crlf(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x0d) {
      out.push(0x0d, 0x0a);
      if (bytes[i + 1] === 0x0a) i++;
    } else if (b === 0x0a) out.push(0x0d, 0x0a);
    else out.push(b);
  }
  return Uint8Array.from(out);
}

function contains(haystack: Uint8Array, needle: string): boolean {
  const n = utf8.encode(needle);
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

function concat(chunks: readonly Chunk[]): Uint8Array {
  const parts = chunks.map((c) => (typeof c === 'string' ? utf8.encode(c) : c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The header block of a MIME message, unfolded: name (lower case) -> values. For threading headers. */
export function readHeaders(mime: string): Map<string, string[]> {
  const end = mime.search(/\r?\n\r?\n/);
  const head = (end < 0 ? mime : mime.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out = new Map<string, string[]>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    out.set(name, [...(out.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** Message-IDs in a header value ("<a@b> <c@d>"), without angle brackets. */
export function messageIds(value: string | undefined): string[] {
  return [...(value ?? '').matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] as string);
}
