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
 * Remote content (images; in CSS, which css.ts reads with a real parser: url(),
 * image-set(), @import, @font-face src) is blocked until consent: its URL is removed
 * from the markup, so nothing even tries to load; `blocked` counts them. Links open only
 * to absolute http(s):, mailto: and tel: targets off the app's origin (linkTarget).
 */
import DOMPurify from 'dompurify';
import { cleanDeclarations, cleanStyleSheet, type ResourceUse } from './css.ts';

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
  /** Origins of the remote resources by use, which the CSP lists after consent. */
  readonly origins: Readonly<Record<ResourceUse, readonly string[]>>;
}

const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'meta',
  'link',
  'base',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'portal',
  'dialog',
  'template',
  'noscript',
  'title',
];
const FORBID_ATTR = [
  'srcset',
  'action',
  'formaction',
  'ping',
  'poster',
  'lowsrc',
  'dynsrc',
  'longdesc',
  'usemap',
  'xmlns',
  'manifest',
  'http-equiv',
  'autofocus',
  'tabindex',
  'contenteditable',
  'popover',
];
const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const REMOTE = /^(https?:)?\/\//i;
const DATA_IMAGE = /^data:image\/(png|gif|jpe?g|webp|bmp|avif|x-icon|vnd\.microsoft\.icon);/i;

interface Pass {
  readonly opts: RenderOptions;
  blocked: number;
  readonly origins: Record<ResourceUse, Set<string>>;
}

let pass: Pass | undefined;
let purify: ReturnType<typeof DOMPurify> | undefined;

function instance(): ReturnType<typeof DOMPurify> {
  if (purify) return purify;
  purify = DOMPurify(window);
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && pass) node.textContent = cleanStyleSheet(node.textContent ?? '', resourceOf(pass));
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (pass && node.nodeType === 1) cleanAttributes(node as Element, pass);
  });
  return purify;
}

/**
 * The URL of a resource to keep, or undefined to drop it. Every remote one (an image, a
 * CSS background or image-set, an @import, a font) waits for the "Show images" consent
 * and is counted as blocked until then; cid: parts resolve to the mail's attachments.
 */
function resourceUrl(raw: string, p: Pass, use: ResourceUse = 'image'): string | undefined {
  const url = raw.trim();
  if (use === 'image' && /^cid:/i.test(url)) return p.opts.cid(decodeCid(url.slice(4)));
  if (use === 'image' && DATA_IMAGE.test(url)) return url;
  if (REMOTE.test(url)) {
    if (!p.opts.allowRemote) {
      p.blocked++;
      return undefined;
    }
    const abs = url.startsWith('//') ? 'https:' + url : url;
    try {
      p.origins[use].add(new URL(abs).origin);
      return abs;
    } catch {
      return undefined;
    }
  }
  return undefined; // relative, javascript:, data:text/html... never load
}

const resourceOf = (p: Pass) => (raw: string, use: ResourceUse) => resourceUrl(raw, p, use);

/**
 * A link the user may follow: an absolute http(s):, mailto: or tel: URL that leaves the
 * app. Relative links, fragments (#/mail/… would be a route of this app) and anything on
 * the app's own origin are dropped. The URL is read twice, alone and against the page, so
 * that a spelling the browser would resolve against the app (`http:/proxy/…`) is refused.
 */
export function linkTarget(raw: string, appUrl: string): string | undefined {
  let alone: URL;
  let here: URL;
  try {
    alone = new URL(raw.trim());
    here = new URL(raw.trim(), appUrl);
  } catch {
    return undefined;
  }
  if (!LINK_SCHEMES.has(alone.protocol) || alone.href !== here.href) return undefined;
  if ((alone.protocol === 'http:' || alone.protocol === 'https:') && alone.origin === new URL(appUrl).origin) return undefined;
  return alone.href;
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
    const target = href === null ? undefined : linkTarget(href, location.href);
    if (target === undefined) node.removeAttribute('href');
    else node.setAttribute('href', target);
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
  for (const name of ['src', 'background']) {
    const v = node.getAttribute(name);
    if (v === null) continue;
    const keep = tag === 'img' || name === 'background' ? resourceUrl(v, p) : undefined;
    if (keep === undefined) node.removeAttribute(name);
    else node.setAttribute(name, keep);
  }
  const style = node.getAttribute('style');
  if (style !== null) node.setAttribute('style', cleanDeclarations(style, resourceOf(p)));
}

/** Images, style sheets and fonts only from data: and, after consent, the origins the mail names for each. */
export function contentSecurityPolicy(origins: RenderedMail['origins']): string {
  const list = (first: readonly string[], use: ResourceUse) => [...first, ...origins[use]].join(' ');
  return `default-src 'none'; img-src ${list(['data:', 'cid:'], 'image')}; style-src ${list(["'unsafe-inline'"], 'style')}; font-src ${list(['data:'], 'font')}; form-action 'none'; base-uri 'none'`;
}

const BASE_CSS =
  'html{color-scheme:light;background:#fff}body{margin:0;padding:12px 16px;font:15px/1.5 system-ui,-apple-system,"Hiragino Sans","Noto Sans CJK JP",sans-serif;color:#1b1f24;overflow-wrap:anywhere}' +
  'img{max-width:100%}img:not([height]){height:auto}table{max-width:100%}pre{white-space:pre-wrap}blockquote{margin:0 0 0 .5em;padding-left:.8em;border-left:3px solid #c8ced6;color:#4a5361}';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

export function renderMailHtml(html: string, opts: RenderOptions): RenderedMail {
  const p: Pass = { opts, blocked: 0, origins: { image: new Set(), style: new Set(), font: new Set() } };
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
  const origins = { image: [...p.origins.image], style: [...p.origins.style], font: [...p.origins.font] };
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
