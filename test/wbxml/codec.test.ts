import { describe, expect, it } from 'vitest';
import { decodeWbxml, decodeWbxmlDocument } from '../../src/wbxml/decode.ts';
import { encodeWbxml } from '../../src/wbxml/encode.ts';
import { WbxmlError, XmlFormError } from '../../src/wbxml/errors.ts';
import { el, textOf, type El } from '../../src/wbxml/tree.ts';
import { VocabularyIndex } from '../../src/wbxml/vocabulary.ts';
import { fromXml, toXml } from '../../src/wbxml/xml.ts';

// A two-page vocabulary with the real MS-ASWBXML tokens of the tags it uses.
const vocab = new VocabularyIndex({
  defaultNs: 'AirSync',
  pages: [
    { page: 0, ns: 'AirSync', tags: { 0x05: 'Sync', 0x0b: 'SyncKey', 0x1c: 'Collections', 0x0f: 'Collection' } },
    { page: 7, ns: 'FolderHierarchy', tags: { 0x16: 'FolderSync', 0x12: 'SyncKey', 0x0c: 'Status' } },
    { page: 21, ns: 'ComposeMail', tags: { 0x05: 'SendMail', 0x10: 'MIME', 0x11: 'ClientId' }, opaque: ['MIME'] },
  ],
});

const bytes = (...b: number[]) => new Uint8Array(b);

function decodeError(input: Uint8Array): WbxmlError {
  try {
    decodeWbxml(input, vocab);
  } catch (e) {
    if (e instanceof WbxmlError) return e;
    throw e;
  }
  throw new Error('decoded without error');
}

describe('encoder', () => {
  it('writes the EAS header, one page switch and STR_I', () => {
    const tree = el('FolderHierarchy', 'FolderSync', el('FolderHierarchy', 'SyncKey', '0'));
    expect([...encodeWbxml(tree, vocab)]).toEqual([0x03, 0x01, 0x6a, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, 0x30, 0x00, 0x01, 0x01]);
  });

  it('switches page only when the namespace changes, and back', () => {
    const tree = el(
      'AirSync',
      'Sync',
      el('FolderHierarchy', 'Status', '1'),
      el('FolderHierarchy', 'Status', '2'),
      el('AirSync', 'Collections'),
    );
    const out = [...encodeWbxml(tree, vocab)];
    expect(out.slice(4)).toEqual([0x45, 0x00, 0x07, 0x4c, 0x03, 0x31, 0x00, 0x01, 0x4c, 0x03, 0x32, 0x00, 0x01, 0x00, 0x00, 0x1c, 0x01]);
  });

  it('writes an empty element without the content bit', () => {
    expect([...encodeWbxml(el('AirSync', 'Sync'), vocab)].slice(4)).toEqual([0x05]);
  });

  it('writes binary content and opaque-tagged text as OPAQUE with an mb_u_int32 length', () => {
    const mime = new Uint8Array(200).fill(0x41);
    const out = encodeWbxml(el('ComposeMail', 'SendMail', el('ComposeMail', 'MIME', mime)), vocab);
    expect([...out.slice(4, 11)]).toEqual([0x00, 0x15, 0x45, 0x50, 0xc3, 0x81, 0x48]);
    const fromText = encodeWbxml(el('ComposeMail', 'SendMail', el('ComposeMail', 'MIME', 'AAAA')), vocab);
    expect([...fromText.slice(8, 11)]).toEqual([0xc3, 0x04, 0x41]);
  });

  it('rejects tags no page knows and text with NUL', () => {
    expect(() => encodeWbxml(el('AirSync', 'Nope'), vocab)).toThrow(/AirSync:Nope/);
    expect(() => encodeWbxml(el('AirSync', 'SyncKey', 'a\u0000b'), vocab)).toThrow(WbxmlError);
  });
});

