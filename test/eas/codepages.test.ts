import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EAS_VOCABULARY } from '../../src/eas/codepages.ts';
import { decodeEas, easFromXml, encodeEas } from '../../src/eas/wbxml.ts';
import { VocabularyIndex } from '../../src/wbxml/vocabulary.ts';
import { HAS_XSDS, noXsds, XSD_DIR } from '../support/shared.ts';

const pages = EAS_VOCABULARY.pages;
const index = new VocabularyIndex(EAS_VOCABULARY);

function tokenOf(ns: string, name: string): number | undefined {
  return index.token(ns, name)?.token;
}

// MS-ASWBXML 2.1.2.1, in page order.
const NAMESPACES = [
  'AirSync',
  'Contacts',
  'Email',
  'AirNotify',
  'Calendar',
  'Move',
  'GetItemEstimate',
  'FolderHierarchy',
  'MeetingResponse',
  'Tasks',
  'ResolveRecipients',
  'ValidateCert',
  'Contacts2',
  'Ping',
  'Provision',
  'Search',
  'GAL',
  'AirSyncBase',
  'Settings',
  'DocumentLibrary',
  'ItemOperations',
  'ComposeMail',
  'Email2',
  'Notes',
  'RightsManagement',
  'Find',
];

describe('EAS code pages: shape', () => {
  it('has pages 0..25 in order with the MS-ASWBXML namespace names', () => {
    expect(pages.map((p) => p.page)).toEqual(NAMESPACES.map((_, i) => i));
    expect(pages.map((p) => p.ns)).toEqual(NAMESPACES);
    expect(EAS_VOCABULARY.defaultNs).toBe('AirSync');
  });

  it('keeps every token in 0x05..0x3F (0x00-0x04 are WBXML global tokens, 0x40+ carry flags)', () => {
    for (const p of pages) {
      for (const tok of Object.keys(p.tags).map(Number)) {
        expect(Number.isInteger(tok), `${p.ns} ${tok}`).toBe(true);
        expect(tok, `${p.ns} ${tok}`).toBeGreaterThanOrEqual(0x05);
        expect(tok, `${p.ns} ${tok}`).toBeLessThanOrEqual(0x3f);
      }
    }
  });

  it('has no name twice within a page, and every name is a plain XML name', () => {
    for (const p of pages) {
      const names = Object.values(p.tags);
      expect(new Set(names).size, p.ns).toBe(names.length);
      for (const n of names) expect(n, p.ns).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    }
  });

  it('lists tags on every page but AirNotify, which the spec marks as no longer used', () => {
    const empty = pages.filter((p) => Object.keys(p.tags).length === 0).map((p) => p.ns);
    expect(empty).toEqual(['AirNotify']);
  });
});

