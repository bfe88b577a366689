import { describe, expect, it } from 'vitest';
import type { EasContext } from '../../../src/eas/command.ts';
import { contactSupportedElements, decodeContact, encodeContact, type Contact } from '../../../src/eas/items/contact.ts';
import { decodeEas, easFromXml, easToXml, encodeEas } from '../../../src/eas/wbxml.ts';
import type { El } from '../../../src/wbxml/tree.ts';

const v141: EasContext = { version: '14.1' };
const oneLine = (e: El): string => easToXml(e, { declaration: false, indent: '' });
const viaWbxml = (e: El): El => decodeEas(encodeEas(e));

const FULL_XML = `<ApplicationData xmlns="AirSync" xmlns:c="Contacts" xmlns:c2="Contacts2" xmlns:b="AirSyncBase">
  <b:Body><b:Type>1</b:Type><b:EstimatedDataSize>11</b:EstimatedDataSize><b:Truncated>0</b:Truncated><b:Data>Met at Expo</b:Data></b:Body>
  <c:FileAs>Doe, Jane</c:FileAs><c:Title>Dr.</c:Title><c:FirstName>Jane</c:FirstName><c:MiddleName>Q</c:MiddleName>
  <c:LastName>Doe</c:LastName><c:Suffix>PhD</c:Suffix><c:YomiFirstName>ジェーン</c:YomiFirstName><c:YomiLastName>ドウ</c:YomiLastName>
  <c:Email1Address>"Jane Doe" &lt;jane@example.com&gt;</c:Email1Address><c:Email2Address>jd@home.example</c:Email2Address>
  <c:Email3Address>jane.doe@example.org</c:Email3Address>
  <c:MobilePhoneNumber>+47 900 00 001</c:MobilePhoneNumber><c:HomePhoneNumber>+47 22 00 00 02</c:HomePhoneNumber>
  <c:Home2PhoneNumber>+47 22 00 00 03</c:Home2PhoneNumber><c:HomeFaxNumber>+47 22 00 00 04</c:HomeFaxNumber>
  <c:BusinessPhoneNumber>+47 23 00 00 05</c:BusinessPhoneNumber><c:Business2PhoneNumber>+47 23 00 00 06</c:Business2PhoneNumber>
  <c:BusinessFaxNumber>+47 23 00 00 07</c:BusinessFaxNumber><c:CarPhoneNumber>+47 900 00 008</c:CarPhoneNumber>
  <c:PagerNumber>1234</c:PagerNumber><c:RadioPhoneNumber>5678</c:RadioPhoneNumber>
  <c:AssistantName>Sam</c:AssistantName><c:AssistantPhoneNumber>+47 23 00 00 09</c:AssistantPhoneNumber>
  <c:HomeAddressStreet>Storgata 1</c:HomeAddressStreet><c:HomeAddressCity>Oslo</c:HomeAddressCity>
  <c:HomeAddressState>Oslo</c:HomeAddressState><c:HomeAddressPostalCode>0155</c:HomeAddressPostalCode>
  <c:HomeAddressCountry>Norway</c:HomeAddressCountry>
  <c:BusinessAddressStreet>1 Main St</c:BusinessAddressStreet><c:BusinessAddressCity>Bergen</c:BusinessAddressCity>
  <c:BusinessAddressState>Vestland</c:BusinessAddressState><c:BusinessAddressPostalCode>5003</c:BusinessAddressPostalCode>
  <c:BusinessAddressCountry>Norway</c:BusinessAddressCountry>
  <c:OtherAddressStreet>Box 7</c:OtherAddressStreet><c:OtherAddressCity>Tromsø</c:OtherAddressCity>
  <c:OtherAddressState>Troms</c:OtherAddressState><c:OtherAddressPostalCode>9008</c:OtherAddressPostalCode>
  <c:OtherAddressCountry>Norway</c:OtherAddressCountry>
  <c:CompanyName>Example AS</c:CompanyName><c:YomiCompanyName>エグザンプル</c:YomiCompanyName>
  <c:Department>R&amp;D</c:Department><c:JobTitle>Engineer</c:JobTitle><c:OfficeLocation>B2</c:OfficeLocation>
  <c:WebPage>https://example.com/jane</c:WebPage><c:Spouse>John</c:Spouse>
  <c:Picture>iVBORw0KGgo=</c:Picture>
  <c:Birthday>1980-05-03T00:00:00.000Z</c:Birthday><c:Anniversary>2010-06-12T00:00:00.000Z</c:Anniversary>
  <c:Categories><c:Category>Friends</c:Category><c:Category>VIP</c:Category></c:Categories>
  <c:Children><c:Child>Ann</c:Child><c:Child>Ben</c:Child></c:Children>
  <c:WeightedRank>17</c:WeightedRank><c:Alias>jdoe</c:Alias>
  <c2:CustomerId>C-1</c2:CustomerId><c2:GovernmentId>G-2</c2:GovernmentId>
  <c2:IMAddress>sip:jane@example.com</c2:IMAddress><c2:IMAddress2>xmpp:jane@example.org</c2:IMAddress2>
  <c2:IMAddress3>skype:jane</c2:IMAddress3><c2:ManagerName>Boss</c2:ManagerName>
  <c2:CompanyMainPhone>+47 23 00 00 00</c2:CompanyMainPhone><c2:AccountName>ACC</c2:AccountName>
  <c2:NickName>JJ</c2:NickName><c2:MMS>+47 900 00 010</c2:MMS>
  <b:NativeBodyType>1</b:NativeBodyType>
</ApplicationData>`;

