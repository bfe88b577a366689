/**
 * WBXML 1.3 encoder. Writes the header EAS uses, `03 01 6A 00` (MS-ASWBXML 2.1.1:
 * version 1.3, unknown public id, UTF-8, empty string table), switches code page
 * only when the namespace changes, writes childless elements without the content
 * bit, text as STR_I and binary content as OPAQUE.
 */
import { WbxmlError } from './errors.ts';
import type { Child, El } from './tree.ts';
import type { VocabularyIndex } from './vocabulary.ts';

const HEADER = [0x03, 0x01, 0x6a, 0x00];
const SWITCH_PAGE = 0x00;
const END = 0x01;
const STR_I = 0x03;
const OPAQUE = 0xc3;
const TAG_HAS_CONTENT = 0x40;
const MAX_DEPTH = 100;

export function encodeWbxml(root: El, vocab: VocabularyIndex): Uint8Array<ArrayBuffer> {
  const w = new Writer();
  for (const b of HEADER) w.byte(b);
  new TreeWriter(w, vocab).element(root, 0);
  return w.result();
}

class TreeWriter {
  private page = 0;
  constructor(
    private readonly w: Writer,
    private readonly vocab: VocabularyIndex,
  ) {}

  element(e: El, depth: number): void {
    if (depth >= MAX_DEPTH) throw new WbxmlError(`elements nested deeper than ${MAX_DEPTH}`);
    const code = this.vocab.token(e.ns, e.name);
    if (!code) throw new WbxmlError(`no code page has the tag ${e.ns}:${e.name}`);
    if (code.page !== this.page) {
      this.w.byte(SWITCH_PAGE);
      this.w.byte(code.page);
      this.page = code.page;
    }
    const content = e.children.filter(hasContent);
    if (content.length === 0) {
      this.w.byte(code.token);
      return;
    }
    this.w.byte(code.token | TAG_HAS_CONTENT);
    const opaque = this.vocab.isOpaque(e.ns, e.name);
    for (const c of content) this.child(c, opaque, depth);
    this.w.byte(END);
  }

  private child(c: Child, opaque: boolean, depth: number): void {
    if (c instanceof Uint8Array) return this.opaque(c);
    if (typeof c !== 'string') return this.element(c, depth + 1);
    if (opaque) return this.opaque(new TextEncoder().encode(c));
    this.w.byte(STR_I);
    this.w.string(c);
    this.w.byte(0);
  }

  private opaque(bytes: Uint8Array): void {
    this.w.byte(OPAQUE);
    this.w.mbUint32(bytes.length);
    this.w.bytes(bytes);
  }
}

function hasContent(c: Child): boolean {
  return typeof c === 'string' ? c.length > 0 : true;
}

/** A growable byte buffer. */
class Writer {
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(4096);
  private len = 0;
  private readonly utf8 = new TextEncoder();

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** UTF-8 text for STR_I, which ends at the first NUL: a NUL inside the text cannot be encoded. */
  string(s: string): void {
    if (s.includes('\u0000')) throw new WbxmlError('text contains a NUL character, which STR_I cannot carry');
    this.ensure(s.length * 3);
    const { written } = this.utf8.encodeInto(s, this.buf.subarray(this.len));
    this.len += written;
  }

  /** mb_u_int32, WBXML 1.3 section 5.1. */
  mbUint32(n: number): void {
    const groups: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    for (const g of groups) this.byte(g);
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.len);
  }
}