describe('EAS code pages: tokens from the MS-ASWBXML tables', () => {
  // 2.1.2.1.13 Code Page 12: Contacts2, the whole table.
  it('Contacts2 matches 2.1.2.1.13 exactly', () => {
    expect(pages[12]?.tags).toEqual({
      0x05: 'CustomerId',
      0x06: 'GovernmentId',
      0x07: 'IMAddress',
      0x08: 'IMAddress2',
      0x09: 'IMAddress3',
      0x0a: 'ManagerName',
      0x0b: 'CompanyMainPhone',
      0x0c: 'AccountName',
      0x0d: 'NickName',
      0x0e: 'MMS',
    });
  });

  // 2.1.2.1.26 Code Page 25: Find, the whole table (note the jump 0x19 -> 0x20).
  it('Find matches 2.1.2.1.26 exactly', () => {
    expect(pages[25]?.tags).toEqual({
      0x05: 'Find',
      0x06: 'SearchId',
      0x07: 'ExecuteSearch',
      0x08: 'MailBoxSearchCriterion',
      0x09: 'Query',
      0x0a: 'Status',
      0x0b: 'FreeText',
      0x0c: 'Options',
      0x0d: 'Range',
      0x0e: 'DeepTraversal',
      0x11: 'Response',
      0x12: 'Result',
      0x13: 'Properties',
      0x14: 'Preview',
      0x15: 'HasAttachments',
      0x16: 'Total',
      0x17: 'DisplayCc',
      0x18: 'DisplayBcc',
      0x19: 'GalSearchCriterion',
      0x20: 'MaxPictures',
      0x21: 'MaxSize',
      0x22: 'Picture',
    });
  });

  // 2.1.2.1.11 Code Page 10: ResolveRecipients, tokens 0x05-0x15 ("All" versions).
  it('ResolveRecipients 0x05..0x15 match 2.1.2.1.11', () => {
    const all = [
      'ResolveRecipients',
      'Response',
      'Status',
      'Type',
      'Recipient',
      'DisplayName',
      'EmailAddress',
      'Certificates',
      'Certificate',
      'MiniCertificate',
      'Options',
      'To',
      'CertificateRetrieval',
      'RecipientCount',
      'MaxCertificates',
      'MaxAmbiguousRecipients',
      'CertificateCount',
    ];
    all.forEach((name, i) => expect(tokenOf('ResolveRecipients', name), name).toBe(0x05 + i));
  });

  // At least two tokens per page, read from each page's table.
  const SAMPLES: readonly (readonly [string, string, number])[] = [
    ['AirSync', 'Sync', 0x05],
    ['AirSync', 'Truncation', 0x19],
    ['AirSync', 'HeartbeatInterval', 0x29],
    ['Contacts', 'Anniversary', 0x05],
    ['Contacts', 'YomiLastName', 0x3a],
    ['Contacts', 'WeightedRank', 0x3e],
    ['Email', 'Attachment', 0x05],
    ['Email', 'Body', 0x0c],
    ['Email', 'DisallowNewTimeProposal', 0x3f],
    ['Calendar', 'Timezone', 0x05],
    ['Calendar', 'DtStamp', 0x11],
    ['Calendar', 'ClientUid', 0x3c],
    ['Move', 'MoveItems', 0x05],
    ['Move', 'DstMsgId', 0x0c],
    ['GetItemEstimate', 'GetItemEstimate', 0x05],
    ['GetItemEstimate', 'Estimate', 0x0c],
    ['FolderHierarchy', 'Status', 0x0c],
    ['FolderHierarchy', 'FolderSync', 0x16],
    ['FolderHierarchy', 'Count', 0x17],
    ['MeetingResponse', 'InstanceId', 0x0e],
    ['MeetingResponse', 'SendResponse', 0x12],
    ['Tasks', 'Categories', 0x08],
    ['Tasks', 'OrdinalDate', 0x22],
    ['Tasks', 'FirstDayOfWeek', 0x26],
    ['ResolveRecipients', 'Availability', 0x16],
    ['ResolveRecipients', 'MaxPictures', 0x1d],
    ['ValidateCert', 'CheckCRL', 0x09],
    ['ValidateCert', 'Status', 0x0a],
    ['Ping', 'Status', 0x07],
    ['Ping', 'MaxFolders', 0x0d],
    ['Provision', 'EASProvisionDoc', 0x0d],
    ['Provision', 'AttachmentsEnabled', 0x13],
    ['Provision', 'AccountOnlyRemoteWipe', 0x3b],
    ['Search', 'Store', 0x07],
    ['Search', 'DeepTraversal', 0x17],
    ['Search', 'UserName', 0x1e],
    ['GAL', 'DisplayName', 0x05],
    ['GAL', 'Data', 0x12],
    ['AirSyncBase', 'Body', 0x0a],
    ['AirSyncBase', 'Content', 0x1f],
    ['AirSyncBase', 'InstanceId', 0x2d],
    ['Settings', 'SendDisabled', 0x29],
    ['Settings', 'RightsManagementInformation', 0x2b],
    ['DocumentLibrary', 'LinkId', 0x05],
    ['DocumentLibrary', 'ContentType', 0x0c],
    ['ItemOperations', 'Data', 0x0c],
    ['ItemOperations', 'MoveAlways', 0x19],
    ['ComposeMail', 'Source', 0x0b],
    ['ComposeMail', 'Mime', 0x10],
    ['ComposeMail', 'Forwardees', 0x15],
    ['Email2', 'ConversationId', 0x09],
    ['Email2', 'IsDraft', 0x15],
    ['Email2', 'Send', 0x17],
    ['Notes', 'Subject', 0x05],
    ['Notes', 'Category', 0x09],
    ['RightsManagement', 'RightsManagementSupport', 0x05],
    ['RightsManagement', 'ContentOwner', 0x17],
  ];

  it.each(SAMPLES)('%s:%s is token %i', (ns, name, token) => {
    expect(tokenOf(ns, name)).toBe(token);
  });

  it('samples at least two tokens of every page that has tags', () => {
    const withTags = pages.filter((p) => Object.keys(p.tags).length > 0).map((p) => p.ns);
    const counted = [...SAMPLES.map(([ns]) => ns), 'Contacts2', 'Contacts2', 'Find', 'Find'];
    for (const ns of withTags) expect(counted.filter((n) => n === ns).length, ns).toBeGreaterThanOrEqual(2);
  });

  it('reads 0x10 on Provision as RequireStorageCardEncryption (12.0 called it DeviceEncryptionEnabled)', () => {
    expect(pages[14]?.tags[0x10]).toBe('RequireStorageCardEncryption');
    // The 12.0 name is still accepted on input, as a legacy spelling of the same token.
    expect(tokenOf('Provision', 'DeviceEncryptionEnabled')).toBe(0x10);
  });

  it('leaves out the tokens the tables do not list', () => {
    expect(pages[0]?.tags[0x11]).toBeUndefined(); // libwbxml's AirSync "Version"
    expect(pages[2]?.tags[0x0b]).toBeUndefined(); // libwbxml's Email "AttRemoved"
    expect(pages[14]?.tags[0x12]).toBeUndefined();
    expect(pages[25]?.tags[0x1a]).toBeUndefined();
  });
});

