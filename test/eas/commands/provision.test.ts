import { describe, expect, it } from 'vitest';
import {
  EAS_POLICY_TYPE,
  buildProvision,
  describePolicyStatus,
  describeProvisionStatus,
  parseProvision,
  type ProvisionPolicy,
} from '../../../src/eas/commands/provision.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import type { EasVersion } from '../../../src/eas/version.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, ns, type El } from '../../../src/wbxml/tree.ts';

const prov = ns('Provision');
const set = ns('Settings');
const ctx = (version: EasVersion) => ({ version }) as const;

const device = {
  model: 'PWA',
  friendlyName: 'Joe’s browser',
  os: 'Linux x86_64',
  osLanguage: 'English',
  userAgent: 'eas-pwa/0.1',
  enableOutboundSms: false,
};

/** Through the real codec, as the server would see it and answer. */
const roundTrip = (e: El): El => decodeEas(encodeEas(e));

describe('buildProvision', () => {
  it('phase 1 in 14.1+: DeviceInformation first, then the WBXML policy type', () => {
    const req = buildProvision({ kind: 'download', deviceInformation: device }, ctx('16.1'));
    expect(req.cmd).toBe('Provision');
    expect(req.body).toEqual(
      prov(
        'Provision',
        set(
          'DeviceInformation',
          set(
            'Set',
            set('Model', 'PWA'),
            set('FriendlyName', 'Joe’s browser'),
            set('OS', 'Linux x86_64'),
            set('OSLanguage', 'English'),
            set('UserAgent', 'eas-pwa/0.1'),
            set('EnableOutboundSMS', '0'),
          ),
        ),
        prov('Policies', prov('Policy', prov('PolicyType', 'MS-EAS-Provisioning-WBXML'))),
      ),
    );
    expect(roundTrip(req.body as El)).toEqual(req.body);
  });

  it('phase 1 before 14.1 sends no DeviceInformation; 2.5 asks for the WAP policy', () => {
    const policy = (type: string): El => prov('Provision', prov('Policies', prov('Policy', prov('PolicyType', type))));
    expect(buildProvision({ kind: 'download', deviceInformation: device }, ctx('14.0')).body).toEqual(policy(EAS_POLICY_TYPE));
    expect(buildProvision({ kind: 'download', deviceInformation: device }, ctx('12.1')).body).toEqual(policy(EAS_POLICY_TYPE));
    expect(buildProvision({ kind: 'download', deviceInformation: device }, ctx('2.5')).body).toEqual(policy('MS-WAP-Provisioning-XML'));
  });

  it('phase 2 acknowledges with the temporary key before the status', () => {
    const req = buildProvision({ kind: 'acknowledge', policyKey: '1307199584', status: 1 }, ctx('14.1'));
    expect(req.body).toEqual(
      prov(
        'Provision',
        prov('Policies', prov('Policy', prov('PolicyType', EAS_POLICY_TYPE), prov('PolicyKey', '1307199584'), prov('Status', '1'))),
      ),
    );
    expect(roundTrip(req.body as El)).toEqual(req.body);
  });

  it('acknowledges a remote wipe, and an account-only wipe in 16.1', () => {
    expect(buildProvision({ kind: 'remote-wipe', status: 1 }, ctx('14.1')).body).toEqual(
      prov('Provision', prov('RemoteWipe', prov('Status', '1'))),
    );
    const accountOnly = buildProvision({ kind: 'remote-wipe', status: 2, accountOnly: true }, ctx('16.1'));
    expect(accountOnly.body).toEqual(prov('Provision', prov('AccountOnlyRemoteWipe', prov('Status', '2'))));
    expect(roundTrip(accountOnly.body as El)).toEqual(accountOnly.body);
  });
});

