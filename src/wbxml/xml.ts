/**
 * The XML form of a WBXML tree, for people, tests and the protocol inspector.
 *
 * Output: each element carries `xmlns="Ns"` where its namespace differs from its
 * parent's; leaf text stays on the element's line (so white space is exact);
 * opaque content is written as base64.
 *
 * Input: a small, strict XML reader (declaration, DOCTYPE, comments, CDATA,
 * character and predefined entities, default and prefixed namespaces). Namespace
 * names are accepted with or without a trailing ':' and as URIs ending in the
 * page name, as libwbxml writes them. Opaque elements take base64 text.
 */
import { fromBase64, toBase64 } from './base64.ts';
import { XmlFormError } from './errors.ts';
import type { Child, El } from './tree.ts';
import { isEl } from './tree.ts';
import type { VocabularyIndex } from './vocabulary.ts';

export interface ToXmlOptions {
  /** Indent string per level; '' writes everything on one line. Default two spaces. */
  indent?: string;
  /** Write the `<?xml ...?>` declaration. Default true. */
  declaration?: boolean;
}

export function toXml(root: El, options: ToXmlOptions = {}): string {
  const indent = options.indent ?? '  ';
  const out: string[] = [];
  if (options.declaration ?? true) out.push('<?xml version="1.0" encoding="utf-8"?>');
  writeElement(out, root, undefined, 0, indent);
  return out.join(indent ? '\n' : '') + (indent ? '\n' : '');
}

function writeElement(out: string[], e: El, parentNs: string | undefined, depth: number, indent: string): void {
  const pad = indent.repeat(depth);
  const open = e.ns === parentNs ? e.name : `${e.name} xmlns="${escapeAttr(e.ns)}"`;
  const content = e.children.filter((c) => typeof c !== 'string' || c.length > 0);
  if (content.length === 0) {
    out.push(`${pad}<${open}/>`);
    return;
  }
  if (!content.every(isEl) || !indent) {
    out.push(`${pad}<${open}>${content.map((c) => inline(c, e.ns)).join('')}</${e.name}>`);
    return;
  }
  out.push(`${pad}<${open}>`);
  for (const c of content) writeElement(out, c as El, e.ns, depth + 1, indent);
  out.push(`${pad}</${e.name}>`);
}

function inline(c: Child, parentNs: string): string {
  if (typeof c === 'string') return escapeText(c);
  if (c instanceof Uint8Array) return toBase64(c);
  const lines: string[] = [];
  writeElement(lines, c, parentNs, 0, '');
  return lines.join('');
}