const FULL: Contact = {
  body: { type: 1, estimatedDataSize: 11, truncated: false, data: 'Met at Expo' },
  nativeBodyType: 1,
  fileAs: 'Doe, Jane',
  title: 'Dr.',
  firstName: 'Jane',
  middleName: 'Q',
  lastName: 'Doe',
  suffix: 'PhD',
  yomiFirstName: 'ジェーン',
  yomiLastName: 'ドウ',
  email1Address: '"Jane Doe" <jane@example.com>',
  email2Address: 'jd@home.example',
  email3Address: 'jane.doe@example.org',
  mobilePhoneNumber: '+47 900 00 001',
  homePhoneNumber: '+47 22 00 00 02',
  home2PhoneNumber: '+47 22 00 00 03',
  homeFaxNumber: '+47 22 00 00 04',
  businessPhoneNumber: '+47 23 00 00 05',
  business2PhoneNumber: '+47 23 00 00 06',
  businessFaxNumber: '+47 23 00 00 07',
  carPhoneNumber: '+47 900 00 008',
  pagerNumber: '1234',
  radioPhoneNumber: '5678',
  assistantName: 'Sam',
  assistantPhoneNumber: '+47 23 00 00 09',
  homeAddressStreet: 'Storgata 1',
  homeAddressCity: 'Oslo',
  homeAddressState: 'Oslo',
  homeAddressPostalCode: '0155',
  homeAddressCountry: 'Norway',
  businessAddressStreet: '1 Main St',
  businessAddressCity: 'Bergen',
  businessAddressState: 'Vestland',
  businessAddressPostalCode: '5003',
  businessAddressCountry: 'Norway',
  otherAddressStreet: 'Box 7',
  otherAddressCity: 'Tromsø',
  otherAddressState: 'Troms',
  otherAddressPostalCode: '9008',
  otherAddressCountry: 'Norway',
  companyName: 'Example AS',
  yomiCompanyName: 'エグザンプル',
  department: 'R&D',
  jobTitle: 'Engineer',
  officeLocation: 'B2',
  webPage: 'https://example.com/jane',
  spouse: 'John',
  picture: 'iVBORw0KGgo=',
  birthday: new Date('1980-05-03T00:00:00.000Z'),
  anniversary: new Date('2010-06-12T00:00:00.000Z'),
  categories: ['Friends', 'VIP'],
  children: ['Ann', 'Ben'],
  weightedRank: 17,
  alias: 'jdoe',
  customerId: 'C-1',
  governmentId: 'G-2',
  imAddress: 'sip:jane@example.com',
  imAddress2: 'xmpp:jane@example.org',
  imAddress3: 'skype:jane',
  managerName: 'Boss',
  companyMainPhone: '+47 23 00 00 00',
  accountName: 'ACC',
  nickName: 'JJ',
  mms: '+47 900 00 010',
};

describe('decodeContact', () => {
  it('reads every Contacts and Contacts2 field, body, dates and lists', () => {
    expect(decodeContact(easFromXml(FULL_XML), v141)).toEqual(FULL);
  });

  it('reads the same contact after a WBXML round trip of the server document', () => {
    expect(decodeContact(viaWbxml(easFromXml(FULL_XML)), v141)).toEqual(FULL);
  });

  it('reads the 2.5 contacts:Body form', () => {
    const c = decodeContact(
      easFromXml(
        '<ApplicationData xmlns="AirSync" xmlns:c="Contacts"><c:FirstName>Tryggve</c:FirstName><c:Body>note</c:Body><c:BodySize>4</c:BodySize><c:BodyTruncated>0</c:BodyTruncated></ApplicationData>',
      ),
      { version: '2.5' },
    );
    expect(c).toEqual({ firstName: 'Tryggve', body: { type: 1, data: 'note', estimatedDataSize: 4, truncated: false } });
  });
});