describe('EAS code pages: opaque tags', () => {
  it('marks exactly the byte-array elements (MS-ASDTYPE 2.7.1) as OPAQUE', () => {
    const opaque = pages.flatMap((p) => (p.opaque ?? []).map((n) => `${p.ns}:${n}`)).sort();
    expect(opaque).toEqual([
      'AirSyncBase:Content', // MS-ASAIRS 2.2.2.15
      'ComposeMail:Mime', // MS-ASCMD 2.2.3.109
      'Email2:ConversationId', // MS-ASCON 2.2.2.3.3
      'Email2:ConversationIndex', // MS-ASCON 2.2.2.4
      'GAL:Data', // MS-ASCMD 2.2.3.39.1, 2.2.3.39.4
      'ItemOperations:ConversationId', // MS-ASCON 2.2.2.3.1
      'ResolveRecipients:Data', // MS-ASCMD 2.2.3.39.3
    ]);
  });

  it('names only tags that exist on their page', () => {
    for (const p of pages) for (const n of p.opaque ?? []) expect(Object.values(p.tags), p.ns).toContain(n);
  });

  it('keeps base64 text elements and same-named tags on other pages as strings', () => {
    expect(index.isOpaque('ItemOperations', 'Data')).toBe(false); // MS-ASCMD 2.2.3.39.2
    expect(index.isOpaque('Search', 'ConversationId')).toBe(false); // MS-ASCMD 2.2.3.35.2
    expect(index.isOpaque('AirSyncBase', 'Data')).toBe(false);
    expect(index.isOpaque('Email2', 'ConversationId')).toBe(true);
  });

  it('encodes ComposeMail:Mime text as OPAQUE (0xC3, length, bytes)', () => {
    const bytes = encodeEas(easFromXml('<SendMail xmlns="ComposeMail"><Mime>QUI=</Mime></SendMail>'));
    // header, SWITCH_PAGE 21, <SendMail> 0x45, <Mime> 0x50, OPAQUE 2 "AB", END, END
    expect([...bytes]).toEqual([0x03, 0x01, 0x6a, 0x00, 0x00, 0x15, 0x45, 0x50, 0xc3, 0x02, 0x41, 0x42, 0x01, 0x01]);
  });
});

describe('EAS code pages: the MS-ASWBXML section 3 example', () => {
  // MS-ASWBXML 3 Algorithm Examples: a Sync response adding a contact (pages 0, 17 and 1).
  const XML =
    '<Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:contacts="Contacts"><Collections>' +
    '<Collection><Class>Contacts</Class><SyncKey>2</SyncKey><CollectionId>2</CollectionId>' +
    '<Status>1</Status><Commands><Add><ServerId>2:1</ServerId><ApplicationData><airsyncbase:Body>' +
    '<airsyncbase:Type>1</airsyncbase:Type><airsyncbase:EstimatedDataSize>0</airsyncbase:EstimatedDataSize>' +
    '<airsyncbase:Truncated>1</airsyncbase:Truncated></airsyncbase:Body>' +
    '<contacts:FileAs>Funk, Don</contacts:FileAs><contacts:FirstName>Don</contacts:FirstName>' +
    '<contacts:LastName>Funk</contacts:LastName><airsyncbase:NativeBodyType>1</airsyncbase:NativeBodyType>' +
    '</ApplicationData></Add></Commands></Collection></Collections></Sync>';
  const HEX =
    '03 01 6A 00 45 5C 4F 50 03 43 6F 6E 74 61 63 74 73 00 01 4B 03 32 00 01 52 03 32 00 01 4E 03 31 00 01 ' +
    '56 47 4D 03 32 3A 31 00 01 5D 00 11 4A 46 03 31 00 01 4C 03 30 00 01 4D 03 31 00 01 01 00 01 5E 03 46 ' +
    '75 6E 6B 2C 20 44 6F 6E 00 01 5F 03 44 6F 6E 00 01 69 03 46 75 6E 6B 00 01 00 11 56 03 31 00 01 01 01 ' +
    '01 01 01 01';
  const SPEC_BYTES = Uint8Array.from(HEX.split(' ').map((h) => parseInt(h, 16)));

  it('encodes to the spec bytes', () => {
    expect([...encodeEas(easFromXml(XML))]).toEqual([...SPEC_BYTES]);
  });

  it('decodes the spec bytes to the same tree', () => {
    expect(decodeEas(SPEC_BYTES)).toEqual(easFromXml(XML));
  });
});

