/** The contact form's fields and how edits apply to a stored contact (touched fields only). */
import type { Contact } from '../../eas/items/contact.ts';
import type { GalEntry } from '../../eas/commands/search.ts';
import type { MessageKey } from '../i18n/index.ts';

/** Text fields the form edits, in form order, with their label. */
export const CONTACT_FIELDS = [
  ['lastName', 'contacts.lastName'],
  ['firstName', 'contacts.firstName'],
  ['yomiLastName', 'contacts.yomiLastName'],
  ['yomiFirstName', 'contacts.yomiFirstName'],
  ['companyName', 'contacts.company'],
  ['department', 'contacts.department'],
  ['jobTitle', 'contacts.jobTitle'],
  ['email1Address', 'contacts.email'],
  ['email2Address', 'contacts.email2'],
  ['email3Address', 'contacts.email3'],
  ['mobilePhoneNumber', 'contacts.mobile'],
  ['businessPhoneNumber', 'contacts.work'],
  ['homePhoneNumber', 'contacts.home'],
  ['businessAddressPostalCode', 'contacts.postalCode'],
  ['businessAddressState', 'contacts.state'],
  ['businessAddressCity', 'contacts.city'],
  ['businessAddressStreet', 'contacts.street'],
  ['businessAddressCountry', 'contacts.country'],
  ['webPage', 'contacts.webPage'],
] as const satisfies readonly (readonly [keyof Contact, MessageKey])[];

export type ContactFormField = (typeof CONTACT_FIELDS)[number][0] | 'birthday' | 'notes';
export type ContactForm = Readonly<Record<ContactFormField, string>>;

const pad = (n: number) => String(n).padStart(2, '0');

/** Birthdays are dates: kept at UTC midnight and shown in UTC so no zone shifts the day. */
export function birthdayInput(d: Date | undefined): string {
  return d ? `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` : '';
}

export function formFromContact(c: Contact | undefined): ContactForm {
  const form: Record<string, string> = {};
  for (const [key] of CONTACT_FIELDS) form[key] = c?.[key] ?? '';
  form.birthday = birthdayInput(c?.birthday);
  form.notes = c?.body?.data ?? '';
  return form as ContactForm;
}

/** Outlook's default FileAs: "Last, First"; Japanese names "姓 名"; else the company. */
export function fileAsOf(c: Pick<Contact, 'firstName' | 'lastName' | 'companyName'>, lang: 'en' | 'ja'): string {
  const names = [c.lastName, c.firstName].filter((x): x is string => !!x);
  if (names.length === 0) return c.companyName ?? '';
  return names.join(lang === 'ja' ? ' ' : ', ');
}

/** Han, kana or Hangul: a name written the East Asian way, family name first. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]/;

/**
 * The name shown: a Japanese (CJK) name family name first with a space and no comma
 * ("山田 太郎", whatever FileAs says, "山田, 太郎" included); any other the FileAs the
 * server keeps, else "First Last", the company or the address.
 */
export function displayName(c: Contact): string {
  if (CJK.test(`${c.lastName ?? ''}${c.firstName ?? ''}`)) return [c.lastName, c.firstName].filter(Boolean).join(' ');
  return c.fileAs || [c.firstName, c.lastName].filter(Boolean).join(' ') || c.companyName || c.email1Address || '';
}

/**
 * What a contact sorts by: its reading (MS-ASCNTC 2.2.2 YomiLastName and YomiFirstName)
 * when it has one, so 山田 sorts under や as in a Japanese phone book;
 * else the shown name.
 */
export function sortKey(c: Contact): string {
  const yomi = [c.yomiLastName, c.yomiFirstName].filter(Boolean).join(' ');
  return yomi || displayName(c);
}

/** Contacts in phone-book order for the UI's language (Intl.Collator: kana by gojūon order). */
export function sortContacts<T>(list: readonly T[], contactOf: (x: T) => Contact, locale: string): T[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const keyed = list.map((x) => ({ x, key: sortKey(contactOf(x)) }));
  return keyed.sort((a, b) => collator.compare(a.key, b.key)).map((k) => k.x);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function applyContactEdits(
  previous: Contact | undefined,
  form: ContactForm,
  dirty: ReadonlySet<ContactFormField>,
  lang: 'en' | 'ja',
): Contact {
  const next: Mutable<Contact> = { ...previous };
  const touched = (k: ContactFormField) => !previous || dirty.has(k);
  for (const [key] of CONTACT_FIELDS) {
    if (!touched(key)) continue;
    const v = form[key].trim();
    if (v) next[key] = v;
    else delete next[key];
  }
  if (touched('birthday')) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(form.birthday);
    if (m) next.birthday = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    else delete next.birthday;
  }
  if (touched('notes') && (form.notes || previous?.body)) next.body = { type: 1, data: form.notes };
  if (!previous || ['firstName', 'lastName', 'companyName'].some((k) => dirty.has(k as ContactFormField)))
    next.fileAs = fileAsOf(next, lang);
  return next;
}

/** A directory entry as a new contact. */
export function contactFromGal(g: GalEntry): Contact {
  const c: Mutable<Contact> = {};
  if (g.firstName) c.firstName = g.firstName;
  if (g.lastName) c.lastName = g.lastName;
  if (!g.firstName && !g.lastName && g.displayName) c.fileAs = g.displayName;
  if (g.emailAddress) c.email1Address = g.emailAddress;
  if (g.phone) c.businessPhoneNumber = g.phone;
  if (g.mobilePhone) c.mobilePhoneNumber = g.mobilePhone;
  if (g.homePhone) c.homePhoneNumber = g.homePhone;
  if (g.company) c.companyName = g.company;
  if (g.title) c.jobTitle = g.title;
  if (g.office) c.officeLocation = g.office;
  if (!c.fileAs) c.fileAs = g.displayName ?? fileAsOf(c, 'en');
  return c;
}