// Shaped like MS-ASPROV 4.1's initial response from Exchange, with every policy element.
const PHASE1 = `<?xml version="1.0" encoding="utf-8"?>
<Provision xmlns="Provision" xmlns:settings="Settings">
  <settings:DeviceInformation><settings:Status>1</settings:Status></settings:DeviceInformation>
  <Status>1</Status>
  <Policies>
    <Policy>
      <PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>
      <Status>1</Status>
      <PolicyKey>1307199584</PolicyKey>
      <Data>
        <EASProvisionDoc>
          <DevicePasswordEnabled>1</DevicePasswordEnabled>
          <AlphanumericDevicePasswordRequired>0</AlphanumericDevicePasswordRequired>
          <PasswordRecoveryEnabled>0</PasswordRecoveryEnabled>
          <RequireStorageCardEncryption>0</RequireStorageCardEncryption>
          <AttachmentsEnabled>1</AttachmentsEnabled>
          <MinDevicePasswordLength>4</MinDevicePasswordLength>
          <MaxInactivityTimeDeviceLock>900</MaxInactivityTimeDeviceLock>
          <MaxDevicePasswordFailedAttempts>8</MaxDevicePasswordFailedAttempts>
          <MaxAttachmentSize/>
          <AllowSimpleDevicePassword>1</AllowSimpleDevicePassword>
          <DevicePasswordExpiration/>
          <DevicePasswordHistory>0</DevicePasswordHistory>
          <AllowStorageCard>1</AllowStorageCard>
          <AllowCamera>1</AllowCamera>
          <RequireDeviceEncryption>0</RequireDeviceEncryption>
          <AllowUnsignedApplications>1</AllowUnsignedApplications>
          <AllowUnsignedInstallationPackages>1</AllowUnsignedInstallationPackages>
          <MinDevicePasswordComplexCharacters>3</MinDevicePasswordComplexCharacters>
          <AllowWiFi>1</AllowWiFi>
          <AllowTextMessaging>1</AllowTextMessaging>
          <AllowPOPIMAPEmail>1</AllowPOPIMAPEmail>
          <AllowBluetooth>2</AllowBluetooth>
          <AllowIrDA>1</AllowIrDA>
          <RequireManualSyncWhenRoaming>0</RequireManualSyncWhenRoaming>
          <AllowDesktopSync>1</AllowDesktopSync>
          <MaxCalendarAgeFilter>0</MaxCalendarAgeFilter>
          <AllowHTMLEmail>1</AllowHTMLEmail>
          <MaxEmailAgeFilter>0</MaxEmailAgeFilter>
          <MaxEmailBodyTruncationSize>-1</MaxEmailBodyTruncationSize>
          <MaxEmailHTMLBodyTruncationSize>-1</MaxEmailHTMLBodyTruncationSize>
          <RequireSignedSMIMEMessages>0</RequireSignedSMIMEMessages>
          <RequireEncryptedSMIMEMessages>0</RequireEncryptedSMIMEMessages>
          <RequireSignedSMIMEAlgorithm>0</RequireSignedSMIMEAlgorithm>
          <RequireEncryptionSMIMEAlgorithm>0</RequireEncryptionSMIMEAlgorithm>
          <AllowSMIMEEncryptionAlgorithmNegotiation>2</AllowSMIMEEncryptionAlgorithmNegotiation>
          <AllowSMIMESoftCerts>1</AllowSMIMESoftCerts>
          <AllowBrowser>1</AllowBrowser>
          <AllowConsumerEmail>1</AllowConsumerEmail>
          <AllowRemoteDesktop>1</AllowRemoteDesktop>
          <AllowInternetSharing>1</AllowInternetSharing>
          <UnapprovedInROMApplicationList>
            <ApplicationName>Solitaire</ApplicationName>
          </UnapprovedInROMApplicationList>
          <ApprovedApplicationList/>
        </EASProvisionDoc>
      </Data>
    </Policy>
  </Policies>
</Provision>`;