describe('decoder', () => {
  it('reads what the encoder writes, UTF-8 and opaque included', () => {
    const tree = el('AirSync', 'Sync', el('AirSync', 'SyncKey', '日本語 key'), el('ComposeMail', 'MIME', bytes(0, 1, 2, 255)));
    const back = decodeWbxml(encodeWbxml(tree, vocab), vocab);
    expect(back).toEqual(tree);
  });

  it('reads the string-table public id form that libwbxml writes, and STR_T', () => {
    // version 1.3, publicid 0 + index 0, UTF-8, table "-//X\0key\0"
    const table = [...new TextEncoder().encode('-//X\u0000key\u0000')];
    const doc = decodeWbxmlDocument(bytes(0x03, 0x00, 0x00, 0x6a, table.length, ...table, 0x45, 0x4b, 0x83, 0x05, 0x01, 0x01), vocab);
    expect(doc.header.publicIdText).toBe('-//X');
    expect(textOf(doc.root.children[0] as never)).toBe('key');
  });

  it('reads ENTITY, merging it with neighbouring text', () => {
    const root = decodeWbxml(
      bytes(0x03, 0x01, 0x6a, 0x00, 0x45, 0x4b, 0x03, 0x61, 0x00, 0x02, 0x81, 0x7f, 0x03, 0x62, 0x00, 0x01, 0x01),
      vocab,
    );
    expect(root.children[0]).toEqual(el('AirSync', 'SyncKey', 'a\u00ffb'));
  });

  it('reads LITERAL tags in the current namespace', () => {
    const table = [...new TextEncoder().encode('Custom\u0000')];
    const root = decodeWbxml(bytes(0x03, 0x01, 0x6a, table.length, ...table, 0x45, 0x44, 0x00, 0x03, 0x78, 0x00, 0x01, 0x01), vocab);
    expect(root.children[0]).toEqual(el('AirSync', 'Custom', 'x'));
  });

  it('gives each element a children array of its own, also one sent with the content bit and nothing in it', () => {
    const long = [...new TextEncoder().encode('x'.repeat(20))];
    const root = decodeWbxml(
      bytes(
        0x03,
        0x01,
        0x6a,
        0x00,
        0x45,
        0x4b,
        0x01,
        0x0b,
        0x5c,
        0x03,
        ...long,
        0x00,
        0x01,
        0x4f,
        0x03,
        0x31,
        0x00,
        0x03,
        0xc3,
        0xa9,
        0x00,
        0x01,
        0x01,
      ),
      vocab,
    );
    expect(root).toEqual(
      el(
        'AirSync',
        'Sync',
        el('AirSync', 'SyncKey'),
        el('AirSync', 'SyncKey'),
        el('AirSync', 'Collections', 'x'.repeat(20)),
        el('AirSync', 'Collection', '1é'),
      ),
    );
    const [withContent, without] = root.children as El[];
    expect(withContent?.children).not.toBe(without?.children);
    withContent?.children.push('added'); // not frozen, not shared
    expect(without?.children).toEqual([]);
  });

  it('reads ISO-8859-1 documents', () => {
    const root = decodeWbxml(bytes(0x03, 0x01, 0x04, 0x00, 0x4b, 0x03, 0xe9, 0x00, 0x01), vocab);
    expect(textOf(root)).toBe('é');
  });

  const header = [0x03, 0x01, 0x6a, 0x00];
  const cases: [string, number[], RegExp, number][] = [
    ['empty input', [], /end of data.*version/, 0],
    ['truncated header', [0x03, 0x01], /charset/, 2],
    ['unknown charset', [0x03, 0x01, 0x81, 0x00, 0x00], /charset/, 1],
    ['string table past end', [0x03, 0x01, 0x6a, 0x20, 0x41], /string table of 32 bytes runs past the end/, 4],
    ['no root', header, /root element/, 4],
    ['unclosed element', [...header, 0x45, 0x4b, 0x03, 0x31, 0x00, 0x01], /END of <Sync> opened at byte 4/, 10],
    ['unterminated string', [...header, 0x45, 0x03, 0x31, 0x32], /no terminating NUL/, 6],
    ['unknown page', [...header, 0x00, 0x09, 0x05], /unknown code page 9/, 4],
    ['unknown tag', [...header, 0x3f], /unknown tag 0x3f on code page 0/, 4],
    ['attributes', [...header, 0x85, 0x01], /attributes/, 4],
    ['extension token', [...header, 0x45, 0xc0, 0x01], /extension/, 5],
    ['processing instruction', [...header, 0x43], /processing instructions/, 4],
    ['opaque past end', [...header, 0x45, 0xc3, 0x7f, 0x00, 0x01], /opaque data of 127 bytes runs past the end/, 7],
    ['mb_u_int32 too long', [...header, 0x45, 0xc3, 0x81, 0x81, 0x81, 0x81, 0x81, 0x01], /longer than 5 bytes/, 6],
    ['mb_u_int32 over 32 bits', [...header, 0x45, 0xc3, 0x9f, 0xff, 0xff, 0xff, 0x7f], /exceeds 32 bits/, 6],
    ['END without element', [...header, 0x01], /END without an open element/, 4],
    ['data after root', [...header, 0x05, 0x05], /data after the end of the root element/, 5],
    ['text outside root', [...header, 0x03, 0x41, 0x00], /outside the root/, 4],
    ['bad entity', [...header, 0x45, 0x02, 0x8f, 0xff, 0xff, 0x7f, 0x01], /not a Unicode character/, 5],
    ['STR_T out of table', [...header, 0x45, 0x83, 0x05, 0x01], /string table index 5 out of range/, 5],
  ];
  for (const [what, input, message, offset] of cases) {
    it(`rejects ${what} with the byte offset`, () => {
      const e = decodeError(bytes(...input));
      expect(e.message).toMatch(message);
      expect(e.offset).toBe(offset);
      expect(e.message).toContain(`at byte ${offset}`);
    });
  }

  it('rejects nesting beyond the depth limit without recursion', () => {
    const deep = [...header, ...new Array(5000).fill(0x45)];
    expect(decodeError(bytes(...deep)).message).toMatch(/nested deeper than 100/);
  });
});

