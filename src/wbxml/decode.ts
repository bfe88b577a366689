/**
 * WBXML 1.3 decoder (WAP-192-WBXML-20010725). Reads the whole grammar:
 * header (version, public id in both forms, charset, string table), mb_u_int32,
 * SWITCH_PAGE, END, STR_I, STR_T, ENTITY, OPAQUE and LITERAL tags.
 * Attributes, PIs and extension tokens are valid WBXML but never used by EAS
 * (MS-ASWBXML 2.1.1), so they are rejected with a clear error.
 *
 * Iterative (no recursion), every length checked against the bytes left, and
 * a depth limit: hostile input cannot hang it or make it allocate more than a
 * small multiple of its own size.
 */
import { WbxmlError } from './errors.ts';
import type { Child, El } from './tree.ts';
import type { VocabularyIndex } from './vocabulary.ts';

// Global tokens, WBXML 1.3 section 7.1.
const SWITCH_PAGE = 0x00;
const END = 0x01;
const ENTITY = 0x02;
const STR_I = 0x03;
const LITERAL = 0x04;
const PI = 0x43;
const STR_T = 0x83;
const OPAQUE = 0xc3;
const TAG_HAS_ATTRIBUTES = 0x80;
const TAG_HAS_CONTENT = 0x40;
const TAG_MASK = 0x3f;

/** IANA MIBenum values of the charsets we decode (WBXML 1.3 section 5.6). */
const CHARSETS: Readonly<Record<number, string>> = {
  0: 'utf-8', // "unknown": EAS servers mean UTF-8
  3: 'us-ascii',
  4: 'iso-8859-1',
  106: 'utf-8',
};

export interface WbxmlHeader {
  version: number;
  /** Well-known public id, or undefined when given as a string-table reference. */
  publicId?: number;
  /** Public id text when given as a string-table reference (libwbxml writes this form). */
  publicIdText?: string;
  charset: number;
  stringTable: Uint8Array;
}

export interface DecodeOptions {
  /** Deepest element nesting accepted (EAS documents stay below 20). */
  maxDepth?: number;
}

export interface WbxmlDocument {
  header: WbxmlHeader;
  root: El;
}

/** Decodes a WBXML document to its element tree. Throws WbxmlError naming the byte offset. */
export function decodeWbxml(bytes: Uint8Array, vocab: VocabularyIndex, options?: DecodeOptions): El {
  return decodeWbxmlDocument(bytes, vocab, options).root;
}

