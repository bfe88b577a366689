/**
 * The account's signature in compose: put in the text as a plain block after the
 * "-- " line (RFC 3676 4.3, which mail readers recognise and hide or grey), above the
 * quote of a reply or forward. An HTML signature is shown there as its text; on send
 * the mail also gets an HTML part where that block is the signature's own HTML, as
 * long as the user left the block as it was (edited, the mail goes as plain text).
 */
import type { Signature } from '../../store/schema.ts';
import { htmlText } from './html-text.ts';

/** RFC 3676 4.3 signature separator line: dash, dash, space. */
export const SIG_DASHES = '-- ';

/** The signature as it stands in the compose text: the dashes line, then its text. */
export function signatureBlock(sig: Signature | undefined): string {
  if (!sig || sig.text.trim() === '') return '';
  return `${SIG_DASHES}\n${sig.html ? htmlText(sig.text) : sig.text.trimEnd()}`;
}

/** What a signature may hold: text formatting, links, pictures, simple tables. */
const TAGS = new Set([
  'A',
  'B',
  'STRONG',
  'I',
  'EM',
  'U',
  'S',
  'SMALL',
  'BIG',
  'SUB',
  'SUP',
  'FONT',
  'SPAN',
  'DIV',
  'P',
  'BR',
  'HR',
  'IMG',
  'UL',
  'OL',
  'LI',
  'TABLE',
  'TBODY',
  'TR',
  'TD',
  'TH',
  'BLOCKQUOTE',
  'PRE',
  'CODE',
  'H1',
  'H2',
  'H3',
  'H4',
  'CENTER',
]);
const ATTRS = new Set(['href', 'src', 'alt', 'title', 'style', 'color', 'face', 'size', 'width', 'height', 'align', 'colspan', 'rowspan']);
/** Elements dropped with their content (the rest of an unknown element's content is kept). */
const DROP = new Set([
  'SCRIPT',
  'STYLE',
  'TEMPLATE',
  'IFRAME',
  'OBJECT',
  'EMBED',
  'FORM',
  'TEXTAREA',
  'SELECT',
  'BUTTON',
  'INPUT',
  'NOSCRIPT',
  'SVG',
  'MATH',
]);
const SAFE_URL = /^(https?:|mailto:|tel:|data:image\/(png|gif|jpe?g|webp);)/i;

/** The user's signature HTML with only formatting left: no scripts, handlers, forms, frames or odd URLs (it goes into other people's mail). */
export function cleanSignatureHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out = doc.createElement('div');
  const copy = (from: Node, to: Node): void => {
    for (const n of [...from.childNodes]) {
      if (n.nodeType === 3) to.appendChild(doc.createTextNode(n.textContent ?? ''));
      if (n.nodeType !== 1) continue;
      const e = n as Element;
      if (DROP.has(e.tagName.toUpperCase())) continue;
      if (!TAGS.has(e.tagName.toUpperCase())) {
        copy(e, to);
        continue;
      }
      const kept = doc.createElement(e.tagName.toLowerCase());
      for (const a of [...e.attributes]) {
        const name = a.name.toLowerCase();
        const url = name === 'href' || name === 'src';
        if (ATTRS.has(name) && (!url || SAFE_URL.test(a.value.trim())) && !(name === 'style' && /url\(|expression/i.test(a.value)))
          kept.setAttribute(name, a.value);
      }
      to.appendChild(kept);
      copy(e, kept);
    }
  };
  copy(doc.body, out);
  return out.innerHTML;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as HTML that keeps its lines (a quote's "> " lines included). */
const textHtml = (text: string) => (text === '' ? '' : `<div style="white-space:pre-wrap">${escapeHtml(text)}</div>`);

/**
 * The HTML part for a mail whose signature is HTML: the text around the signature block
 * escaped, the block replaced by the signature's own HTML. Undefined when the signature
 * is plain or the user changed or removed its block (the mail then goes as text only).
 */
export function htmlWithSignature(text: string, sig: Signature | undefined): string | undefined {
  if (!sig?.html) return undefined;
  const block = signatureBlock(sig);
  const at = text.indexOf(block);
  if (block === '' || at < 0 || text.indexOf(block, at + 1) >= 0) return undefined;
  const before = text.slice(0, at);
  const after = text.slice(at + block.length);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${textHtml(before)}<div class="signature">${escapeHtml(SIG_DASHES)}<br>${cleanSignatureHtml(sig.text)}</div>${textHtml(after)}</body></html>`;
}
