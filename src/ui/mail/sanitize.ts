/**
 * Turns a mail's HTML into the srcdoc of a sandboxed iframe. Loaded lazily (DOMPurify).
 *
 * Three independent walls, so that one failing is not enough:
 *  1. DOMPurify in the page (HTML profile only: no SVG/MathML, no forms, frames,
 *     objects, meta, base, link), plus our own URL policy below;
 *  2. the iframe's sandbox has no allow-scripts (and no allow-forms, no top navigation);
 *  3. a CSP meta as the first element of the document: default-src 'none', images only
 *     from data: (cid: parts are inlined as data: URLs) and, after the user's consent,
 *     from the remote origins the mail names.
 * Remote content (images, CSS url(), backgrounds) is blocked until consent: its URL is
 * removed from the markup, so nothing even tries to load; `blocked` counts them.
 */
import DOMPurify from 'dompurify';

export interface RenderOptions {
  /** The user allowed remote images for this mail. */
  readonly allowRemote: boolean;
  /** data: URL for a Content-ID (without the angle brackets), when the part is available. */
  readonly cid: (contentId: string) => string | undefined;
}

export interface RenderedMail {
  readonly srcdoc: string;
  /** Remote resources left out (0 once allowed). */
  readonly blocked: number;
  /** Origins of the remote resources, which the CSP lists after consent. */
  readonly origins: readonly string[];
}

const FORBID_TAGS = ['form', 'input', 'button', 'textarea', 'select', 'option', 'meta', 'link', 'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'audio', 'video', 'source', 'track', 'picture', 'portal', 'dialog', 'template', 'noscript', 'title'];
const FORBID_ATTR = ['srcset', 'action', 'formaction', 'ping', 'poster', 'lowsrc', 'dynsrc', 'longdesc', 'usemap', 'xmlns', 'manifest', 'http-equiv', 'autofocus', 'tabindex', 'contenteditable', 'popover'];
const LINK_SCHEMES = /^(https?:|mailto:|tel:)/i;
const REMOTE = /^(https?:)?\/\//i;
const DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp|avif|x-icon|vnd\.microsoft\.icon);/i;

interface Pass {
  readonly opts: RenderOptions;
  blocked: number;
  readonly origins: Set<string>;
}

let pass: Pass | undefined;
let purify: ReturnType<typeof DOMPurify> | undefined;

function instance(): ReturnType<typeof DOMPurify> {
  if (purify) return purify;
  purify = DOMPurify(window);
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && pass) node.textContent = cleanCss(node.textContent ?? '', pass);
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (pass && node instanceof Element) cleanAttributes(node, pass);
  });
  return purify;
}

/** The image URL to keep, or undefined to drop it (counting remote ones as blocked). */
function imageUrl(raw: string, p: Pass): string | undefined {
  const url = raw.trim();
  if (/^cid:/i.test(url)) return p.opts.cid(decodeCid(url.slice(4)));
  if (DATA_IMAGE.test(url)) return url;
  if (REMOTE.test(url)) {
    if (!p.opts.allowRemote) {
      p.blocked++;
      return undefined;
    }
    const abs = url.startsWith('//') ? 'https:' + url : url;
    try {
      p.origins.add(new URL(abs).origin);
      return abs;
    } catch {
      return undefined;
    }
  }
  return undefined; // relative, javascript:, data:text/html... never load
}

function decodeCid(id: string): string {
  try {
    return decodeURIComponent(id).replace(/^<|>$/g, '');
  } catch {
    return id;
  }
}

function cleanAttributes(node: Element, p: Pass): void {
  const tag = node.tagName.toLowerCase();
  if (tag === 'a' || tag === 'area') {
    const href = node.getAttribute('href');
    if (href !== null && !LINK_SCHEMES.test(href.trim())) node.removeAttribute('href');
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  for (const name of ['src', 'background']) {
    const v = node.getAttribute(name);
    if (v === null) continue;
    const keep = tag === 'img' || name === 'background' ? imageUrl(v, p) : undefined;
    if (keep === undefined) node.removeAttribute(name);
    else node.setAttribute(name, keep);
  }
  const style = node.getAttribute('style');
  if (style !== null) node.setAttribute('style', cleanCss(style, p));
}

/**
 * CSS from a style attribute or element: @import is dropped (it would load a sheet),
 * url() keeps only what imageUrl keeps, and legacy script hooks are removed.
 */
function cleanCss(css: string, p: Pass): string {
  return css
    .replace(/\\/g, '') // CSS escapes can spell url( or expression( in disguise
    .replace(/@import[^;]*;?/gi, '')
    .replace(/url\(\s*(['"]?)(.*?)\1\s*\)/gi, (_m, _q: string, u: string) => {
      const keep = imageUrl(u, p);
      return keep === undefined ? 'none' : `url("${keep.replace(/"/g, '%22')}")`;
    })
    .replace(/(expression|-moz-binding|behavior)\s*[(:]/gi, 'blocked-');
}

export function contentSecurityPolicy(origins: readonly string[]): string {
  const img = ['data:', 'cid:', ...origins].join(' ');
  return `default-src 'none'; img-src ${img}; style-src 'unsafe-inline'; font-src data:; form-action 'none'; base-uri 'none'`;
}

const BASE_CSS =
  'html{color-scheme:light}body{margin:0;padding:12px 16px;font:15px/1.5 system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP",sans-serif;color:#1b1f24;overflow-wrap:anywhere}' +
  'img{max-width:100%}img:not([height]){height:auto}table{max-width:100%}pre{white-space:pre-wrap}blockquote{margin:0 0 0 .5em;padding-left:.8em;border-left:3px solid #c8ced6;color:#4a5361}';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

export function renderMailHtml(html: string, opts: RenderOptions): RenderedMail {
  const p: Pass = { opts, blocked: 0, origins: new Set() };
  pass = p;
  let body: string;
  try {
    body = instance().sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS,
      FORBID_ATTR,
      ALLOW_DATA_ATTR: false,
      ALLOW_UNKNOWN_PROTOCOLS: false,
      SANITIZE_NAMED_PROPS: true,
      FORCE_BODY: true,
      ADD_ATTR: ['target'],
    });
  } finally {
    pass = undefined;
  }
  const origins = [...p.origins];
  const srcdoc =
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(origins))}">` +
    '<meta name="referrer" content="no-referrer"><base target="_blank">' +
    `<style>${BASE_CSS}</style></head><body>${body}</body></html>`;
  return { srcdoc, blocked: p.blocked, origins };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as HTML: escaped, links made clickable, quotes (> lines) indented. */
export function textToHtml(text: string): string {
  const linked = escapeHtml(text).replace(/\bhttps?:\/\/[^\s<>"]+/g, (u) => `<a href="${u}">${u}</a>`);
  return `<pre style="font:inherit;margin:0">${linked}</pre>`;
}