export function decodeWbxmlDocument(
  bytes: Uint8Array,
  vocab: VocabularyIndex,
  options: DecodeOptions = {},
): WbxmlDocument {
  const r = new Reader(bytes);
  const header = readHeader(r);
  const root = new BodyReader(r, header, vocab, options.maxDepth ?? 100).read();
  return { header, root };
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.pos;
  }

  byte(what: string): number {
    const b = this.bytes[this.pos];
    if (b === undefined) throw new WbxmlError(`unexpected end of data, expected ${what}`, this.pos);
    this.pos++;
    return b;
  }

  /** mb_u_int32 (WBXML 1.3 section 5.1): 7 bits a byte, high bit = more; at most 32 bits. */
  mbUint32(what: string): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte(what);
      value = value * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new WbxmlError(`${what} exceeds 32 bits`, start);
        return value;
      }
    }
    throw new WbxmlError(`${what} is longer than 5 bytes`, start);
  }

  take(length: number, what: string): Uint8Array {
    if (length > this.left) {
      throw new WbxmlError(`${what} of ${length} bytes runs past the end (${this.left} left)`, this.pos);
    }
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

function readHeader(r: Reader): WbxmlHeader {
  const version = r.byte('version');
  if (version > 0x03) throw new WbxmlError(`unsupported WBXML version 0x${version.toString(16)}`, 0);
  const publicIdStart = r.pos;
  const publicId = r.mbUint32('public id');
  // publicid = mb_u_int32 | ( zero index ): 0 means "the id is a string in the table".
  const indexOfText = publicId === 0 ? r.mbUint32('public id index') : undefined;
  const charset = version >= 0x01 ? r.mbUint32('charset') : 106;
  if (CHARSETS[charset] === undefined) {
    throw new WbxmlError(`unsupported charset (MIBenum ${charset})`, publicIdStart);
  }
  const tableLength = r.mbUint32('string table length');
  const stringTable = r.take(tableLength, 'string table');
  const header: WbxmlHeader = { version, charset, stringTable };
  if (indexOfText === undefined) header.publicId = publicId;
  else header.publicIdText = tableString(stringTable, indexOfText, charset, publicIdStart);
  return header;
}

function decoderFor(charset: number): TextDecoder {
  return new TextDecoder(CHARSETS[charset] ?? 'utf-8');
}

function tableString(table: Uint8Array, index: number, charset: number, at: number): string {
  if (index >= table.length) throw new WbxmlError(`string table index ${index} out of range`, at);
  let end = table.indexOf(0, index);
  if (end < 0) end = table.length;
  return decoderFor(charset).decode(table.subarray(index, end));
}

interface Open {
  el: El;
  /** Offset of the tag, for error messages. */
  at: number;
}

class BodyReader {
  private page = 0;
  private readonly stack: Open[] = [];
  private root: El | undefined;
  private readonly text: TextDecoder;

  constructor(
    private readonly r: Reader,
    private readonly header: WbxmlHeader,
    private readonly vocab: VocabularyIndex,
    private readonly maxDepth: number,
  ) {
    this.text = decoderFor(header.charset);
  }

  read(): El {
    const r = this.r;
    while (this.root === undefined || this.stack.length > 0) {
      if (r.left === 0) return this.truncated();
      this.token(r.pos, r.byte('token'));
    }
    if (r.left > 0) throw new WbxmlError('data after the end of the root element', r.pos);
    return this.root;
  }

  private truncated(): never {
    const open = this.stack[this.stack.length - 1];
    const what = open ? `END of <${open.el.name}> opened at byte ${open.at}` : 'the root element';
    throw new WbxmlError(`unexpected end of data, expected ${what}`, this.r.pos);
  }

  private token(at: number, b: number): void {
    switch (b) {
      case SWITCH_PAGE:
        return this.switchPage(at);
      case END:
        return this.end(at);
      case ENTITY:
        return this.addText(String.fromCodePoint(this.codePoint(at)), at);
      case STR_I:
        return this.addText(this.inlineString(), at);
      case STR_T:
        return this.addText(this.tableRef(at), at);
      case OPAQUE:
        return this.addChild(this.r.take(this.r.mbUint32('opaque length'), 'opaque data').slice(), at);
      case PI:
        throw new WbxmlError('processing instructions are not used by EAS', at);
      default:
        return this.tag(at, b);
    }
  }

  private switchPage(at: number): void {
    const page = this.r.byte('code page number');
    if (!this.vocab.page(page)) throw new WbxmlError(`unknown code page ${page}`, at);
    this.page = page;
  }

  private end(at: number): void {
    if (!this.stack.pop()) throw new WbxmlError('END without an open element', at);
  }

  private codePoint(at: number): number {
    const cp = this.r.mbUint32('entity');
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new WbxmlError(`entity &#${cp}; is not a Unicode character`, at);
    }
    return cp;
  }

  private inlineString(): string {
    const r = this.r;
    const end = r.bytes.indexOf(0, r.pos);
    if (end < 0) throw new WbxmlError('inline string has no terminating NUL', r.pos);
    const s = this.text.decode(r.bytes.subarray(r.pos, end));
    r.pos = end + 1;
    return s;
  }

  private tableRef(at: number): string {
    const index = this.r.mbUint32('string table index');
    return tableString(this.header.stringTable, index, this.header.charset, at);
  }

  private tag(at: number, b: number): void {
    const token = b & TAG_MASK;
    // Bytes whose low 6 bits are 0..4 are global tokens; of those only LITERAL* name a tag.
    if (token < 0x05 && token !== LITERAL) throw new WbxmlError('extension tokens are not used by EAS', at);
    if (b & TAG_HAS_ATTRIBUTES) throw new WbxmlError('attributes are not used by EAS', at);
    if (token === LITERAL) return this.literal(at, b);
    const page = this.vocab.page(this.page);
    const name = page?.tags[token];
    if (!page || name === undefined) {
      throw new WbxmlError(`unknown tag 0x${token.toString(16)} on code page ${this.page}`, at);
    }
    this.open({ ns: page.ns, name, children: [] }, (b & TAG_HAS_CONTENT) !== 0, at);
  }

  /** LITERAL / LITERAL_C: a tag named by the string table, in the current page's namespace. */
  private literal(at: number, b: number): void {
    const name = this.tableRef(at);
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new WbxmlError(`literal tag name "${name}" is not a name`, at);
    const ns = this.vocab.page(this.page)?.ns ?? 'AirSync';
    this.open({ ns, name, children: [] }, (b & TAG_HAS_CONTENT) !== 0, at);
  }

  private open(el: El, hasContent: boolean, at: number): void {
    if (this.root === undefined) this.root = el;
    else this.addChild(el, at);
    if (!hasContent) return;
    if (this.stack.length >= this.maxDepth) {
      throw new WbxmlError(`elements nested deeper than ${this.maxDepth}`, at);
    }
    this.stack.push({ el, at });
  }

  private addText(s: string, at: number): void {
    const parent = this.current(at);
    const last = parent.children.length - 1;
    const prev = parent.children[last];
    if (typeof prev === 'string') parent.children[last] = prev + s;
    else parent.children.push(s);
  }

  private addChild(c: Child, at: number): void {
    this.current(at).children.push(c);
  }

  private current(at: number): El {
    const open = this.stack[this.stack.length - 1];
    if (!open) throw new WbxmlError('content outside the root element', at);
    return open.el;
  }
}