function escapeText(s: string): string {
  return s.replace(/[&<>\r\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (ch) => {
    if (ch === '&') return '&amp;';
    if (ch === '<') return '&lt;';
    if (ch === '>') return '&gt;';
    return `&#x${ch.charCodeAt(0).toString(16).toUpperCase()};`;
  });
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------- reading

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 100;

export function fromXml(text: string, vocab: VocabularyIndex): El {
  // XML 1.0 section 2.11: a literal CR LF or CR reads as LF (a &#13; reference stays CR).
  return new XmlReader(text.replace(/\r\n?/g, '\n'), vocab).document();
}

interface Scope {
  defaultNs: string;
  prefixes: Map<string, string>;
}

class XmlReader {
  private pos = 0;
  constructor(
    private readonly s: string,
    private readonly vocab: VocabularyIndex,
  ) {}

  document(): El {
    this.misc();
    if (!this.s.startsWith('<', this.pos)) this.fail('expected the root element');
    const root = this.element({ defaultNs: this.vocab.vocabulary.defaultNs, prefixes: new Map() }, 0);
    this.misc();
    if (this.pos < this.s.length) this.fail('text after the root element');
    return root;
  }

  /** Skips white space, the declaration, DOCTYPE, comments and PIs between markup. */
  private misc(): void {
    for (;;) {
      this.skipSpace();
      if (this.s.startsWith('<?', this.pos)) this.skipPast('?>');
      else if (this.s.startsWith('<!--', this.pos)) this.skipPast('-->');
      else if (this.s.startsWith('<!DOCTYPE', this.pos)) this.skipDoctype();
      else return;
    }
  }

  private skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos] ?? '')) this.pos++;
  }

  private skipPast(end: string): string {
    const i = this.s.indexOf(end, this.pos);
    if (i < 0) this.fail(`missing "${end}"`);
    const inner = this.s.slice(this.pos, i);
    this.pos = i + end.length;
    return inner;
  }

  private skipDoctype(): void {
    let depth = 0;
    for (; this.pos < this.s.length; this.pos++) {
      const ch = this.s[this.pos];
      if (ch === '[') depth++;
      else if (ch === ']') depth--;
      else if (ch === '>' && depth === 0) {
        this.pos++;
        return;
      }
    }
    this.fail('unterminated DOCTYPE');
  }

  private element(parent: Scope, depth: number): El {
    if (depth >= MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH}`);
    const start = this.pos;
    this.pos++; // '<'
    const qname = this.name();
    const { attrs, selfClosing } = this.attributes();
    let scope = this.scope(parent, attrs);
    let ns = this.resolve(qname, scope, start);
    const local = localName(qname);
    if (!this.vocab.token(ns, local) && !attrs.has('xmlns') && !qname.includes(':')) {
      // libwbxml's un-namespaced documents name tags of any page; like libwbxml, take the first
      // page that has the tag, and make it the default for the children.
      const found = this.vocab.namespaceOf(local);
      if (found) {
        ns = found;
        scope = { defaultNs: found, prefixes: scope.prefixes };
      }
    }
    const e: El = { ns, name: this.vocab.canonicalName(ns, local), children: [] };
    if (!selfClosing) this.content(e, qname, scope, depth);
    return this.vocab.isOpaque(e.ns, e.name) ? toOpaque(e, () => this.failAt(start, 'opaque content is not base64')) : e;
  }

  private name(): string {
    const m = /^[A-Za-z_][\w.:-]*/.exec(this.s.slice(this.pos, this.pos + 200));
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private attributes(): { attrs: Map<string, string>; selfClosing: boolean } {
    const attrs = new Map<string, string>();
    for (;;) {
      this.skipSpace();
      if (this.s.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { attrs, selfClosing: true };
      }
      if (this.s.startsWith('>', this.pos)) {
        this.pos += 1;
        return { attrs, selfClosing: false };
      }
      const n = this.name();
      this.skipSpace();
      if (this.s[this.pos] !== '=') this.fail(`attribute ${n} has no value`);
      this.pos++;
      this.skipSpace();
      attrs.set(n, this.quoted());
    }
  }

  private quoted(): string {
    const q = this.s[this.pos];
    if (q !== '"' && q !== "'") this.fail('expected a quoted value');
    this.pos++;
    return decodeEntities(this.skipPast(q), () => this.fail('bad entity'));
  }

  private scope(parent: Scope, attrs: Map<string, string>): Scope {
    let scope = parent;
    for (const [n, v] of attrs) {
      if (n !== 'xmlns' && !n.startsWith('xmlns:')) this.fail(`attribute ${n}: WBXML for EAS has no attributes`);
      const canonical = this.vocab.resolveNs(v);
      if (!canonical) this.fail(`unknown namespace "${v}"`);
      if (scope === parent) scope = { defaultNs: parent.defaultNs, prefixes: new Map(parent.prefixes) };
      if (n === 'xmlns') scope.defaultNs = canonical;
      else scope.prefixes.set(n.slice(6), canonical);
    }
    return scope;
  }

  private resolve(qname: string, scope: Scope, at: number): string {
    const colon = qname.indexOf(':');
    if (colon < 0) return scope.defaultNs;
    const found = scope.prefixes.get(qname.slice(0, colon));
    if (!found) this.failAt(at, `undeclared prefix in <${qname}>`);
    return found;
  }

  private content(e: El, qname: string, scope: Scope, depth: number): void {
    let text = '';
    for (;;) {
      const lt = this.s.indexOf('<', this.pos);
      if (lt < 0) this.fail(`<${qname}> is not closed`);
      text += decodeEntities(this.s.slice(this.pos, lt), () => this.fail('bad entity'));
      this.pos = lt;
      if (this.s.startsWith('</', lt)) break;
      if (this.s.startsWith('<!--', lt)) this.skipPast('-->');
      else if (this.s.startsWith('<![CDATA[', lt)) {
        this.pos += 9;
        text += this.skipPast(']]>');
      } else if (this.s.startsWith('<?', lt)) this.skipPast('?>');
      else {
        text = flushText(e, text);
        e.children.push(this.element(scope, depth + 1));
      }
    }
    flushText(e, text, true);
    this.pos += 2;
    const closing = this.name();
    if (closing !== qname) this.fail(`</${closing}> does not close <${qname}>`);
    this.skipSpace();
    if (this.s[this.pos] !== '>') this.fail('expected ">"');
    this.pos++;
  }

  private fail(message: string): never {
    return this.failAt(this.pos, message);
  }

  private failAt(pos: number, message: string): never {
    const before = this.s.slice(0, pos);
    const line = before.split('\n').length;
    const column = pos - before.lastIndexOf('\n');
    throw new XmlFormError(message, line, column);
  }
}

/**
 * Adds pending text to `e`. White space between child elements is layout, not
 * content, so it is dropped; a leaf element keeps its text exactly.
 */
function flushText(e: El, text: string, last = false): string {
  if (text === '') return '';
  const hasElements = e.children.some(isEl);
  if (/^\s*$/.test(text) && (hasElements || !last)) return '';
  e.children.push(text);
  return '';
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function toOpaque(e: El, fail: () => never): El {
  const text = e.children.filter((c): c is string => typeof c === 'string').join('');
  if (e.children.some(isEl)) return e;
  try {
    return { ns: e.ns, name: e.name, children: text.trim() ? [fromBase64(text)] : [] };
  } catch {
    return fail();
  }
}

function decodeEntities(s: string, fail: () => never): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) return fail();
    if (ref.startsWith('#')) {
      const cp = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isInteger(cp) || cp < 0 || cp > 0x10ffff) return fail();
      return String.fromCodePoint(cp);
    }
    const v = ENTITIES[ref];
    return v ?? fail();
  });
}