describe('XML form', () => {
  it('marks namespace changes with xmlns and keeps leaf text on one line', () => {
    const tree = el(
      'AirSync',
      'Sync',
      el('AirSync', 'SyncKey', ' a<b&c '),
      el('FolderHierarchy', 'Status', '1'),
      el('AirSync', 'Collections'),
    );
    expect(toXml(tree)).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Sync xmlns="AirSync">',
        '  <SyncKey> a&lt;b&amp;c </SyncKey>',
        '  <Status xmlns="FolderHierarchy">1</Status>',
        '  <Collections/>',
        '</Sync>',
        '',
      ].join('\n'),
    );
  });

  it('writes opaque data as base64 and reads it back', () => {
    const tree = el('ComposeMail', 'SendMail', el('ComposeMail', 'MIME', bytes(1, 2, 3, 250)));
    const xml = toXml(tree);
    expect(xml).toContain('<MIME>AQID+g==</MIME>');
    expect(fromXml(xml, vocab)).toEqual(tree);
  });

  it('round-trips control characters and carriage returns', () => {
    const tree = el('AirSync', 'SyncKey', 'a\r\nb\u0001c');
    expect(fromXml(toXml(tree), vocab)).toEqual(tree);
  });

  it('accepts libwbxml namespace spellings, prefixes, comments, CDATA and entities', () => {
    const xml = `<?xml version="1.0"?>
      <!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">
      <Sync>
        <!-- comment -->
        <SyncKey><![CDATA[<x>]]>&amp;&#65;&#x42;</SyncKey>
        <Status xmlns="FolderHierarchy:">1</Status>
        <fh:Status xmlns:fh="http://synce.org/formats/airsync_wm5/folderhierarchy">2</fh:Status>
        <MIME xmlns="composemail">
          AQID
          +g==
        </MIME>
      </Sync>`;
    expect(fromXml(xml, vocab)).toEqual(
      el(
        'AirSync',
        'Sync',
        el('AirSync', 'SyncKey', '<x>&AB'),
        el('FolderHierarchy', 'Status', '1'),
        el('FolderHierarchy', 'Status', '2'),
        el('ComposeMail', 'MIME', bytes(1, 2, 3, 250)),
      ),
    );
  });

  const bad: [string, string, RegExp][] = [
    ['unknown namespace', '<Sync xmlns="Nope"/>', /unknown namespace "Nope" at line 1/],
    ['mismatched close', '<Sync>\n<SyncKey></Sync>', /<\/Sync> does not close <SyncKey> at line 2/],
    ['unclosed', '<Sync>', /not closed/],
    ['attribute', '<Sync a="1"/>', /no attributes/],
    ['bad base64', '<MIME xmlns="ComposeMail">@@</MIME>', /not base64/],
    ['bad entity', '<Sync>&nope;</Sync>', /bad entity/],
    ['trailing text', '<Sync/>x', /after the root/],
  ];
  for (const [what, xml, message] of bad) {
    it(`rejects ${what} with a line and column`, () => {
      expect(() => fromXml(xml, vocab)).toThrow(XmlFormError);
      expect(() => fromXml(xml, vocab)).toThrow(message);
    });
  }
});