describe.skipIf(noXsds('the code pages against the XSDs'))('EAS code pages against Microsoft XSDs (../shared/spec/xsd)', () => {
  /**
   * Names an XSD declares that have no token, each with its reason. The XSDs are the
   * Interop test suites' copies; MS-ASCMD wins where it disagrees with them.
   */
  const EXCEPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
    Contacts: {
      // Contacts.xsd's two xs:group lists of Supported-able properties spell some names
      // differently from the element declarations and MS-ASCNTC 2.2.2 (…PhoneNumber, WebPage).
      AssistnamePhoneNumber: 'typo for AssistantPhoneNumber in a Supported group',
      AssistantTelephoneNumber: 'Supported-group alias of AssistantPhoneNumber',
      BusinessTelephoneNumber: 'Supported-group alias of BusinessPhoneNumber',
      Business2TelephoneNumber: 'Supported-group alias of Business2PhoneNumber',
      CarTelephoneNumber: 'Supported-group alias of CarPhoneNumber',
      HomeTelephoneNumber: 'Supported-group alias of HomePhoneNumber',
      Home2TelephoneNumber: 'Supported-group alias of Home2PhoneNumber',
      MobileTelephoneNumber: 'Supported-group alias of MobilePhoneNumber',
      RadioTelephoneNumber: 'Supported-group alias of RadioPhoneNumber',
      Webpage: 'Supported-group spelling of WebPage',
    },
    ComposeMail: {
      ForwardeeName: 'MS-ASCMD 2.2.3.120.3 names it Name (token 0x17)',
      ForwardeeEmail: 'MS-ASCMD 2.2.3.53 names it Email (token 0x18)',
    },
  };

  interface Xsd {
    file: string;
    ns: string;
    names: string[];
  }

  function readXsds(): Xsd[] {
    const out: Xsd[] = [];
    for (const file of readdirSync(XSD_DIR)
      .filter((f) => f.endsWith('.xsd'))
      .sort()) {
      const text = readFileSync(path.join(XSD_DIR, file), 'utf8');
      const ns = /targetNamespace="([^"]*)"/.exec(text)?.[1];
      if (ns === undefined) continue; // Autodiscover schemas: no EAS namespace
      const names = [...text.matchAll(/<xs:element\b[^>]*?\bname="([^"]+)"/g)].map((m) => m[1] ?? '');
      out.push({ file, ns, names: [...new Set(names)] });
    }
    return out;
  }

  const xsds = HAS_XSDS ? readXsds() : [];

  it('finds an XSD for every namespace but AirNotify, each mapping to a code page', () => {
    const covered = new Set(xsds.map((x) => x.ns));
    expect([...covered].sort()).toEqual(NAMESPACES.filter((n) => n !== 'AirNotify').sort());
  });

  it.each(xsds.map((x) => [x.file, x] as const))('%s: every declared element has a token', (_file, xsd) => {
    const known = new Set(Object.values(pages.find((p) => p.ns === xsd.ns)?.tags ?? {}));
    const allowed = EXCEPTIONS[xsd.ns] ?? {};
    const missing = xsd.names.filter((n) => !known.has(n) && !(n in allowed));
    expect(missing).toEqual([]);
  });

  it('lists only exceptions that an XSD declares and the page lacks', () => {
    for (const [ns, names] of Object.entries(EXCEPTIONS)) {
      const declared = new Set(xsds.filter((x) => x.ns === ns).flatMap((x) => x.names));
      for (const name of Object.keys(names)) {
        expect(declared.has(name), `${ns}:${name} declared`).toBe(true);
        const canonical = Object.values(pages.find((p) => p.ns === ns)?.tags ?? {});
        expect(canonical, `${ns}:${name} is not a canonical tag name`).not.toContain(name);
      }
    }
  });
});
