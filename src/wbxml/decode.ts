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
import type { CodePage, VocabularyIndex } from './vocabulary.ts';

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

export function decodeWbxmlDocument(bytes: Uint8Array, vocab: VocabularyIndex, options: DecodeOptions = {}): WbxmlDocument {
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
    this.check(length, what);
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /**
   * The next `length` bytes in an array of their own: a view would keep the whole
   * document alive, and structured clone (IndexedDB) would copy all of it.
   */
  copy(length: number, what: string): Uint8Array {
    this.check(length, what);
    const out = new Uint8Array(length);
    // Short runs (ids, hashes) by hand: no view to allocate; longer ones with a native copy.
    if (length <= 64) for (let i = 0; i < length; i++) out[i] = this.bytes[this.pos + i] as number;
    else out.set(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  private check(length: number, what: string): void {
    if (length > this.left) {
      throw new WbxmlError(`${what} of ${length} bytes runs past the end (${this.left} left)`, this.pos);
    }
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

/** An element while it is read: its children array is replaced by the first child (see add). */
interface Building {
  readonly ns: string;
  readonly name: string;
  children: Child[];
}

/**
 * The children of an open element that has none yet. Never left in a returned tree:
 * add() replaces it with the first child, end() with an empty array of its own.
 */
const NONE = Object.freeze([]) as unknown as Child[];

/**
 * ASCII text shorter than this is built in JS, cheaper than a TextDecoder call. V8 keeps
 * strings this short flat when they are concatenated (longer ones become ropes).
 */
const SHORT_TEXT = 13;

class BodyReader {
  private pageNumber = 0;
  private page: CodePage | undefined;
  /** Open elements and the offsets of their tags (for error messages), innermost last. */
  private readonly open: Building[] = [];
  private readonly openAt: number[] = [];
  private root: El | undefined;
  private readonly text: TextDecoder;

  constructor(
    private readonly r: Reader,
    private readonly header: WbxmlHeader,
    private readonly vocab: VocabularyIndex,
    private readonly maxDepth: number,
  ) {
    this.text = decoderFor(header.charset);
    this.page = vocab.page(0);
  }

  read(): El {
    const r = this.r;
    while (this.root === undefined || this.open.length > 0) {
      if (r.left === 0) return this.truncated();
      this.token(r.pos, r.byte('token'));
    }
    if (r.left > 0) throw new WbxmlError('data after the end of the root element', r.pos);
    return this.root;
  }

  private truncated(): never {
    const depth = this.open.length;
    const open = this.open[depth - 1];
    const what = open ? `END of <${open.name}> opened at byte ${this.openAt[depth - 1]}` : 'the root element';
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
        return this.add(this.r.copy(this.r.mbUint32('opaque length'), 'opaque data'), at);
      case PI:
        throw new WbxmlError('processing instructions are not used by EAS', at);
      default:
        return this.tag(at, b);
    }
  }

  private switchPage(at: number): void {
    const number = this.r.byte('code page number');
    const page = this.vocab.page(number);
    if (!page) throw new WbxmlError(`unknown code page ${number}`, at);
    this.pageNumber = number;
    this.page = page;
  }

  private end(at: number): void {
    const el = this.open.pop();
    if (!el) throw new WbxmlError('END without an open element', at);
    if (el.children === NONE) el.children = [];
    this.openAt.pop();
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
    const s = end - r.pos < SHORT_TEXT ? shortAscii(r.bytes, r.pos, end) : undefined;
    const text = s ?? this.text.decode(r.bytes.subarray(r.pos, end));
    r.pos = end + 1;
    return text;
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
    const page = this.page;
    const name = page?.tags[token];
    if (!page || name === undefined) {
      throw new WbxmlError(`unknown tag 0x${token.toString(16)} on code page ${this.pageNumber}`, at);
    }
    const hasContent = (b & TAG_HAS_CONTENT) !== 0;
    this.element({ ns: page.ns, name, children: hasContent ? NONE : [] }, hasContent, at);
  }

  /** LITERAL / LITERAL_C: a tag named by the string table, in the current page's namespace. */
  private literal(at: number, b: number): void {
    const name = this.tableRef(at);
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) throw new WbxmlError(`literal tag name "${name}" is not a name`, at);
    const ns = this.page?.ns ?? 'AirSync';
    const hasContent = (b & TAG_HAS_CONTENT) !== 0;
    this.element({ ns, name, children: hasContent ? NONE : [] }, hasContent, at);
  }

  private element(el: Building, hasContent: boolean, at: number): void {
    if (this.root === undefined) this.root = el;
    else this.add(el, at);
    if (!hasContent) return;
    if (this.open.length >= this.maxDepth) {
      throw new WbxmlError(`elements nested deeper than ${this.maxDepth}`, at);
    }
    this.open.push(el);
    this.openAt.push(at);
  }

  private addText(s: string, at: number): void {
    const children = this.current(at).children;
    const last = children.length - 1;
    // Not children[-1] on an empty array: V8 reads a negative index the slow way.
    const prev = last >= 0 ? children[last] : undefined;
    if (typeof prev === 'string') children[last] = prev + s;
    else this.add(s, at);
  }

  /**
   * Appends a child. Most elements have one: the first child gets an array of its own
   * size (a push onto an empty array reserves room for 17), so a tree of many small
   * elements takes much less memory.
   */
  private add(c: Child, at: number): void {
    const parent = this.current(at);
    if (parent.children === NONE) parent.children = [c];
    else parent.children.push(c);
  }

  private current(at: number): Building {
    const open = this.open[this.open.length - 1];
    if (!open) throw new WbxmlError('content outside the root element', at);
    return open;
  }
}

/** `bytes[start..end)` as a string when every byte is ASCII (the same in every charset we read), else undefined. */
function shortAscii(bytes: Uint8Array, start: number, end: number): string | undefined {
  let s = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return undefined;
    s += String.fromCharCode(b);
  }
  return s;
}