const EXPECTED_POLICY: Required<ProvisionPolicy> = {
  devicePasswordEnabled: true,
  alphanumericDevicePasswordRequired: false,
  passwordRecoveryEnabled: false,
  requireStorageCardEncryption: false,
  attachmentsEnabled: true,
  minDevicePasswordLength: 4,
  maxInactivityTimeDeviceLock: 900,
  maxDevicePasswordFailedAttempts: 8,
  maxAttachmentSize: null,
  allowSimpleDevicePassword: true,
  devicePasswordExpiration: null,
  devicePasswordHistory: 0,
  allowStorageCard: true,
  allowCamera: true,
  requireDeviceEncryption: false,
  allowUnsignedApplications: true,
  allowUnsignedInstallationPackages: true,
  minDevicePasswordComplexCharacters: 3,
  allowWiFi: true,
  allowTextMessaging: true,
  allowPOPIMAPEmail: true,
  allowBluetooth: 2,
  allowIrDA: true,
  requireManualSyncWhenRoaming: false,
  allowDesktopSync: true,
  maxCalendarAgeFilter: 0,
  allowHTMLEmail: true,
  maxEmailAgeFilter: 0,
  maxEmailBodyTruncationSize: -1,
  maxEmailHTMLBodyTruncationSize: -1,
  requireSignedSMIMEMessages: false,
  requireEncryptedSMIMEMessages: false,
  requireSignedSMIMEAlgorithm: 0,
  requireEncryptionSMIMEAlgorithm: 0,
  allowSMIMEEncryptionAlgorithmNegotiation: 2,
  allowSMIMESoftCerts: true,
  allowBrowser: true,
  allowConsumerEmail: true,
  allowRemoteDesktop: true,
  allowInternetSharing: true,
  unapprovedInROMApplicationList: ['Solitaire'],
  approvedApplicationList: [],
};

