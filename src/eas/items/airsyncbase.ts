/**
 * AirSyncBase namespace (MS-ASAIRS): bodies, body parts, attachments, location,
 * native body type and instance ids, shared by every item class. Also the small
 * namespace-aware field readers the item codecs share.
 *
 * In EAS 2.5 there is no AirSyncBase: bodies travel as <class>:Body /
 * <class>:BodySize / <class>:BodyTruncated in the item's own namespace and email
 * attachments as email:Attachments/Attachment (AttName, AttSize, AttMethod).
 * decodeBody and decodeAttachments read both forms.
 */
import { el, kid, kids, textOf, type El } from '../../wbxml/tree.ts';
import type { EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import { formatCompactDateTime, parseEasDate } from './dates.ts';

export const AIRSYNCBASE = 'AirSyncBase';
const AB = AIRSYNCBASE;

// ---------------------------------------------------------------------------
// Field readers (namespace-aware: Email:Subject and Tasks:Subject can share a parent)

/** Text of the child `ns:name`, or undefined when it is absent. */
export function readText(e: El, ns: string, name: string): string | undefined {
  const k = kid(e, name, ns);
  return k ? textOf(k) : undefined;
}

/** Integer value of `ns:name`; undefined when absent, empty or not a number. */
export function readInt(e: El, ns: string, name: string): number | undefined {
  return intOf(readText(e, ns, name));
}

/** An integer field's text as a number; undefined when absent, empty or not a number. */
export function intOf(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isInteger(n) ? n : undefined;
}

/** Boolean value of `ns:name` (MS-ASDTYPE 2.1: "1"/"0"; "true"/"false" tolerated). */
export function readBool(e: El, ns: string, name: string): boolean | undefined {
  return boolOf(readText(e, ns, name));
}

/** A boolean field's text as a boolean; undefined when absent. */
export function boolOf(t: string | undefined): boolean | undefined {
  if (t === undefined) return undefined;
  const v = t.trim().toLowerCase();
  return v === '1' || v === 'true';
}

/** Date value of `ns:name` in either EAS date shape (see dates.ts). */
export function readDate(e: El, ns: string, name: string): Date | undefined {
  return parseEasDate(readText(e, ns, name));
}

/**
 * `ns:Categories/ns:Category` as a list: undefined when the element is absent,
 * [] when it is present but empty (e.g. MS-ASEMAIL 2.2.2.16: no categories set).
 */
export function readCategories(e: El, ns: string): string[] | undefined {
  return categoriesOf(kid(e, 'Categories', ns), ns);
}

/** The entries of a `ns:Categories` element; undefined when there is none. */
export function categoriesOf(c: El | undefined, ns: string): string[] | undefined {
  return c ? kids(c, 'Category', ns).map(textOf) : undefined;
}

/** `ns:Categories` with one `ns:Category` per entry; empty when the list is empty. */
export function categoriesElement(ns: string, categories: readonly string[]): El {
  return el(
    ns,
    'Categories',
    categories.map((c) => el(ns, 'Category', c)),
  );
}

// ---------------------------------------------------------------------------
// Body

/** MS-ASAIRS 2.2.2.41.1 Type: the format of Body/Data. */
export type BodyType = 1 | 2 | 3 | 4;
export const BODY_TYPE = {
  /** Plain text. */
  plainText: 1,
  /** HTML. */
  html: 2,
  /** RTF, base64-encoded in Data (MS-ASAIRS 2.2.2.20.1). */
  rtf: 3,
  /** A full MIME message (message/rfc822). */
  mime: 4,
} as const satisfies Record<string, BodyType>;

function isBodyType(n: number | undefined): n is BodyType {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/** MS-ASAIRS 2.2.2.9 Body. */
export interface Body {
  readonly type: BodyType;
  /** Estimated size of the whole body in bytes (MS-ASAIRS 2.2.2.23.2). */
  readonly estimatedDataSize?: number;
  /** True when Data was cut to the client's TruncationSize (MS-ASAIRS 2.2.2.39.1). */
  readonly truncated?: boolean;
  readonly data?: string;
  /** Plain-text preview, at most 255 characters (MS-ASAIRS 2.2.2.35.1, 14.0+). */
  readonly preview?: string;
  /** Index of the multipart response part that holds the data (MS-ASAIRS 2.2.2.33). */
  readonly part?: number;
}

function bodyFields(b: El): Omit<Body, 'type' | 'part'> {
  return {
    estimatedDataSize: readInt(b, AB, 'EstimatedDataSize'),
    truncated: readBool(b, AB, 'Truncated'),
    data: readText(b, AB, 'Data'),
    preview: readText(b, AB, 'Preview'),
  };
}

/**
 * airsyncbase:Body. The part index (ItemOperations multipart, MS-ASCMD 2.2.1.10) is
 * read in any namespace: the XSD puts Part in ItemOperations, MS-ASAIRS in AirSyncBase.
 * A Body whose Type is missing or unknown is skipped (undefined).
 */
export function parseBody(b: El): Body | undefined {
  const type = readInt(b, AB, 'Type');
  if (!isBodyType(type)) return undefined;
  const part = kid(b, 'Part');
  return { type, ...bodyFields(b), part: part ? Number(textOf(part)) : undefined };
}

/** 2.5 body: <ns>:Body text plus BodySize/BodyTruncated; email also MIMEData (type 4). */
function legacyBody(container: El, ns: string): Body | undefined {
  const mime = readText(container, ns, 'MIMEData');
  if (mime !== undefined) {
    return {
      type: BODY_TYPE.mime,
      data: mime,
      estimatedDataSize: readInt(container, ns, 'MIMESize'),
      truncated: readBool(container, ns, 'MIMETruncated'),
    };
  }
  const data = readText(container, ns, 'Body');
  if (data === undefined) return undefined;
  return {
    type: BODY_TYPE.plainText,
    data,
    estimatedDataSize: readInt(container, ns, 'BodySize'),
    truncated: readBool(container, ns, 'BodyTruncated'),
  };
}

/**
 * The item's body: airsyncbase:Body (12.0+), else the 2.5 form in the class
 * namespace `classNs` (Email, Contacts, Tasks, Calendar).
 */
export function decodeBody(container: El, classNs?: string): Body | undefined {
  return bodyOf(kid(container, 'Body', AB), container, classNs);
}

/** decodeBody with the container's airsyncbase:Body `b` already looked up. */
export function bodyOf(b: El | undefined, container: El, classNs?: string): Body | undefined {
  if (b) return parseBody(b);
  return classNs ? legacyBody(container, classNs) : undefined;
}

/**
 * A body for a command request: airsyncbase:Body with Type and Data (12.0+; the
 * size, truncation and preview fields are server-only), or <classNs>:Body text in 2.5.
 */
export function encodeBody(body: Body, classNs: string, ctx: EasContext): El {
  if (!atLeast(ctx.version, '12.0')) return el(classNs, 'Body', body.data ?? '');
  return el(AB, 'Body', el(AB, 'Type', body.type), el(AB, 'Data', body.data ?? ''));
}

/** MS-ASAIRS 2.2.2.10 BodyPart (14.1+): a message part of a conversation, in responses only. */
export interface BodyPart {
  /** MS-ASAIRS 2.2.2.37: 1 = success; 176 = the part was not returned. */
  readonly status: number;
  readonly type: BodyType;
  readonly estimatedDataSize?: number;
  readonly truncated?: boolean;
  readonly data?: string;
  readonly preview?: string;
}

export function decodeBodyPart(container: El): BodyPart | undefined {
  return bodyPartOf(kid(container, 'BodyPart', AB));
}

/** An airsyncbase:BodyPart element (or none) as a BodyPart. */
export function bodyPartOf(b: El | undefined): BodyPart | undefined {
  const type = b && readInt(b, AB, 'Type');
  if (!b || !isBodyType(type)) return undefined;
  return { status: readInt(b, AB, 'Status') ?? 1, type, ...bodyFields(b) };
}

/** MS-ASAIRS 2.2.2.32 NativeBodyType: the body format the item was stored in (12.0+). */
export function decodeNativeBodyType(container: El): BodyType | undefined {
  return nativeBodyTypeOf(readText(container, AB, 'NativeBodyType'));
}

/** NativeBodyType's text as a BodyType; undefined when absent or unknown. */
export function nativeBodyTypeOf(text: string | undefined): BodyType | undefined {
  const n = intOf(text);
  return isBodyType(n) ? n : undefined;
}

// ---------------------------------------------------------------------------
// Attachments

/** MS-ASAIRS 2.2.2.31.2 Method: how the attachment is stored. */
export const ATTACHMENT_METHOD = {
  /** An ordinary file attachment. */
  normal: 1,
  /** An attached email message (message/rfc822). */
  embeddedMessage: 5,
  /** An OLE object. */
  ole: 6,
} as const;

/** MS-ASAIRS 2.2.2.7 Attachment (2.5: email:Attachment, MS-ASEMAIL 2.2.2.4.2). */
export interface Attachment {
  /** Handle for ItemOperations Fetch / GetAttachment (2.5: AttName). */
  readonly fileReference: string;
  readonly displayName?: string;
  /** See ATTACHMENT_METHOD. */
  readonly method?: number;
  readonly estimatedDataSize?: number;
  readonly contentId?: string;
  readonly contentLocation?: string;
  readonly isInline?: boolean;
  /** 16.x: echoes the ClientId of the Add that created it (MS-ASAIRS 2.2.2.14). */
  readonly clientId?: string;
  /** Voice mail attachments: length in seconds and order (email2, MS-ASEMAIL). */
  readonly umAttDuration?: number;
  readonly umAttOrder?: number;
}

function parseAttachment(a: El): Attachment {
  return {
    fileReference: readText(a, AB, 'FileReference') ?? '',
    displayName: readText(a, AB, 'DisplayName'),
    method: readInt(a, AB, 'Method'),
    estimatedDataSize: readInt(a, AB, 'EstimatedDataSize'),
    contentId: readText(a, AB, 'ContentId'),
    contentLocation: readText(a, AB, 'ContentLocation'),
    isInline: readBool(a, AB, 'IsInline'),
    clientId: readText(a, AB, 'ClientId'),
    umAttDuration: readInt(a, 'Email2', 'UmAttDuration'),
    umAttOrder: readInt(a, 'Email2', 'UmAttOrder'),
  };
}

/** 2.5: email:Attachment with AttName, AttSize, AttMethod, DisplayName. */
function parseLegacyAttachment(a: El): Attachment {
  const ns = 'Email';
  return {
    fileReference: readText(a, ns, 'AttName') ?? '',
    displayName: readText(a, ns, 'DisplayName'),
    method: readInt(a, ns, 'AttMethod'),
    estimatedDataSize: readInt(a, ns, 'AttSize'),
  };
}

/** airsyncbase:Attachments (12.0+) or, failing that, the 2.5 email:Attachments. */
export function decodeAttachments(container: El): Attachment[] {
  return attachmentsOf(kid(container, 'Attachments', AB), container);
}

/** decodeAttachments with the container's airsyncbase:Attachments `ab` already looked up. */
export function attachmentsOf(ab: El | undefined, container: El): Attachment[] {
  if (ab) return kids(ab, 'Attachment', AB).map(parseAttachment);
  const legacy = kid(container, 'Attachments', 'Email');
  return legacy ? kids(legacy, 'Attachment', 'Email').map(parseLegacyAttachment) : [];
}

/** MS-ASAIRS 2.2.2.2 Add: a new attachment on a draft email or calendar item (16.0+). */
export interface AttachmentAdd {
  /** Client-chosen temporary id; the server answers with it and a FileReference. */
  readonly clientId: string;
  readonly displayName: string;
  readonly content: Uint8Array;
  readonly method: number;
  readonly contentType?: string;
  readonly contentId?: string;
  readonly contentLocation?: string;
  readonly isInline?: boolean;
}

/** Attachment edits for a 16.x Sync Add/Change: new files and FileReferences to delete. */
export interface AttachmentChanges {
  readonly add?: readonly AttachmentAdd[];
  /** MS-ASAIRS 2.2.2.21 Delete: FileReferences of attachments to remove. */
  readonly delete?: readonly string[];
}

function addElement(a: AttachmentAdd): El {
  return el(
    AB,
    'Add',
    el(AB, 'ClientId', a.clientId),
    el(AB, 'Method', a.method),
    a.contentType !== undefined && el(AB, 'ContentType', a.contentType),
    el(AB, 'Content', a.content), // byte array (MS-ASDTYPE 2.7.1), sent as opaque data
    el(AB, 'DisplayName', a.displayName),
    a.contentId !== undefined && el(AB, 'ContentId', a.contentId),
    a.contentLocation !== undefined && el(AB, 'ContentLocation', a.contentLocation),
    a.isInline !== undefined && el(AB, 'IsInline', a.isInline ? '1' : '0'),
  );
}

/**
 * airsyncbase:Attachments with Add and Delete children (MS-ASAIRS 2.2.2.8), or
 * undefined when there is nothing to change. Only 16.0+ can edit attachments.
 */
export function encodeAttachmentChanges(changes: AttachmentChanges, ctx: EasContext): El | undefined {
  const adds = changes.add ?? [];
  const deletes = changes.delete ?? [];
  if (adds.length === 0 && deletes.length === 0) return undefined;
  if (!atLeast(ctx.version, '16.0')) {
    throw new Error(`Attachment Add/Delete needs EAS 16.0 or later (negotiated ${ctx.version})`);
  }
  return el(
    AB,
    'Attachments',
    adds.map(addElement),
    deletes.map((ref) => el(AB, 'Delete', el(AB, 'FileReference', ref))),
  );
}

// ---------------------------------------------------------------------------
// Location (16.0+)

/** MS-ASAIRS 2.2.2.28 Location: a structured place, replacing the plain-text location in 16.x. */
export interface Location {
  readonly displayName?: string;
  readonly annotation?: string;
  readonly street?: string;
  readonly city?: string;
  readonly state?: string;
  readonly country?: string;
  readonly postalCode?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly accuracy?: number;
  readonly altitude?: number;
  readonly altitudeAccuracy?: number;
  readonly locationUri?: string;
}

const LOCATION_TEXT = [
  ['displayName', 'DisplayName'],
  ['annotation', 'Annotation'],
  ['street', 'Street'],
  ['city', 'City'],
  ['state', 'State'],
  ['country', 'Country'],
  ['postalCode', 'PostalCode'],
] as const;
const LOCATION_NUMBERS = [
  ['latitude', 'Latitude'],
  ['longitude', 'Longitude'],
  ['accuracy', 'Accuracy'],
  ['altitude', 'Altitude'],
  ['altitudeAccuracy', 'AltitudeAccuracy'],
] as const;

function readDouble(e: El, name: string): number | undefined {
  const t = readText(e, AB, name)?.trim();
  const n = t ? Number(t) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Reads airsyncbase:Location from `container`, if present. */
export function decodeLocation(container: El): Location | undefined {
  const l = kid(container, 'Location', AB);
  if (!l) return undefined;
  // MS-ASAIRS 2.2.2.27 makes Location a container (DisplayName, City, ...); Horde_ActiveSync
  // 2.41.9 sends the place as the element's text instead. Dropping it would lose the place.
  const text = l.children.every((c) => typeof c === 'string') ? textOf(l).trim() : '';
  if (text) return { displayName: text };
  const out: Record<string, string | number> = {};
  for (const [key, name] of LOCATION_TEXT) {
    const v = readText(l, AB, name);
    if (v !== undefined) out[key] = v;
  }
  for (const [key, name] of LOCATION_NUMBERS) {
    const v = readDouble(l, name);
    if (v !== undefined) out[key] = v;
  }
  const uri = readText(l, AB, 'LocationUri');
  if (uri !== undefined) out['locationUri'] = uri;
  return out as Location;
}

/** airsyncbase:Location for a 16.x request (calendar items, MS-ASCAL). */
export function encodeLocation(loc: Location): El {
  return el(
    AB,
    'Location',
    LOCATION_TEXT.map(([key, name]) => loc[key] !== undefined && el(AB, name, loc[key] ?? '')),
    LOCATION_NUMBERS.map(([key, name]) => loc[key] !== undefined && el(AB, name, String(loc[key]))),
    loc.locationUri !== undefined && el(AB, 'LocationUri', loc.locationUri),
  );
}

// ---------------------------------------------------------------------------
// InstanceId (16.0+)

/**
 * MS-ASAIRS 2.2.2.25 InstanceId: the original UTC start of one occurrence of a
 * recurring series, as a Compact DateTime (MS-ASDTYPE 2.7.2).
 */
export function decodeInstanceId(container: El): Date | undefined {
  return readDate(container, AB, 'InstanceId');
}

export function instanceIdElement(occurrence: Date): El {
  return el(AB, 'InstanceId', formatCompactDateTime(occurrence));
}