describe('encodeContact: Add and full Change', () => {
  it('round-trips every client-writable field through WBXML; server-only fields stay out', () => {
    const tree = encodeContact(FULL, v141);
    const xml = oneLine(tree);
    expect(xml).not.toContain('WeightedRank');
    expect(xml).not.toContain('Alias');
    expect(xml).not.toContain('NativeBodyType');
    const { weightedRank: _w, alias: _a, nativeBodyType: _n, ...writable } = FULL;
    expect(decodeContact(viaWbxml(tree), v141)).toEqual({ ...writable, body: { type: 1, data: 'Met at Expo' } });
  });

  it('leaves absent and empty fields out of a full record', () => {
    expect(oneLine(encodeContact({ firstName: 'Jane', lastName: '', categories: [] }, v141))).toBe(
      '<ApplicationData xmlns="AirSync"><FirstName xmlns="Contacts">Jane</FirstName></ApplicationData>',
    );
  });

  it('writes the 2.5 body as contacts:Body and dates as dateTime', () => {
    const xml = oneLine(encodeContact({ birthday: new Date(Date.UTC(1980, 4, 3)), body: { type: 1, data: 'n' } }, { version: '2.5' }));
    expect(xml).toBe(
      '<ApplicationData xmlns="AirSync"><Birthday xmlns="Contacts">1980-05-03T00:00:00.000Z</Birthday><Body xmlns="Contacts">n</Body></ApplicationData>',
    );
  });
});

describe('encodeContact: Change with ghosting (MS-ASCMD 2.2.3.179)', () => {
  const stored: Contact = { firstName: 'Jane', lastName: 'Doe', mobilePhoneNumber: '1', nickName: 'JJ', categories: ['A'] };

  it('without Supported nothing is ghosted: the full record is sent whatever changed', () => {
    const edited = { ...stored, mobilePhoneNumber: undefined };
    expect(oneLine(encodeContact(edited, v141, { changedFields: ['mobilePhoneNumber'] }))).toBe(oneLine(encodeContact(edited, v141)));
    expect(oneLine(encodeContact(edited, v141))).not.toContain('MobilePhoneNumber'); // omitted = deleted
  });

  it('with Supported, ghosted fields go only when edited, and a cleared one as an empty element', () => {
    const supported = ['firstName', 'lastName'] as const;
    const edited = { ...stored, mobilePhoneNumber: undefined, nickName: 'Janey' };
    const xml = oneLine(encodeContact(edited, v141, { supported: [...supported], changedFields: ['mobilePhoneNumber', 'nickName'] }));
    expect(xml).toBe(
      '<ApplicationData xmlns="AirSync">' +
        '<FirstName xmlns="Contacts">Jane</FirstName><LastName xmlns="Contacts">Doe</LastName>' +
        '<MobilePhoneNumber xmlns="Contacts"/>' +
        '<NickName xmlns="Contacts2">Janey</NickName>' +
        '</ApplicationData>',
    );
  });

  it('with Supported, a cleared non-ghosted field is left out (the server deletes it)', () => {
    const xml = oneLine(
      encodeContact({ ...stored, lastName: undefined }, v141, { supported: ['firstName', 'lastName'], changedFields: ['lastName'] }),
    );
    expect(xml).toBe('<ApplicationData xmlns="AirSync"><FirstName xmlns="Contacts">Jane</FirstName></ApplicationData>');
  });

  it('clears ghosted lists and dates with empty elements', () => {
    const xml = oneLine(encodeContact({ firstName: 'Jane' }, v141, { supported: [], changedFields: ['categories', 'birthday'] }));
    expect(xml).toBe('<ApplicationData xmlns="AirSync"><Birthday xmlns="Contacts"/><Categories xmlns="Contacts"/></ApplicationData>');
  });
});

describe('contactSupportedElements', () => {
  it('names the fields as empty elements in their namespaces', () => {
    const xml = contactSupportedElements(['firstName', 'nickName', 'birthday', 'children']).map(oneLine).join('');
    expect(xml).toBe('<FirstName xmlns="Contacts"/><NickName xmlns="Contacts2"/><Birthday xmlns="Contacts"/><Children xmlns="Contacts"/>');
  });
});