describe('parseProvision', () => {
  it('reads the phase 1 response: temporary key and every policy setting', () => {
    const r = parseProvision(roundTrip(easFromXml(PHASE1)), ctx('14.1'));
    expect(r.status).toBe(1);
    expect(r.deviceInformationStatus).toBe(1);
    expect(r.remoteWipe).toBe(false);
    expect(r.accountOnlyRemoteWipe).toBe(false);
    expect(r.policy).toMatchObject({ policyType: EAS_POLICY_TYPE, status: 1, policyKey: '1307199584' });
    expect(r.policy?.settings).toEqual(EXPECTED_POLICY);
  });

  it('leaves unsent settings undefined and reads 12.0 DeviceEncryptionEnabled and true/false', () => {
    const doc = prov(
      'EASProvisionDoc',
      prov('DevicePasswordEnabled', 'true'),
      prov('DeviceEncryptionEnabled', '1'),
      prov('MinDevicePasswordLength', 'four'),
      prov('FutureSetting', '1'),
    );
    const root = prov(
      'Provision',
      prov('Status', '1'),
      prov('Policies', prov('Policy', prov('PolicyType', EAS_POLICY_TYPE), prov('Status', '1'), prov('PolicyKey', '7'), prov('Data', doc))),
    );
    expect(parseProvision(root, ctx('12.0')).policy?.settings).toEqual({
      devicePasswordEnabled: true,
      requireStorageCardEncryption: true,
    });
  });

  it('reads the phase 2 response with the final key and no data', () => {
    const root = prov(
      'Provision',
      prov('Status', '1'),
      prov('Policies', prov('Policy', prov('PolicyType', EAS_POLICY_TYPE), prov('Status', '1'), prov('PolicyKey', '3942919513'))),
    );
    const r = parseProvision(roundTrip(root), ctx('14.1'));
    expect(r.policy).toEqual({
      policyType: EAS_POLICY_TYPE,
      status: 1,
      policyKey: '3942919513',
      settings: undefined,
      wapProvisioningXml: undefined,
    });
    expect(r.deviceInformationStatus).toBeUndefined();
  });

  it('reads a wrong-key acknowledgement (Policy status 5) without a key', () => {
    const root = prov(
      'Provision',
      prov('Status', '1'),
      prov('Policies', prov('Policy', prov('PolicyType', EAS_POLICY_TYPE), prov('Status', '5'))),
    );
    const r = parseProvision(root, ctx('14.1'));
    expect(r.policy?.status).toBe(5);
    expect(describePolicyStatus(5)).toBe('The client is acknowledging the wrong policy key');
  });

  it('takes a Policy with only Status 2 (no policy for this client, MS-ASPROV 2.2.2.54.1) as no policy: Horde_ActiveSync', () => {
    // Horde 5.2 (Horde_ActiveSync 2.41.9) with provisioning off, byte for byte: Provision, Status 1,
    // Policies, Policy, Status 2; no PolicyType, no PolicyKey.
    const raw = Uint8Array.from(Buffer.from('03016a00000e454b0331000146474b03320001010101', 'hex'));
    const r = parseProvision(decodeEas(raw), ctx('16.0'));
    expect(r.status).toBe(1);
    expect(r.policy).toEqual({
      policyType: undefined,
      status: 2,
      policyKey: undefined,
      settings: undefined,
      wapProvisioningXml: undefined,
    });
    expect(describePolicyStatus(r.policy?.status ?? 0)).toBe('There is no policy for this client');
  });

  it('reads the remote wipe directives', () => {
    const wipe = parseProvision(roundTrip(prov('Provision', prov('Status', '1'), prov('RemoteWipe'))), ctx('14.1'));
    expect(wipe).toMatchObject({ status: 1, remoteWipe: true, accountOnlyRemoteWipe: false, policy: undefined });
    const accountOnly = parseProvision(roundTrip(prov('Provision', prov('Status', '1'), prov('AccountOnlyRemoteWipe'))), ctx('16.1'));
    expect(accountOnly).toMatchObject({ remoteWipe: false, accountOnlyRemoteWipe: true });
  });

  it('keeps the 2.5 WAP provisioning XML as text', () => {
    const wap = '<wap-provisioningdoc><characteristic type="SecurityPolicy"/></wap-provisioningdoc>';
    const root = prov(
      'Provision',
      prov('Status', '1'),
      prov(
        'Policies',
        prov('Policy', prov('PolicyType', 'MS-WAP-Provisioning-XML'), prov('Status', '1'), prov('PolicyKey', '1'), prov('Data', wap)),
      ),
    );
    expect(parseProvision(root, ctx('2.5')).policy?.wapProvisioningXml).toBe(wap);
  });

  it('reports Provision errors, common codes included', () => {
    const r = parseProvision(prov('Provision', prov('Status', '145')), ctx('14.1'));
    expect(r.status).toBe(145);
    expect(describeProvisionStatus(2)).toBe('Protocol error');
    expect(describeProvisionStatus(145)).toBe('Externally managed devices are not allowed');
  });

  it('throws when required elements are missing', () => {
    const policy = (...children: El[]): El => prov('Provision', prov('Status', '1'), prov('Policies', prov('Policy', ...children)));
    expect(() => parseProvision(null, ctx('14.1'))).toThrow(EasProtocolError);
    expect(() => parseProvision(el('FolderHierarchy', 'FolderSync'), ctx('14.1'))).toThrow(/expected <Provision>/);
    expect(() => parseProvision(prov('Provision'), ctx('14.1'))).toThrow(/Provision\/Status/);
    expect(() => parseProvision(policy(prov('Status', '1'), prov('PolicyKey', '1')), ctx('14.1'))).toThrow(/PolicyType/);
    expect(() => parseProvision(policy(prov('Status', '5')), ctx('14.1'))).toThrow(/PolicyType/);
    expect(() => parseProvision(policy(prov('PolicyType', EAS_POLICY_TYPE), prov('PolicyKey', '1')), ctx('14.1'))).toThrow(
      /Policy\/Status/,
    );
    expect(() => parseProvision(policy(prov('PolicyType', EAS_POLICY_TYPE), prov('Status', '1')), ctx('14.1'))).toThrow(/PolicyKey/);
  });
});
