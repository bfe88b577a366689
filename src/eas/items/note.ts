/**
 * Note class items (MS-ASNOTE, 14.0+): the Notes namespace plus an AirSyncBase body.
 */
import { el, type El } from '../../wbxml/tree.ts';
import type { EasContext } from '../command.ts';
import { atLeast } from '../version.ts';
import {
  categoriesElement,
  decodeBody,
  decodeNativeBodyType,
  encodeBody,
  readCategories,
  readDate,
  readText,
  type Body,
  type BodyType,
} from './airsyncbase.ts';
import { formatCompactDateTime } from './dates.ts';

const NT = 'Notes';

export interface Note {
  readonly subject?: string;
  readonly body?: Body;
  readonly nativeBodyType?: BodyType;
  /** MS-ASNOTE 2.2.2.5: "IPM.StickyNote" or a custom class derived from it. */
  readonly messageClass?: string;
  readonly categories?: readonly string[];
  /** MS-ASNOTE 2.2.2.4: a Compact DateTime on the wire. */
  readonly lastModifiedDate?: Date;
}

/** Decodes a note from Sync ApplicationData, ItemOperations or Search Properties. */
export function decodeNote(container: El): Note {
  return {
    subject: readText(container, NT, 'Subject'),
    body: decodeBody(container),
    nativeBodyType: decodeNativeBodyType(container),
    messageClass: readText(container, NT, 'MessageClass'),
    categories: readCategories(container, NT),
    lastModifiedDate: readDate(container, NT, 'LastModifiedDate'),
  };
}

/**
 * ApplicationData for a Sync Add or Change of a note. Notes cannot be ghosted, so a
 * Change carries the whole record. The Notes class needs EAS 14.0 or later.
 */
export function encodeNote(note: Note, ctx: EasContext): El {
  if (!atLeast(ctx.version, '14.0')) throw new Error(`Notes need EAS 14.0 or later (negotiated ${ctx.version})`);
  return el(
    'AirSync',
    'ApplicationData',
    note.subject !== undefined && el(NT, 'Subject', note.subject),
    note.body && encodeBody(note.body, NT, ctx),
    note.messageClass !== undefined && el(NT, 'MessageClass', note.messageClass),
    note.categories && categoriesElement(NT, note.categories),
    note.lastModifiedDate && el(NT, 'LastModifiedDate', formatCompactDateTime(note.lastModifiedDate)),
  );
}
