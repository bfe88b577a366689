import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDeviceInformation, buildSettings, parseSettings, settingsStatusText } from '../../../src/eas/commands/settings.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, isEl, ns, type El } from '../../../src/wbxml/tree.ts';
import { SHARED_FIXTURES } from '../../support/corpus.ts';
import { noLibwbxml } from '../../support/shared.ts';

const st = ns('Settings');
const rm = ns('RightsManagement');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };
const noFixtures = noLibwbxml('the settings tests on libwbxml documents');
const fixture = (name: string): El => easFromXml(readFileSync(join(SHARED_FIXTURES, name), 'utf8'));

/** Children sorted by name, recursively: the Set of DeviceInformation is an xs:all. */
const unordered = (e: El): El => ({
  ...e,
  children: e.children.map((c) => (isEl(c) ? unordered(c) : c)).sort((a, b) => (isEl(a) && isEl(b) ? a.name.localeCompare(b.name) : 0)),
});

describe('buildSettings', () => {
  it('gets the Out of Office settings with text replies', () => {
    const req = buildSettings({ oof: { get: 'Text' } }, v141);
    expect(req.cmd).toBe('Settings');
    expect(req.body).toEqual(st('Settings', st('Oof', st('Get', st('BodyType', 'Text')))));
  });

  it('sets a scheduled Out of Office with one reply per audience', () => {
    const body = buildSettings(
      {
        oof: {
          set: {
            state: 2,
            startTime: new Date(Date.UTC(2026, 6, 1)),
            endTime: new Date(Date.UTC(2026, 6, 15)),
            messages: [
              { appliesTo: 'Internal', enabled: true, replyMessage: 'On leave until the 15th.', bodyType: 'Text' },
              { appliesTo: 'ExternalKnown', enabled: true, replyMessage: 'Away.', bodyType: 'Text' },
              { appliesTo: 'ExternalUnknown', enabled: false },
            ],
          },
        },
      },
      v141,
    ).body as El;
    expect(body).toEqual(
      st(
        'Settings',
        st(
          'Oof',
          st(
            'Set',
            st('OofState', '2'),
            st('StartTime', '2026-07-01T00:00:00.000Z'),
            st('EndTime', '2026-07-15T00:00:00.000Z'),
            st(
              'OofMessage',
              st('AppliesToInternal'),
              st('Enabled', '1'),
              st('ReplyMessage', 'On leave until the 15th.'),
              st('BodyType', 'Text'),
            ),
            st('OofMessage', st('AppliesToExternalKnown'), st('Enabled', '1'), st('ReplyMessage', 'Away.'), st('BodyType', 'Text')),
            st('OofMessage', st('AppliesToExternalUnknown'), st('Enabled', '0')),
          ),
        ),
      ),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('refuses a time window unless OofState is 2 (MS-ASCMD 2.2.3.124)', () => {
    const window = { startTime: new Date(0), endTime: new Date(86_400_000), messages: [] };
    expect(() => buildSettings({ oof: { set: { state: 1, ...window } } }, v141)).toThrow(EasProtocolError);
  });

  it('turns Out of Office off with OofState 0 alone', () => {
    expect(buildSettings({ oof: { set: { state: 0, messages: [] } } }, v121).body).toEqual(
      st('Settings', st('Oof', st('Set', st('OofState', '0')))),
    );
  });

  it.skipIf(noFixtures)('sends the device information of the libwbxml fixture', () => {
    const body = buildSettings(
      {
        deviceInformation: {
          model: '0.11-beta',
          imei: '1234567890',
          friendlyName: 'Test Device',
          os: 'Linux',
          osLanguage: 'de_DE',
          phoneNumber: '+49301234567890',
          mobileOperator: 'O2',
          userAgent: 'libwbxml',
        },
      },
      v141,
    ).body as El;
    expect(unordered(body)).toEqual(unordered(fixture('activesync-001-settings_device_information.xml')));
  });

  it('asks for the password, user information and IRM templates together (14.1)', () => {
    const body = buildSettings({ devicePassword: 'recovery-pw', userInformation: true, rightsManagementInformation: true }, v161)
      .body as El;
    expect(body).toEqual(
      st(
        'Settings',
        st('DevicePassword', st('Set', st('Password', 'recovery-pw'))),
        st('UserInformation', st('Get')),
        st('RightsManagementInformation', st('Get')),
      ),
    );
  });

  it('refuses RightsManagementInformation before 14.1 and an empty request', () => {
    expect(() => buildSettings({ rightsManagementInformation: true }, v140)).toThrow(/14\.1/);
    expect(() => buildSettings({}, v141)).toThrow(EasProtocolError);
  });
});

describe('buildDeviceInformation', () => {
  it('writes the Set in schema order, booleans as 1/0', () => {
    expect(buildDeviceInformation({ model: 'Pixel', enableOutboundSms: false, os: 'Android 15' })).toEqual(
      st('DeviceInformation', st('Set', st('Model', 'Pixel'), st('OS', 'Android 15'), st('EnableOutboundSMS', '0'))),
    );
  });

  it('refuses the 14.0 fields on 12.1 when the version is given', () => {
    expect(() => buildDeviceInformation({ mobileOperator: 'O2' }, v121)).toThrow(EasProtocolError);
    expect(() => buildDeviceInformation({ model: 'x' }, v121)).not.toThrow();
  });
});

describe('parseSettings', () => {
  it.skipIf(noFixtures)('reads the libwbxml status fixture (part status inside Set)', () => {
    expect(parseSettings(fixture('activesync-005-settings_status.xml'), v141)).toMatchObject({
      status: 1,
      deviceInformation: { status: 1 },
    });
  });

  it
    .skipIf(noFixtures)
    .each([
      'activesync-002-settings_user_information.xml',
      'activesync-003-settings_device_password.xml',
      'activesync-004-settings_oof.xml',
    ])('throws on %s, a request-shaped document without Status', (name) => {
    expect(() => parseSettings(fixture(name), v141)).toThrow(EasProtocolError);
  });

  it('reads an Oof Get response', () => {
    const root = st(
      'Settings',
      st('Status', '1'),
      st(
        'Oof',
        st('Status', '1'),
        st(
          'Get',
          st('OofState', '2'),
          st('StartTime', '2026-07-01T00:00:00.000Z'),
          st('EndTime', '2026-07-15T00:00:00.000Z'),
          st('OofMessage', st('AppliesToInternal'), st('Enabled', '1'), st('ReplyMessage', 'On leave.'), st('BodyType', 'TEXT')),
          st('OofMessage', st('AppliesToExternalKnown'), st('Enabled', '0')),
          st('OofMessage', st('AppliesToExternalUnknown'), st('Enabled', '1'), st('ReplyMessage', '<p>Away</p>'), st('BodyType', 'HTML')),
        ),
      ),
    );
    const r = parseSettings(decodeEas(encodeEas(root)), v141);
    expect(r.status).toBe(1);
    expect(r.oof?.status).toBe(1);
    expect(r.oof?.get).toEqual({
      state: 2,
      startTime: new Date(Date.UTC(2026, 6, 1)),
      endTime: new Date(Date.UTC(2026, 6, 15)),
      messages: [
        { appliesTo: 'Internal', enabled: true, replyMessage: 'On leave.', bodyType: 'Text' },
        { appliesTo: 'ExternalKnown', enabled: false, replyMessage: undefined, bodyType: undefined },
        { appliesTo: 'ExternalUnknown', enabled: true, replyMessage: '<p>Away</p>', bodyType: 'HTML' },
      ],
    });
  });

  it('reads the 14.0 UserInformation form (addresses only)', () => {
    const root = st(
      'Settings',
      st('Status', '1'),
      st(
        'UserInformation',
        st('Status', '1'),
        st('Get', st('EmailAddresses', st('SMTPAddress', 'ann@example.com'), st('SMTPAddress', 'a.beck@example.com'))),
      ),
    );
    expect(parseSettings(root, v140).userInformation).toEqual({
      status: 1,
      emailAddresses: { smtpAddresses: ['ann@example.com', 'a.beck@example.com'], primarySmtpAddress: undefined },
      accounts: undefined,
    });
  });

  it('reads the 14.1 UserInformation form (accounts)', () => {
    const root = st(
      'Settings',
      st('Status', '1'),
      st(
        'UserInformation',
        st('Status', '1'),
        st(
          'Get',
          st(
            'Accounts',
            st(
              'Account',
              st('UserDisplayName', 'Ann Beck'),
              st('EmailAddresses', st('SMTPAddress', 'ann@example.com'), st('PrimarySmtpAddress', 'ann@example.com')),
            ),
            st(
              'Account',
              st('AccountId', '2'),
              st('AccountName', 'Sales'),
              st('SendDisabled', '1'),
              st('EmailAddresses', st('SMTPAddress', 'sales@example.com')),
            ),
          ),
        ),
      ),
    );
    const accounts = parseSettings(root, v141).userInformation?.accounts;
    expect(accounts).toHaveLength(2);
    expect(accounts?.[0]).toMatchObject({
      userDisplayName: 'Ann Beck',
      emailAddresses: { smtpAddresses: ['ann@example.com'], primarySmtpAddress: 'ann@example.com' },
    });
    expect(accounts?.[1]).toMatchObject({ accountId: '2', accountName: 'Sales', sendDisabled: true });
  });

  it('reads the IRM templates', () => {
    const root = st(
      'Settings',
      st('Status', '1'),
      st(
        'RightsManagementInformation',
        st('Status', '1'),
        st(
          'Get',
          rm(
            'RightsManagementTemplates',
            rm(
              'RightsManagementTemplate',
              rm('TemplateID', 'cf5cf348-a8d7-40d5-91ef-a600b88a395d'),
              rm('TemplateName', 'Do Not Forward'),
              rm('TemplateDescription', 'Recipients can read, not forward.'),
            ),
          ),
        ),
      ),
    );
    expect(parseSettings(root, v141).rightsManagementInformation).toEqual({
      status: 1,
      templates: [
        {
          templateId: 'cf5cf348-a8d7-40d5-91ef-a600b88a395d',
          templateName: 'Do Not Forward',
          templateDescription: 'Recipients can read, not forward.',
        },
      ],
    });
  });

  it('reads failures: command level, and a part denied by policy', () => {
    expect(parseSettings(st('Settings', st('Status', '2')), v141)).toEqual({ status: 2 });
    const denied = parseSettings(
      st('Settings', st('Status', '1'), st('Oof', st('Status', '7')), st('DevicePassword', st('Status', '5'))),
      v141,
    );
    expect(denied.oof).toEqual({ status: 7, get: undefined });
    expect(denied.devicePassword).toEqual({ status: 5 });
    expect(settingsStatusText(7)).toBe('Denied by policy');
  });

  it('throws on another root and on an OofMessage without audience', () => {
    expect(() => parseSettings(el('Provision', 'Provision', el('Provision', 'Status', '1')), v141)).toThrow(EasProtocolError);
    const bad = st(
      'Settings',
      st('Status', '1'),
      st('Oof', st('Status', '1'), st('Get', st('OofState', '1'), st('OofMessage', st('Enabled', '1')))),
    );
    expect(() => parseSettings(bad, v141)).toThrow(/AppliesTo/);
  });
});
