import { describe, expect, it } from 'vitest';
import { decodeNote, encodeNote } from '../../../src/eas/items/note.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../../src/eas/wbxml.ts';

const NOTE_XML = `<ApplicationData xmlns="AirSync" xmlns:n="Notes" xmlns:b="AirSyncBase">
  <n:Subject>Shopping</n:Subject>
  <b:Body><b:Type>2</b:Type><b:EstimatedDataSize>20</b:EstimatedDataSize><b:Data>&lt;ul&gt;&lt;li&gt;milk&lt;/ul&gt;</b:Data></b:Body>
  <n:MessageClass>IPM.StickyNote</n:MessageClass>
  <n:Categories><n:Category>Errands</n:Category></n:Categories>
  <n:LastModifiedDate>20261124T101500Z</n:LastModifiedDate>
</ApplicationData>`;

describe('notes', () => {
  const note = {
    subject: 'Shopping',
    body: { type: 2 as const, estimatedDataSize: 20, data: '<ul><li>milk</ul>' },
    messageClass: 'IPM.StickyNote',
    categories: ['Errands'],
    lastModifiedDate: new Date('2026-11-24T10:15:00.000Z'),
  };

  it('decodes a note with its Compact DateTime modification date', () => {
    expect(decodeNote(easFromXml(NOTE_XML))).toEqual(note);
  });

  it('encodes LastModifiedDate as a Compact DateTime and round-trips through WBXML', () => {
    const tree = encodeNote(note, { version: '16.0' });
    expect(easToXml(tree, { declaration: false, indent: '' })).toContain(
      '<LastModifiedDate xmlns="Notes">20261124T101500Z</LastModifiedDate>',
    );
    expect(decodeNote(decodeEas(encodeEas(tree)))).toEqual({ ...note, body: { type: 2, data: '<ul><li>milk</ul>' } });
  });

  it('needs 14.0', () => {
    expect(() => encodeNote(note, { version: '12.1' })).toThrow(/14\.0/);
  });
});
