/**
 * Contact class items (MS-ASCNTC): Contacts and Contacts2 namespaces plus an
 * AirSyncBase body (Contacts:Body in 2.5).
 *
 * The field tables below map record keys to element names; they are the single
 * source for decoding, encoding and the Supported element.
 */
import { el, kid, kids, textOf, type El } from '../../wbxml/tree.ts';
import type { EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import { decodeBody, decodeNativeBodyType, encodeBody, readDate, readInt, readText, type Body, type BodyType } from './airsyncbase.ts';
import { formatEasDateTime } from './dates.ts';

const CN = 'Contacts';
const CN2 = 'Contacts2';

/** Contacts-namespace string elements (MS-ASCNTC 2.2.2). */
const CONTACTS_TEXT = {
  fileAs: 'FileAs',
  title: 'Title',
  firstName: 'FirstName',
  middleName: 'MiddleName',
  lastName: 'LastName',
  suffix: 'Suffix',
  yomiFirstName: 'YomiFirstName',
  yomiLastName: 'YomiLastName',
  email1Address: 'Email1Address',
  email2Address: 'Email2Address',
  email3Address: 'Email3Address',
  mobilePhoneNumber: 'MobilePhoneNumber',
  homePhoneNumber: 'HomePhoneNumber',
  home2PhoneNumber: 'Home2PhoneNumber',
  homeFaxNumber: 'HomeFaxNumber',
  businessPhoneNumber: 'BusinessPhoneNumber',
  business2PhoneNumber: 'Business2PhoneNumber',
  businessFaxNumber: 'BusinessFaxNumber',
  carPhoneNumber: 'CarPhoneNumber',
  pagerNumber: 'PagerNumber',
  radioPhoneNumber: 'RadioPhoneNumber',
  assistantName: 'AssistantName',
  assistantPhoneNumber: 'AssistantPhoneNumber',
  homeAddressStreet: 'HomeAddressStreet',
  homeAddressCity: 'HomeAddressCity',
  homeAddressState: 'HomeAddressState',
  homeAddressPostalCode: 'HomeAddressPostalCode',
  homeAddressCountry: 'HomeAddressCountry',
  businessAddressStreet: 'BusinessAddressStreet',
  businessAddressCity: 'BusinessAddressCity',
  businessAddressState: 'BusinessAddressState',
  businessAddressPostalCode: 'BusinessAddressPostalCode',
  businessAddressCountry: 'BusinessAddressCountry',
  otherAddressStreet: 'OtherAddressStreet',
  otherAddressCity: 'OtherAddressCity',
  otherAddressState: 'OtherAddressState',
  otherAddressPostalCode: 'OtherAddressPostalCode',
  otherAddressCountry: 'OtherAddressCountry',
  companyName: 'CompanyName',
  yomiCompanyName: 'YomiCompanyName',
  department: 'Department',
  jobTitle: 'JobTitle',
  officeLocation: 'OfficeLocation',
  webPage: 'WebPage',
  spouse: 'Spouse',
  /** Base64-encoded image (MS-ASCNTC 2.2.2 Picture). */
  picture: 'Picture',
} as const;

/** Contacts2-namespace string elements (MS-ASCNTC 2.2.2; MS-ASWBXML code page 12). */
const CONTACTS2_TEXT = {
  customerId: 'CustomerId',
  governmentId: 'GovernmentId',
  imAddress: 'IMAddress',
  imAddress2: 'IMAddress2',
  imAddress3: 'IMAddress3',
  managerName: 'ManagerName',
  companyMainPhone: 'CompanyMainPhone',
  accountName: 'AccountName',
  nickName: 'NickName',
  mms: 'MMS',
} as const;

/** dateTime elements (MS-ASDTYPE 2.3). */
const CONTACTS_DATES = { birthday: 'Birthday', anniversary: 'Anniversary' } as const;

/** Containers of repeated string elements. */
const CONTACTS_LISTS = {
  categories: ['Categories', 'Category'],
  children: ['Children', 'Child'],
} as const;

type TextField = keyof typeof CONTACTS_TEXT | keyof typeof CONTACTS2_TEXT;
type DateField = keyof typeof CONTACTS_DATES;
type ListField = keyof typeof CONTACTS_LISTS;

/** A field that can be ghosted (MS-ASCNTC GhostingProps): every writable field but the body. */
export type ContactField = TextField | DateField | ListField;

/** A decoded contact. Fields absent on the wire are undefined. */
export type Contact = { readonly [K in TextField]?: string } & {
  readonly [K in DateField]?: Date;
} & { readonly [K in ListField]?: readonly string[] } & {
  readonly body?: Body;
  readonly nativeBodyType?: BodyType;
  /** Server-only, recipient information cache (MS-ASCNTC 2.2.2.2, 14.0+). */
  readonly alias?: string;
  /** Server-only, recipient information cache ranking (14.0+). */
  readonly weightedRank?: number;
};

function textEntries(): [TextField, string, string][] {
  return [
    ...Object.entries(CONTACTS_TEXT).map(([k, n]) => [k as TextField, CN, n] as [TextField, string, string]),
    ...Object.entries(CONTACTS2_TEXT).map(([k, n]) => [k as TextField, CN2, n] as [TextField, string, string]),
  ];
}
const TEXT_ENTRIES = textEntries();
const DATE_ENTRIES = Object.entries(CONTACTS_DATES) as [DateField, string][];
const LIST_ENTRIES = Object.entries(CONTACTS_LISTS) as [ListField, readonly [string, string]][];

function readList(e: El, container: string, item: string): string[] | undefined {
  const c = kid(e, container, CN);
  return c ? kids(c, item, CN).map(textOf) : undefined;
}

/** Decodes a contact from Sync ApplicationData, ItemOperations or Search Properties. */
export function decodeContact(container: El, ctx: EasContext): Contact {
  const out: Record<string, unknown> = {};
  for (const [key, ns, name] of TEXT_ENTRIES) out[key] = readText(container, ns, name);
  for (const [key, name] of DATE_ENTRIES) out[key] = readDate(container, CN, name);
  for (const [key, [c, i]] of LIST_ENTRIES) out[key] = readList(container, c, i);
  out['body'] = decodeBody(container, atLeast(ctx.version, '12.0') ? undefined : CN);
  out['nativeBodyType'] = decodeNativeBodyType(container);
  out['alias'] = readText(container, CN, 'Alias');
  out['weightedRank'] = readInt(container, CN, 'WeightedRank');
  return out as Contact;
}

/*
 * Omit versus empty in a Sync Change (MS-ASCMD 2.2.3.179 Supported, MS-ASCNTC 3.1.5.3):
 *
 * - A contact property is "ghosted" when the collection's initial Sync sent a
 *   Supported element that does not name it (an empty Supported ghosts them all).
 *   Without any Supported element nothing is ghosted.
 * - In a Change, a property that is NOT ghosted and is left out is deleted on the
 *   server: the Change replaces the item. So every non-ghosted property that has a
 *   value must be sent, edited or not, and clearing one means leaving it out.
 * - A ghosted property left out of a Change keeps its server value. The client sends
 *   it only when the user edited it; clearing it takes an empty element.
 *
 * encodeContact without changedFields writes the full record (Add, or a Change when
 * nothing is ghosted). With changedFields it applies the rules above, using
 * `supported` (the fields named in the Supported element; undefined when none was sent).
 */
export interface ContactEncodeOptions {
  /** Change only: the fields the user edited. */
  readonly changedFields?: readonly ContactField[];
  /** Fields listed in the collection's Supported element; undefined = no Supported sent. */
  readonly supported?: readonly ContactField[];
}

type Emit = 'value' | 'empty' | 'skip';

function emitRule(field: ContactField, hasValue: boolean, opts: ContactEncodeOptions): Emit {
  const changed = opts.changedFields;
  if (!changed) return hasValue ? 'value' : 'skip';
  const ghosted = opts.supported !== undefined && !opts.supported.includes(field);
  if (!ghosted) return hasValue ? 'value' : 'skip';
  if (!changed.includes(field)) return 'skip';
  return hasValue ? 'value' : 'empty';
}

function textElements(c: Contact, opts: ContactEncodeOptions): El[] {
  const out: El[] = [];
  for (const [key, ns, name] of TEXT_ENTRIES) {
    const v = c[key];
    const rule = emitRule(key, v !== undefined && v !== '', opts);
    if (rule !== 'skip') out.push(el(ns, name, rule === 'value' ? v : undefined));
  }
  return out;
}

function dateElements(c: Contact, opts: ContactEncodeOptions): El[] {
  const out: El[] = [];
  for (const [key, name] of DATE_ENTRIES) {
    const v = c[key];
    const rule = emitRule(key, v !== undefined, opts);
    if (rule !== 'skip') out.push(el(CN, name, v && rule === 'value' ? formatEasDateTime(v) : undefined));
  }
  return out;
}

function listElements(c: Contact, opts: ContactEncodeOptions): El[] {
  const out: El[] = [];
  for (const [key, [container, item]] of LIST_ENTRIES) {
    const v = c[key];
    const rule = emitRule(key, v !== undefined && v.length > 0, opts);
    if (rule !== 'skip')
      out.push(
        el(
          CN,
          container,
          (v ?? []).map((x) => el(CN, item, x)),
        ),
      );
  }
  return out;
}

/**
 * ApplicationData for a Sync Add or Change of a contact. Server-only fields (alias,
 * weightedRank, nativeBodyType) are never sent. See the omit/empty rules above.
 */
export function encodeContact(contact: Contact, ctx: EasContext, opts: ContactEncodeOptions = {}): El {
  return el(
    'AirSync',
    'ApplicationData',
    textElements(contact, opts),
    dateElements(contact, opts),
    listElements(contact, opts),
    contact.body && encodeBody(contact.body, CN, ctx), // not ghostable: sent whenever present
  );
}

/** Empty elements naming `fields`, for the Supported element of a contacts Sync (MS-ASCMD 2.2.3.179). */
export function contactSupportedElements(fields: readonly ContactField[]): El[] {
  const out: El[] = [];
  for (const [key, ns, name] of TEXT_ENTRIES) if (fields.includes(key)) out.push(el(ns, name));
  for (const [key, name] of DATE_ENTRIES) if (fields.includes(key)) out.push(el(CN, name));
  for (const [key, [container]] of LIST_ENTRIES) if (fields.includes(key)) out.push(el(CN, container));
  return out;
}
