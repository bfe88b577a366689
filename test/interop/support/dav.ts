/**
 * SOGo's CalDAV/CardDAV as the tests' second witness: what the client did must be visible there,
 * and what is written there must reach the client. Listing, PUT and DELETE come from the seeder
 * (test/peers/sogo/seed/dav.ts); reading objects back is added here.
 */
import { Dav } from '../../peers/sogo/seed/dav.ts';
import { oneShotTransport } from './http.ts';
import { SOGO_ORIGIN, type PeerUser } from './peer.ts';

export interface DavObject {
  readonly href: string;
  readonly body: string;
}

export const calendarPath = (u: PeerUser): string => `/SOGo/dav/${u.login}/Calendar/personal/`;
export const contactsPath = (u: PeerUser): string => `/SOGo/dav/${u.login}/Contacts/personal/`;

export class DavClient {
  readonly dav: Dav;
  private readonly auth: string;

  constructor(readonly user: PeerUser) {
    this.dav = new Dav(SOGO_ORIGIN, user.login, user.password);
    this.auth = `Basic ${btoa(`${user.login}:${user.password}`)}`;
  }

  async get(href: string): Promise<string> {
    const res = await oneShotTransport(new Request(new URL(href, SOGO_ORIGIN), { headers: { Authorization: this.auth } }));
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${href}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return text;
  }

  /** Every member of a collection, read (RFC 4918 PROPFIND Depth 1, then GET each). */
  async objects(collection: string): Promise<DavObject[]> {
    const hrefs = await this.dav.members(collection);
    return Promise.all(hrefs.map(async (href) => ({ href, body: await this.get(href) })));
  }

  /** The calendar's VEVENT (or VTODO) objects (RFC 4791 calendar-query), read. */
  async components(u: PeerUser, component: 'VEVENT' | 'VTODO'): Promise<DavObject[]> {
    const hrefs = await this.dav.componentsOf(calendarPath(u), component);
    return Promise.all(hrefs.map(async (href) => ({ href, body: await this.get(href) })));
  }

  async putCalendar(u: PeerUser, uid: string, ics: string): Promise<string> {
    const href = `${calendarPath(u)}${uid}.ics`;
    await this.dav.put(href, 'text/calendar; charset=utf-8', ics);
    return href;
  }

  async putContact(u: PeerUser, uid: string, vcf: string): Promise<string> {
    const href = `${contactsPath(u)}${uid}.vcf`;
    await this.dav.put(href, 'text/vcard; charset=utf-8', vcf);
    return href;
  }
}

/** Content lines of an iCalendar or vCard text, unfolded (RFC 5545 3.1, RFC 6350 3.2). */
export function contentLines(text: string): string[] {
  return text
    .replace(/\r?\n[ \t]/g, '')
    .split(/\r?\n/)
    .filter((l) => l !== '');
}

export interface Property {
  readonly name: string;
  /** Parameters, names upper-cased: {PARTSTAT: 'ACCEPTED'}. */
  readonly params: Readonly<Record<string, string>>;
  readonly value: string;
}

/** Every property called `name` (case-insensitive), in order. Values keep their escapes. */
export function properties(text: string, name: string): Property[] {
  const out: Property[] = [];
  for (const line of contentLines(text)) {
    const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/);
    if (colon < 0) continue;
    const [head = '', ...params] = line.slice(0, colon).split(';');
    if (head.replace(/^item\d+\./i, '').toUpperCase() !== name.toUpperCase()) continue;
    const map: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) map[p.slice(0, eq).toUpperCase()] = p.slice(eq + 1).replace(/^"|"$/g, '');
    }
    out.push({ name: head.toUpperCase(), params: map, value: line.slice(colon + 1) });
  }
  return out;
}

export function property(text: string, name: string): string | undefined {
  return properties(text, name)[0]?.value;
}

/** The objects whose text has `UID:<uid>` (events, tasks and vCards alike). */
export function withUid(objects: readonly DavObject[], uid: string): DavObject[] {
  return objects.filter((o) => properties(o.body, 'UID').some((p) => p.value === uid));
}

/** The first `BEGIN:<name>` ... `END:<name>` block of a text (a VEVENT without its VTIMEZONE's DTSTART). */
export function component(text: string, name: 'VEVENT' | 'VTODO'): string {
  const lines = contentLines(text);
  const start = lines.indexOf(`BEGIN:${name}`);
  const end = lines.indexOf(`END:${name}`, start);
  if (start < 0 || end < 0) throw new Error(`no ${name} in ${text.slice(0, 200)}`);
  return lines.slice(start, end + 1).join('\r\n');
}
