import { describe, expect, it } from 'vitest';
import {
  categoriesElement,
  decodeAttachments,
  decodeBody,
  decodeBodyPart,
  decodeInstanceId,
  decodeLocation,
  decodeNativeBodyType,
  encodeAttachmentChanges,
  encodeBody,
  encodeLocation,
  instanceIdElement,
  readBool,
  readCategories,
  readInt,
} from '../../../src/eas/items/airsyncbase.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, type El } from '../../../src/wbxml/tree.ts';

const props = (inner: string): El =>
  easFromXml(
    `<Properties xmlns="ItemOperations" xmlns:airsyncbase="AirSyncBase" xmlns:email="Email" xmlns:contacts="Contacts">${inner}</Properties>`,
  );
const oneLine = (e: El): string => easToXml(e, { declaration: false, indent: '' });

describe('bodies', () => {
  it('reads an ItemOperations multipart body with its Part index', () => {
    const body = decodeBody(
      props(
        '<airsyncbase:Body><airsyncbase:Type>4</airsyncbase:Type><airsyncbase:EstimatedDataSize>120034</airsyncbase:EstimatedDataSize><Part>1</Part></airsyncbase:Body>',
      ),
    );
    expect(body).toEqual({ type: 4, estimatedDataSize: 120034, part: 1 });
  });

  it('skips a body whose Type is missing or unknown', () => {
    expect(decodeBody(props('<airsyncbase:Body><airsyncbase:Data>x</airsyncbase:Data></airsyncbase:Body>'))).toBeUndefined();
    expect(decodeBody(props('<airsyncbase:Body><airsyncbase:Type>9</airsyncbase:Type></airsyncbase:Body>'))).toBeUndefined();
  });

  it('prefers airsyncbase:Body over a class-namespace body and reads the 2.5 form otherwise', () => {
    const both = props(
      '<airsyncbase:Body><airsyncbase:Type>1</airsyncbase:Type><airsyncbase:Data>new</airsyncbase:Data></airsyncbase:Body><contacts:Body>old</contacts:Body>',
    );
    expect(decodeBody(both, 'Contacts')?.data).toBe('new');
    const legacy = props(
      '<contacts:Body>old</contacts:Body><contacts:BodySize>3</contacts:BodySize><contacts:BodyTruncated>0</contacts:BodyTruncated>',
    );
    expect(decodeBody(legacy, 'Contacts')).toEqual({ type: 1, data: 'old', estimatedDataSize: 3, truncated: false });
    expect(decodeBody(legacy)).toBeUndefined();
  });

  it('writes Type and Data only (12.0+) or the class-namespace text (2.5)', () => {
    const body = { type: 2 as const, data: '<b>x</b>', estimatedDataSize: 9, truncated: false, preview: 'x' };
    expect(oneLine(encodeBody(body, 'Tasks', { version: '12.1' }))).toBe(
      '<Body xmlns="AirSyncBase"><Type>2</Type><Data>&lt;b&gt;x&lt;/b&gt;</Data></Body>',
    );
    expect(oneLine(encodeBody({ type: 1, data: 'plain' }, 'Tasks', { version: '2.5' }))).toBe('<Body xmlns="Tasks">plain</Body>');
  });

  it('reads BodyPart and NativeBodyType', () => {
    const p = props(
      '<airsyncbase:BodyPart><airsyncbase:Status>1</airsyncbase:Status><airsyncbase:Type>2</airsyncbase:Type><airsyncbase:EstimatedDataSize>500</airsyncbase:EstimatedDataSize><airsyncbase:Truncated>1</airsyncbase:Truncated><airsyncbase:Data>&lt;p&gt;</airsyncbase:Data><airsyncbase:Preview>p</airsyncbase:Preview></airsyncbase:BodyPart><airsyncbase:NativeBodyType>3</airsyncbase:NativeBodyType>',
    );
    expect(decodeBodyPart(p)).toEqual({ status: 1, type: 2, estimatedDataSize: 500, truncated: true, data: '<p>', preview: 'p' });
    expect(decodeNativeBodyType(p)).toBe(3);
    expect(decodeBodyPart(props(''))).toBeUndefined();
  });
});

