/**
 * From a stored body to the iframe's srcdoc. This module and what it imports
 * (DOMPurify; postal-mime for MIME bodies) are loaded on the first opened mail only.
 */
import type { BodyRecord } from '../../store/schema.ts';
import { renderMailHtml, textToHtml, type RenderedMail } from './sanitize.ts';

export interface MailContent {
  readonly html: string;
  /** Inline parts of a MIME body by Content-ID, as data: URLs. */
  readonly inline: ReadonlyMap<string, string>;
}

export async function contentOf(body: Pick<BodyRecord, 'type' | 'data'>): Promise<MailContent> {
  if (body.type === 4) return mimeContent(body.data);
  if (body.type === 2) return { html: body.data, inline: new Map() };
  if (body.type === 3) return { html: textToHtml('(RTF)'), inline: new Map() };
  return { html: textToHtml(body.data), inline: new Map() };
}

async function mimeContent(raw: string): Promise<MailContent> {
  const { default: PostalMime } = await import('postal-mime');
  const mail = await PostalMime.parse(raw);
  const inline = new Map<string, string>();
  for (const a of mail.attachments) {
    if (!a.contentId || !a.mimeType.startsWith('image/')) continue;
    const bytes = typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content);
    inline.set(a.contentId.replace(/^<|>$/g, ''), dataUrl(a.mimeType, bytes));
  }
  return { html: mail.html ?? textToHtml(mail.text ?? ''), inline };
}

/** Content-IDs the HTML refers to with cid: URLs. */
export function cidReferences(html: string): string[] {
  const ids = new Set<string>();
  for (const m of html.matchAll(/cid:([^"'\s)>]+)/gi)) {
    const id = m[1];
    if (id) ids.add(decodeURIComponentSafe(id));
  }
  return [...ids];
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function dataUrl(contentType: string, bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${contentType};base64,${btoa(bin)}`;
}

export function render(content: MailContent, cid: ReadonlyMap<string, string>, allowRemote: boolean): RenderedMail {
  return renderMailHtml(content.html, { allowRemote, cid: (id) => content.inline.get(id) ?? cid.get(id) });
}

export { textToHtml };
