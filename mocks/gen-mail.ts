/**
 * Seeded mail generation. Headers are made eagerly (cheap), bodies and
 * attachments lazily on first use, so 50k mails generate in well under a second.
 */
import { fromBase64 } from '../src/wbxml/base64.ts';
import { EN_LINES, EN_PEOPLE, EN_SUBJECTS, JA_LINES, JA_PEOPLE, JA_SUBJECTS, NEWSLETTERS, SHOPS, type Person } from './gen-text.ts';
import { addItem, type Address, type Mail, type MailAttachment, type MailContent, type Store, type User, type World } from './model.ts';
import { rng, type Rng } from './random.ts';
import { escapeHtml } from './wire.ts';

/** A 16x16 blue PNG used as the inline image of demo mails. */
const LOGO_PNG = fromBase64('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPQztlAEmIY1TCqYfhqAABTXEcQuZnypgAAAABJRU5ErkJggg==');

export type MailKind = 'inbox' | 'project' | 'newsletter' | 'receipt' | 'sent';

export interface MailGen {
  readonly world: World;
  readonly seed: number;
  readonly owner: User;
  /** Other local users, who write some of the mail. */
  readonly colleagues: readonly Address[];
}

export function personAddress(p: Person, domain = 'partner.example.com'): Address {
  const ja = p.yomiLast !== undefined;
  return { name: ja ? `${p.last} ${p.first}` : `${p.first} ${p.last}`, email: `${p.ascii}@${domain}` };
}

const KIND_CODE: Record<MailKind, number> = { inbox: 1, project: 2, newsletter: 3, receipt: 4, sent: 5 };

function itemRng(gen: MailGen, kind: MailKind, index: number): Rng {
  return rng((gen.seed * 1_000_003 + KIND_CODE[kind] * 65_537 + index * 7_919) >>> 0);
}

function pickSender(gen: MailGen, r: Rng, kind: MailKind): Address {
  if (kind === 'newsletter') {
    const [name, email] = r.pick(NEWSLETTERS);
    return { name, email };
  }
  if (kind === 'receipt') {
    const [name, email] = r.pick(SHOPS);
    return { name, email };
  }
  if (gen.colleagues.length > 0 && r.chance(0.25)) return r.pick(gen.colleagues);
  return personAddress(r.chance(0.5) ? r.pick(JA_PEOPLE) : r.pick(EN_PEOPLE));
}

function subjectFor(r: Rng, kind: MailKind, index: number): { subject: string; japanese: boolean } {
  const japanese = r.chance(0.5);
  const base = japanese ? r.pick(JA_SUBJECTS) : r.pick(EN_SUBJECTS);
  if (kind === 'receipt')
    return { subject: japanese ? `ご注文の確認 #${10_000 + index}` : `Receipt for order #${10_000 + index}`, japanese };
  if (kind === 'newsletter') return { subject: japanese ? `ニュースレター 第${index + 1}号` : `Newsletter issue ${index + 1}`, japanese };
  if (kind === 'project') return { subject: `[Project Sakura] ${base}`, japanese };
  return { subject: base, japanese };
}

function hash16(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let h = 2166136261;
  for (let i = 0; i < 16; i++) {
    for (const ch of text + i) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out[i] = h & 0xff;
  }
  return out;
}

/** MS-ASEMAIL 2.2.2.18 ConversationIndex: 22-byte header (reserved byte, 5 bytes of time, 16-byte GUID). */
function conversationIndex(id: Uint8Array, date: number): Uint8Array {
  const out = new Uint8Array(22);
  out[0] = 1;
  const t = Math.floor(date / 1000);
  for (let i = 0; i < 5; i++) out[1 + i] = (t >>> (8 * (4 - i))) & 0xff;
  out.set(id, 6);
  return out;
}

function attachmentFor(r: Rng, japanese: boolean): MailAttachment {
  const kind = r.int(0, 2);
  if (kind === 0) {
    const text = japanese ? '議事録\n1. 進捗確認\n2. 次回の予定\n' : 'Minutes\n1. Status\n2. Next steps\n';
    return {
      name: japanese ? '議事録.txt' : 'minutes.txt',
      contentType: 'text/plain',
      bytes: new TextEncoder().encode(text),
      inline: false,
    };
  }
  if (kind === 1) {
    const csv = 'item,qty,price\nA-100,2,1200\nB-200,1,3400\n';
    return { name: 'quote.csv', contentType: 'text/csv', bytes: new TextEncoder().encode(csv), inline: false };
  }
  const pdf = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  return { name: 'report.pdf', contentType: 'application/pdf', bytes: new TextEncoder().encode(pdf), inline: false };
}

function contentFor(gen: MailGen, kind: MailKind, index: number, sender: Address): () => MailContent {
  return () => {
    const r = itemRng(gen, kind, index + 500_000);
    const japanese = r.chance(0.5);
    const pool = japanese ? JA_LINES : EN_LINES;
    const lines = Array.from({ length: r.int(2, 5) }, () => r.pick(pool));
    const greeting = japanese ? `${gen.owner.lastName}様` : `Hi ${gen.owner.firstName},`;
    const text = [greeting, '', ...lines, '', sender.name].join('\n');
    const withImage = kind === 'newsletter' || r.chance(0.12);
    const attachments: MailAttachment[] = [];
    if (withImage)
      attachments.push({ name: 'logo.png', contentType: 'image/png', bytes: LOGO_PNG, contentId: `logo${index}@mock`, inline: true });
    if (kind === 'receipt' || r.chance(0.2)) attachments.push(attachmentFor(r, japanese));
    const img = withImage ? `<p><img src="cid:logo${index}@mock" alt="logo" width="16" height="16"></p>` : '';
    const html = `<html><body>${img}<p>${escapeHtml(greeting)}</p>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p><b>${escapeHtml(sender.name)}</b></p></body></html>`;
    return { text, html: r.chance(0.85) ? html : undefined, attachments };
  };
}

/** One generated mail; `date` is its DateReceived. */
export function generateMail(gen: MailGen, kind: MailKind, index: number, date: number): Mail {
  const r = itemRng(gen, kind, index);
  const owner: Address = { name: gen.owner.displayName, email: gen.owner.email };
  const other = pickSender(gen, r, kind);
  const { subject } = subjectFor(r, kind, index);
  const from = kind === 'sent' ? owner : other;
  const to = kind === 'sent' ? [other] : [owner];
  const conversationId = hash16(subject.replace(/^\[.*?\]\s*/, ''));
  return {
    kind: 'mail',
    subject,
    from,
    to,
    cc: r.chance(0.15) && gen.colleagues[0] ? [gen.colleagues[0]] : [],
    bcc: [],
    replyTo: [],
    date,
    read: kind === 'sent' || r.chance(0.6),
    importance: r.chance(0.08) ? 2 : 1,
    categories: [],
    messageClass: 'IPM.Note',
    messageId: `gen-${gen.seed}-${KIND_CODE[kind]}-${index}@${gen.owner.login}.mock`,
    conversationId,
    conversationIndex: conversationIndex(conversationId, date),
    content: contentFor(gen, kind, index, from),
  };
}

/**
 * Adds `count` mails to `store`, dated evenly over the `spanDays` before `now`,
 * oldest first (so the store's order is arrival order).
 */
export function addMails(gen: MailGen, store: Store, kind: MailKind, count: number, now: number, spanDays: number): void {
  const step = (spanDays * 86_400_000) / Math.max(count, 1);
  for (let i = count - 1; i >= 0; i--) {
    const date = Math.floor(now - 60_000 - i * step);
    addItem(gen.world, store, generateMail(gen, kind, i, date), true);
  }
}
