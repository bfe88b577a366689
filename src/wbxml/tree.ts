/**
 * The document tree that the WBXML codec reads and writes.
 *
 * An element has a namespace (the code page's namespace name, e.g. "AirSync"),
 * a local name, and children. A child is an element, a text string (STR_I,
 * STR_T, ENTITY) or opaque bytes (OPAQUE). EAS never mixes text and elements
 * in one element, but the tree allows it.
 */
export interface El {
  readonly ns: string;
  readonly name: string;
  readonly children: Child[];
}

export type Child = El | string | Uint8Array;

export function isEl(c: Child | undefined): c is El {
  return typeof c === 'object' && c !== null && !(c instanceof Uint8Array);
}

/** Content accepted by the builder: null/undefined/false are skipped, numbers become text. */
export type Content = Child | number | null | undefined | false | readonly Content[];

/** Builds an element: `el('AirSync', 'SyncKey', '0')`. Arrays are flattened. */
export function el(ns: string, name: string, ...content: Content[]): El {
  const children: Child[] = [];
  const add = (c: Content): void => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) (c as readonly Content[]).forEach(add);
    else if (typeof c === 'number') children.push(String(c));
    else children.push(c as Child);
  };
  content.forEach(add);
  return { ns, name, children };
}

/**
 * A builder bound to one namespace: `const as = ns('AirSync'); as('Sync', ...)`.
 * Keeps command builders short and readable.
 */
export function ns(namespace: string): (name: string, ...content: Content[]) => El {
  return (name, ...content) => el(namespace, name, ...content);
}

/** Optional element: only built when the value is present. */
export function opt(namespace: string, name: string, value: string | number | boolean | undefined | null): El | undefined {
  if (value === undefined || value === null) return undefined;
  const v = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return el(namespace, name, v);
}

/** The element children of `e`, optionally filtered by local name (and namespace). */
export function kids(e: El, name?: string, namespace?: string): El[] {
  const out: El[] = [];
  for (const c of e.children) {
    if (!isEl(c)) continue;
    if (name !== undefined && c.name !== name) continue;
    if (namespace !== undefined && c.ns !== namespace) continue;
    out.push(c);
  }
  return out;
}

/** The first element child with that name (and namespace), if any. */
export function kid(e: El, name: string, namespace?: string): El | undefined {
  for (const c of e.children) {
    // Names first: item decoders look up ~40 fields among ~20 children, most absent.
    // A string or Uint8Array child has no `name`, so it never matches.
    if (typeof c !== 'string' && (c as El).name === name && (namespace === undefined || (c as El).ns === namespace) && isEl(c)) return c;
  }
  return undefined;
}

/** Follows a path of child names: `path(root, 'Collections', 'Collection')`. */
export function path(e: El | undefined, ...names: string[]): El | undefined {
  let cur = e;
  for (const n of names) {
    if (!cur) return undefined;
    cur = kid(cur, n);
  }
  return cur;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** The text content of an element (opaque bytes read as UTF-8); '' when empty. */
export function textOf(e: El | undefined): string {
  if (!e) return '';
  const only = e.children.length === 1 ? e.children[0] : undefined;
  if (typeof only === 'string') return only; // nearly every element with text
  let s = '';
  for (const c of e.children) {
    if (typeof c === 'string') s += c;
    else if (c instanceof Uint8Array) s += utf8.decode(c);
  }
  return s;
}

/** Text of the named child, or undefined when the child is absent. */
export function textAt(e: El | undefined, ...names: string[]): string | undefined {
  const t = path(e, ...names);
  return t ? textOf(t) : undefined;
}

/** Integer value of the named child, or undefined when absent or not a number. */
export function intAt(e: El | undefined, ...names: string[]): number | undefined {
  const t = textAt(e, ...names);
  if (t === undefined || t.trim() === '') return undefined;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Boolean value ("1"/"0", "true"/"false") of the named child, or undefined when absent. */
export function boolAt(e: El | undefined, ...names: string[]): boolean | undefined {
  const t = textAt(e, ...names);
  if (t === undefined) return undefined;
  const v = t.trim().toLowerCase();
  return v === '1' || v === 'true';
}

const utf8Encoder = new TextEncoder();

/** Opaque bytes of an element (text is encoded as UTF-8). */
export function bytesOf(e: El | undefined): Uint8Array | undefined {
  if (!e) return undefined;
  const only = e.children.length === 1 ? e.children[0] : undefined;
  if (only instanceof Uint8Array) return only;
  const parts: Uint8Array[] = [];
  const enc = utf8Encoder;
  for (const c of e.children) {
    if (c instanceof Uint8Array) parts.push(c);
    else if (typeof c === 'string') parts.push(enc.encode(c));
  }
  if (parts.length === 1) return parts[0];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
