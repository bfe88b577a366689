/**
 * Who a recipient field suggests for the text typed so far: the user's contacts and
 * recent recipients at once (ranked here), then the Global Address List's answer
 * added below them when it comes (never reordering what is already shown).
 */
import type { GalEntry } from '../../eas/commands/search.ts';
import { formatAddressList, parseAddressList, type Address } from '../../eas/items/addresses.ts';
import type { Contact } from '../../eas/items/contact.ts';
import type { RecentRecipient } from '../../store/recents.ts';
import { pictureUrl } from '../components/Avatar.tsx';

export type Source = 'contact' | 'recent' | 'gal';

export interface Person {
  readonly email: string;
  readonly name?: string;
  readonly source: Source;
  /** Lower-case words a query may start: names, readings, the address and its parts. */
  readonly words: readonly string[];
  /** A data: URL of the person's photo. */
  readonly picture?: string;
  /** Mails sent to them, and the last time (recent recipients). */
  readonly count?: number;
  readonly lastUsed?: number;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]/;

const norm = (s: string) => s.normalize('NFKC').toLowerCase();

function wordsOf(parts: readonly (string | undefined)[], email: string): string[] {
  const names = parts.filter((p): p is string => !!p).map(norm);
  const split = names.flatMap((n) => n.split(/[\s,]+/));
  const local = norm(email).split('@')[0] ?? '';
  return [...new Set([...names, ...split, norm(email), ...local.split(/[._-]+/)].filter(Boolean))];
}

/** A name as people say it: a Japanese name family name first, any other "First Last". */
export function contactName(c: Contact): string | undefined {
  const parts = CJK.test(`${c.lastName ?? ''}${c.firstName ?? ''}`) ? [c.lastName, c.firstName] : [c.firstName, c.lastName];
  return parts.filter(Boolean).join(' ') || c.fileAs || undefined;
}

/** Every address of a contact, as one person each. */
export function contactPeople(c: Contact): Person[] {
  const name = contactName(c);
  const picture = pictureUrl(c.picture);
  const addresses = [c.email1Address, c.email2Address, c.email3Address].flatMap((a) => (a ? parseAddressList(a).slice(0, 1) : []));
  return addresses
    .filter((a) => a.email.includes('@'))
    .map((a) => ({
      email: a.email,
      name: name ?? a.name,
      source: 'contact' as const,
      picture,
      words: wordsOf([name, c.fileAs, c.firstName, c.lastName, c.yomiFirstName, c.yomiLastName, c.nickName, a.name], a.email),
    }));
}

export function recentPeople(list: readonly RecentRecipient[]): Person[] {
  return list.map((r) => ({
    email: r.email,
    name: r.name,
    source: 'recent',
    count: r.count,
    lastUsed: r.lastUsed,
    words: wordsOf([r.name], r.email),
  }));
}

export function galPeople(entries: readonly GalEntry[]): Person[] {
  return entries.flatMap((g) => {
    if (!g.emailAddress) return [];
    const name = g.displayName || [g.firstName, g.lastName].filter(Boolean).join(' ') || undefined;
    return [
      {
        email: g.emailAddress,
        name,
        source: 'gal' as const,
        picture: g.picture?.status === 1 ? pictureUrl(g.picture.data) : undefined,
        words: wordsOf([name, g.firstName, g.lastName, g.alias], g.emailAddress),
      },
    ];
  });
}

/** Contacts and recent recipients as one list: a contact's name and photo, a recent's count and date. */
export function mergePeople(contacts: readonly Person[], recents: readonly Person[]): Person[] {
  const byEmail = new Map<string, Person>();
  for (const p of contacts) if (!byEmail.has(norm(p.email))) byEmail.set(norm(p.email), p);
  for (const r of recents) {
    const key = norm(r.email);
    const c = byEmail.get(key);
    byEmail.set(key, c ? { ...c, count: r.count, lastUsed: r.lastUsed, words: [...new Set([...c.words, ...r.words])] } : r);
  }
  return [...byEmail.values()];
}

/** 0: the name or address starts with the query; 1: one of its words does; -1: no match. */
export function matchRank(p: Person, query: string): number {
  const q = norm(query.trim());
  if (q === '') return -1;
  if (norm(p.name ?? '').startsWith(q) || norm(p.email).startsWith(q)) return 0;
  return p.words.some((w) => w.startsWith(q)) ? 1 : -1;
}

/**
 * The local suggestions, best first: better match, then written to more often, then
 * more recently, then contacts before other recent recipients, then by name.
 * `taken`: addresses already in the field (lower case), left out.
 */
export function localSuggestions(query: string, people: readonly Person[], taken: ReadonlySet<string>, limit = 8): Person[] {
  const ranked = people.flatMap((p) => {
    const rank = matchRank(p, query);
    return rank < 0 || taken.has(norm(p.email)) ? [] : [{ p, rank }];
  });
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      (b.p.count ?? 0) - (a.p.count ?? 0) ||
      (b.p.lastUsed ?? 0) - (a.p.lastUsed ?? 0) ||
      Number(a.p.source !== 'contact') - Number(b.p.source !== 'contact') ||
      (a.p.name ?? a.p.email).localeCompare(b.p.name ?? b.p.email),
  );
  return ranked.slice(0, limit).map((r) => r.p);
}

/** The GAL's people added after the local ones (a local person the GAL also has gains its photo). */
export function withGal(local: readonly Person[], gal: readonly Person[], taken: ReadonlySet<string>, limit = 12): Person[] {
  const shown = local.map((p) => {
    const g = p.picture ? undefined : gal.find((x) => norm(x.email) === norm(p.email) && x.picture);
    return g ? { ...p, picture: g.picture } : p;
  });
  const seen = new Set(shown.map((p) => norm(p.email)));
  const added = gal.filter((g) => !seen.has(norm(g.email)) && !taken.has(norm(g.email)) && (seen.add(norm(g.email)), true));
  return [...shown, ...added].slice(0, Math.max(limit, shown.length));
}

export const addressKey = norm;

/** The chips of a field's value: everything but the text still being typed at its end. */
export function fieldChips(value: string, text: string): Address[] {
  const typed = text.trim() !== '' && value.endsWith(text) ? value.slice(0, value.length - text.length) : value;
  return parseAddressList(typed.replace(/[\s,;]+$/, '')).filter((a) => a.email !== '' || a.name);
}

/** A field's value: the chips as an address list, then the text being typed. */
export function fieldValue(chips: readonly Address[], text: string): string {
  return [formatAddressList(chips), text.trim() === '' ? '' : text].filter((s) => s !== '').join(', ');
}