describe('attachments', () => {
  it('reads the 16.x ClientId echo and voice-mail fields', () => {
    const p = easFromXml(
      `<ApplicationData xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:email2="Email2"><airsyncbase:Attachments><airsyncbase:Attachment>
        <airsyncbase:ClientId>c1</airsyncbase:ClientId><airsyncbase:FileReference>RgAAAA%3d%3d</airsyncbase:FileReference>
        <airsyncbase:ContentLocation>file:///a</airsyncbase:ContentLocation><airsyncbase:Method>5</airsyncbase:Method>
        <email2:UmAttDuration>42</email2:UmAttDuration><email2:UmAttOrder>1</email2:UmAttOrder>
      </airsyncbase:Attachment></airsyncbase:Attachments></ApplicationData>`,
    );
    expect(decodeAttachments(p)).toEqual([
      { clientId: 'c1', fileReference: 'RgAAAA%3d%3d', contentLocation: 'file:///a', method: 5, umAttDuration: 42, umAttOrder: 1 },
    ]);
  });

  it('writes Add (content as opaque bytes) and Delete, only for 16.0+', () => {
    const changes = {
      add: [{ clientId: 'c1', displayName: 'p.png', content: new Uint8Array([0x89, 0x50]), method: 1, contentId: 'img1', isInline: true }],
      delete: ['ref-1'],
    };
    const tree = encodeAttachmentChanges(changes, { version: '16.0' });
    expect(tree && oneLine(tree)).toBe(
      '<Attachments xmlns="AirSyncBase"><Add><ClientId>c1</ClientId><Method>1</Method><Content>iVA=</Content>' +
        '<DisplayName>p.png</DisplayName><ContentId>img1</ContentId><IsInline>1</IsInline></Add>' +
        '<Delete><FileReference>ref-1</FileReference></Delete></Attachments>',
    );
    // MS-ASDTYPE 2.7.1: byte arrays travel as opaque data, and come back as bytes.
    const content = decodeEas(encodeEas(tree as El)).children[0] as El;
    expect((content.children[2] as El).children).toEqual([new Uint8Array([0x89, 0x50])]);
    expect(encodeAttachmentChanges({}, { version: '14.1' })).toBeUndefined();
    expect(() => encodeAttachmentChanges(changes, { version: '14.1' })).toThrow(/16\.0/);
  });
});

describe('location and instance id (16.x)', () => {
  it('round-trips a Location through WBXML', () => {
    const loc = {
      displayName: 'HQ',
      annotation: 'Reception',
      street: '1 Main St',
      city: 'Oslo',
      state: 'Oslo',
      country: 'Norway',
      postalCode: '0150',
      latitude: 59.9139,
      longitude: 10.7522,
      accuracy: 5,
      altitude: 12.5,
      altitudeAccuracy: 1,
      locationUri: 'geo:59.9139,10.7522',
    };
    const back = decodeEas(encodeEas(el('AirSync', 'ApplicationData', encodeLocation(loc))));
    expect(decodeLocation(back)).toEqual(loc);
    expect(decodeLocation(props(''))).toBeUndefined();
  });

  it('writes and reads InstanceId as a Compact DateTime', () => {
    const at = new Date('2026-12-01T15:00:00.000Z');
    expect(oneLine(instanceIdElement(at))).toBe('<InstanceId xmlns="AirSyncBase">20261201T150000Z</InstanceId>');
    expect(decodeInstanceId(el('AirSync', 'Change', instanceIdElement(at)))).toEqual(at);
  });
});

describe('field readers', () => {
  const e = props('<email:Read>true</email:Read><email:Importance> 2 </email:Importance><email:InternetCPID>x</email:InternetCPID>');

  it('read booleans, integers and categories by namespace', () => {
    expect(readBool(e, 'Email', 'Read')).toBe(true);
    expect(readBool(e, 'Contacts', 'Read')).toBeUndefined();
    expect(readInt(e, 'Email', 'Importance')).toBe(2);
    expect(readInt(e, 'Email', 'InternetCPID')).toBeUndefined();
    expect(readCategories(e, 'Email')).toBeUndefined();
    expect(readCategories(el('AirSync', 'ApplicationData', categoriesElement('Email', ['A', 'B'])), 'Email')).toEqual(['A', 'B']);
  });
});
