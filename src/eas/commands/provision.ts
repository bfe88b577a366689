/**
 * Provision (MS-ASCMD 2.2.1.14, specified in MS-ASPROV): security policy and remote wipe.
 *
 * Provisioning has two phases (MS-ASPROV 3.1.5.1):
 * 1. download: the client asks for the policy (PolicyType MS-EAS-Provisioning-WBXML;
 *    in 14.1+ it also sends its DeviceInformation). The server answers with the
 *    settings (EASProvisionDoc) and a *temporary* PolicyKey.
 * 2. acknowledge: the client sends the temporary key back with whether it applied
 *    the policy. The server answers with the *final* PolicyKey, which the client
 *    then sends with every command (X-MS-PolicyKey, or the base64 query).
 * The server asks for this again with HTTP 449 (12.x) or status 142-144 (14.0+).
 *
 * Either response may instead carry RemoteWipe (or, in 16.1, AccountOnlyRemoteWipe):
 * the client acknowledges it, then erases the device (or this account's data).
 */
import type { El } from '../../wbxml/tree.ts';
import { intAt, kid, kids, ns, path, textAt, textOf } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { describeStatus } from '../status.ts';
import { atLeast } from '../version.ts';
import { missing, requireRoot, requireStatus } from './common.ts';
import { buildDeviceInformation, type DeviceInformation } from './settings.ts';

export type { DeviceInformation };

const prov = ns('Provision');

/** MS-ASPROV 2.2.2.43: WBXML policy for 12.0 and later. */
export const EAS_POLICY_TYPE = 'MS-EAS-Provisioning-WBXML';
/** MS-ASPROV 2.2.2.43: the WAP provisioning XML of protocol 2.5. */
export const WAP_POLICY_TYPE = 'MS-WAP-Provisioning-XML';

// ------------------------------------------------------------------ status codes

/** Status of the Provision element (MS-ASPROV 2.2.2.54.2, 3.1.5.2). */
export type ProvisionStatus =
  /** Success. */
  | 1
  /** Protocol error: syntax error in the request. */
  | 2
  /** General server error, often transient: retry. */
  | 3
  /** The client cannot fully comply with the policy and the server requires it (common status). */
  | 139
  /** The device is not provisionable: it sent no policy key (common status). */
  | 141
  /** Externally managed devices are not allowed (common status). */
  | 145;

export const PROVISION_STATUS_TEXT: Readonly<Record<1 | 2 | 3, string>> = {
  1: 'Success',
  2: 'Protocol error',
  3: 'General server error',
};

/** Short English text for a Provision status (common codes included). */
export function describeProvisionStatus(code: number): string {
  return PROVISION_STATUS_TEXT[code as 1 | 2 | 3] ?? describeStatus(code);
}

/** Status of a Policy in a response (MS-ASPROV 2.2.2.54.1). */
export type PolicyStatus =
  /** Success. */
  | 1
  /** There is no policy for this client. */
  | 2
  /** Unknown PolicyType value. */
  | 3
  /** The policy data on the server is corrupted (possibly tampered with). */
  | 4
  /** The client is acknowledging the wrong policy key: provision again from phase 1. */
  | 5;

export const POLICY_STATUS_TEXT: Readonly<Record<PolicyStatus, string>> = {
  1: 'Success',
  2: 'There is no policy for this client',
  3: 'Unknown PolicyType value',
  4: 'The policy data on the server is corrupted',
  5: 'The client is acknowledging the wrong policy key',
};

export function describePolicyStatus(code: number): string {
  return POLICY_STATUS_TEXT[code as PolicyStatus] ?? `Unknown Policy status ${code}`;
}

/** What the client reports in its acknowledgement (MS-ASPROV 2.2.2.54.1, request). */
export type PolicyAckStatus =
  /** The policy was applied. */
  | 1
  /** Partial success: at least the PIN (device password) was enabled. */
  | 2
  /** The client did not apply the policy at all. */
  | 3
  /** The client claims to have been provisioned by a third party. */
  | 4;

/** Result of a remote wipe, reported in its acknowledgement (MS-ASPROV 2.2.2.54.3). */
export type RemoteWipeStatus =
  /** The remote wipe succeeded (or is about to: the client SHOULD NOT wait for the answer). */
  | 1
  /** The remote wipe failed. */
  | 2;

// ------------------------------------------------------------------ request

export type ProvisionRequest =
  /** Phase 1: download the policy (MS-ASPROV 3.1.5.1.1). DeviceInformation is sent in 14.1+ only. */
  | { readonly kind: 'download'; readonly deviceInformation: DeviceInformation }
  /** Phase 2: acknowledge the policy with the temporary key (MS-ASPROV 3.1.5.1.2.1). */
  | { readonly kind: 'acknowledge'; readonly policyKey: string; readonly status: PolicyAckStatus }
  /**
   * Acknowledge a RemoteWipe (MS-ASPROV 3.1.5.1.2.2), or with accountOnly an
   * AccountOnlyRemoteWipe (16.1, MS-ASPROV 3.1.5.1.2.3).
   */
  | { readonly kind: 'remote-wipe'; readonly status: RemoteWipeStatus; readonly accountOnly?: boolean };

/** The PolicyType for a protocol version (MS-ASPROV 2.2.2.43). */
export function policyTypeFor(ctx: EasContext): string {
  return atLeast(ctx.version, '12.0') ? EAS_POLICY_TYPE : WAP_POLICY_TYPE;
}

export function buildProvision(req: ProvisionRequest, ctx: EasContext): EasRequest {
  return { cmd: 'Provision', body: provisionBody(req, ctx) };
}

function provisionBody(req: ProvisionRequest, ctx: EasContext): El {
  switch (req.kind) {
    case 'download':
      return prov(
        'Provision',
        // MS-ASPROV 2.2.2.53: MUST in the initial request of 14.1, 16.0, 16.1; unsupported before.
        atLeast(ctx.version, '14.1') && buildDeviceInformation(req.deviceInformation, ctx),
        policies(prov('PolicyType', policyTypeFor(ctx))),
      );
    case 'acknowledge':
      // MS-ASPROV 2.2.2.41: PolicyKey MUST come before Status.
      return prov(
        'Provision',
        policies(prov('PolicyType', policyTypeFor(ctx)), prov('PolicyKey', req.policyKey), prov('Status', req.status)),
      );
    case 'remote-wipe':
      return prov('Provision', prov(req.accountOnly ? 'AccountOnlyRemoteWipe' : 'RemoteWipe', prov('Status', req.status)));
  }
}

function policies(...policyChildren: El[]): El {
  return prov('Policies', prov('Policy', ...policyChildren));
}

// ------------------------------------------------------------------ response

/**
 * The settings of an EASProvisionDoc (MS-ASPROV 2.2.2.28), one field per
 * element, section numbers in MS-ASPROV 2.2.2. A field is undefined when the
 * server did not send it and null when it sent the element empty, which
 * means "not set" (MS-ASPROV 3.2.5.1.1).
 */
export interface ProvisionPolicy {
  /** 2.2.2.25: a device password is required. */
  readonly devicePasswordEnabled?: boolean | null;
  /** 2.2.2.20: the password must be alphanumeric. */
  readonly alphanumericDevicePasswordRequired?: boolean | null;
  /** 2.2.2.39: the server may keep a recovery password for the device. */
  readonly passwordRecoveryEnabled?: boolean | null;
  /** 2.2.2.52: storage cards must be encrypted (DeviceEncryptionEnabled in 12.0). */
  readonly requireStorageCardEncryption?: boolean | null;
  /** 2.2.2.23: attachments may be downloaded. */
  readonly attachmentsEnabled?: boolean | null;
  /** 2.2.2.38: minimum password length (1-16). */
  readonly minDevicePasswordLength?: number | null;
  /** 2.2.2.36: seconds of inactivity before the device locks; 9999 or more means no limit. */
  readonly maxInactivityTimeDeviceLock?: number | null;
  /** 2.2.2.32: failed unlock attempts (4-16) before the device wipes itself. */
  readonly maxDevicePasswordFailedAttempts?: number | null;
  /** 2.2.2.30: largest attachment to download, in bytes. */
  readonly maxAttachmentSize?: number | null;
  /** 2.2.2.12: simple passwords such as "1111" or "1234" are allowed. */
  readonly allowSimpleDevicePassword?: boolean | null;
  /** 2.2.2.26: days before the password expires; 0 or empty means never. */
  readonly devicePasswordExpiration?: number | null;
  /** 2.2.2.27: how many previous passwords may not be reused. */
  readonly devicePasswordHistory?: number | null;
  /** 2.2.2.15: storage cards may be used. */
  readonly allowStorageCard?: boolean | null;
  /** 2.2.2.4: the camera may be used. */
  readonly allowCamera?: boolean | null;
  /** 2.2.2.46: the device must be encrypted. */
  readonly requireDeviceEncryption?: boolean | null;
  /** 2.2.2.17: unsigned applications may run. */
  readonly allowUnsignedApplications?: boolean | null;
  /** 2.2.2.18: unsigned installation packages may run. */
  readonly allowUnsignedInstallationPackages?: boolean | null;
  /** 2.2.2.37: minimum number of character groups (1-4) in an alphanumeric password. */
  readonly minDevicePasswordComplexCharacters?: number | null;
  /** 2.2.2.19: Wi-Fi may be used. */
  readonly allowWiFi?: boolean | null;
  /** 2.2.2.16: SMS may be used. */
  readonly allowTextMessaging?: boolean | null;
  /** 2.2.2.10: POP and IMAP mail may be used. */
  readonly allowPOPIMAPEmail?: boolean | null;
  /** 2.2.2.2: 0 disable Bluetooth, 1 hands-free profiles only, 2 allow. */
  readonly allowBluetooth?: number | null;
  /** 2.2.2.9: infrared connections may be used. */
  readonly allowIrDA?: boolean | null;
  /** 2.2.2.49: sync manually while roaming. */
  readonly requireManualSyncWhenRoaming?: boolean | null;
  /** 2.2.2.6: desktop ActiveSync may be used. */
  readonly allowDesktopSync?: boolean | null;
  /** 2.2.2.31: oldest calendar items to sync, as a FilterType (0 all, 4 two weeks ... 7 six months). */
  readonly maxCalendarAgeFilter?: number | null;
  /** 2.2.2.7: HTML mail may be shown. */
  readonly allowHTMLEmail?: boolean | null;
  /** 2.2.2.33: oldest mail to sync, as a FilterType (0 all, 1 one day ... 5 one month). */
  readonly maxEmailAgeFilter?: number | null;
  /** 2.2.2.34: plain text body truncation: -1 none, 0 headers only, else bytes. */
  readonly maxEmailBodyTruncationSize?: number | null;
  /** 2.2.2.35: HTML body truncation: -1 none, 0 headers only, else bytes. */
  readonly maxEmailHTMLBodyTruncationSize?: number | null;
  /** 2.2.2.51: outgoing mail must be signed with S/MIME. */
  readonly requireSignedSMIMEMessages?: boolean | null;
  /** 2.2.2.47: outgoing mail must be encrypted with S/MIME. */
  readonly requireEncryptedSMIMEMessages?: boolean | null;
  /** 2.2.2.50: signing algorithm: 0 SHA1, 1 MD5. */
  readonly requireSignedSMIMEAlgorithm?: number | null;
  /** 2.2.2.48: encryption algorithm: 0 TripleDES, 1 DES, 2 RC2 128, 3 RC2 64, 4 RC2 40 bit. */
  readonly requireEncryptionSMIMEAlgorithm?: number | null;
  /** 2.2.2.13: algorithm negotiation: 0 none, 1 strong algorithms only, 2 any. */
  readonly allowSMIMEEncryptionAlgorithmNegotiation?: number | null;
  /** 2.2.2.14: soft (file) certificates may be used. */
  readonly allowSMIMESoftCerts?: boolean | null;
  /** 2.2.2.3: the browser may be used. */
  readonly allowBrowser?: boolean | null;
  /** 2.2.2.5: consumer mail accounts may be used. */
  readonly allowConsumerEmail?: boolean | null;
  /** 2.2.2.11: Remote Desktop may be used. */
  readonly allowRemoteDesktop?: boolean | null;
  /** 2.2.2.8: the device may share its Internet connection. */
  readonly allowInternetSharing?: boolean | null;
  /** 2.2.2.55: in-ROM applications that may not run (ApplicationName values). */
  readonly unapprovedInROMApplicationList?: readonly string[];
  /** 2.2.2.22: applications that may run (SHA-1 Hash values). */
  readonly approvedApplicationList?: readonly string[];
}

/** The fields of ProvisionPolicy whose value is of type V. */
type FieldsOf<V> = {
  [K in keyof ProvisionPolicy]-?: NonNullable<ProvisionPolicy[K]> extends V ? K : never;
}[keyof ProvisionPolicy];
type BoolField = FieldsOf<boolean>;
type IntField = FieldsOf<number>;

/** Boolean elements of EASProvisionDoc ("1"/"0"); the field is the element name, uncapitalized. */
const BOOL_FIELDS: ReadonlyArray<Capitalize<BoolField>> = [
  'DevicePasswordEnabled',
  'AlphanumericDevicePasswordRequired',
  'PasswordRecoveryEnabled',
  'RequireStorageCardEncryption',
  'AttachmentsEnabled',
  'AllowSimpleDevicePassword',
  'AllowStorageCard',
  'AllowCamera',
  'RequireDeviceEncryption',
  'AllowUnsignedApplications',
  'AllowUnsignedInstallationPackages',
  'AllowWiFi',
  'AllowTextMessaging',
  'AllowPOPIMAPEmail',
  'AllowIrDA',
  'RequireManualSyncWhenRoaming',
  'AllowDesktopSync',
  'AllowHTMLEmail',
  'RequireSignedSMIMEMessages',
  'RequireEncryptedSMIMEMessages',
  'AllowSMIMESoftCerts',
  'AllowBrowser',
  'AllowConsumerEmail',
  'AllowRemoteDesktop',
  'AllowInternetSharing',
];

/** Integer elements of EASProvisionDoc. */
const INT_FIELDS: ReadonlyArray<Capitalize<IntField>> = [
  'MinDevicePasswordLength',
  'MaxInactivityTimeDeviceLock',
  'MaxDevicePasswordFailedAttempts',
  'MaxAttachmentSize',
  'DevicePasswordExpiration',
  'DevicePasswordHistory',
  'MinDevicePasswordComplexCharacters',
  'AllowBluetooth',
  'MaxCalendarAgeFilter',
  'MaxEmailAgeFilter',
  'MaxEmailBodyTruncationSize',
  'MaxEmailHTMLBodyTruncationSize',
  'RequireSignedSMIMEAlgorithm',
  'RequireEncryptionSMIMEAlgorithm',
  'AllowSMIMEEncryptionAlgorithmNegotiation',
];

/** The Policy of a response (MS-ASPROV 2.2.2.41). */
export interface PolicyResult {
  /** Absent only when there is no policy (Status 2): Horde sends that Policy with nothing but its Status. */
  readonly policyType?: string;
  /** A PolicyStatus. */
  readonly status: number;
  /** Temporary key after phase 1, final key after phase 2. */
  readonly policyKey?: string;
  /** The EASProvisionDoc of a phase 1 response (12.0+). */
  readonly settings?: ProvisionPolicy;
  /** Data as text: the WAP provisioning XML of protocol 2.5 (MS-ASPROV 2.2.2.24.2). */
  readonly wapProvisioningXml?: string;
}

export interface ProvisionResponse {
  /** A ProvisionStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** settings:DeviceInformation/settings:Status when the request carried DeviceInformation. */
  readonly deviceInformationStatus?: number;
  readonly policy?: PolicyResult;
  /** RemoteWipe present: acknowledge, then wipe the device (MS-ASPROV 2.2.2.45). */
  readonly remoteWipe: boolean;
  /** AccountOnlyRemoteWipe present (16.1): acknowledge, then erase this account's data (MS-ASPROV 2.2.2.1). */
  readonly accountOnlyRemoteWipe: boolean;
}

export function parseProvision(root: El | null, _ctx: EasContext): ProvisionResponse {
  const r = requireRoot(root, 'Provision', 'Provision');
  const policy = path(r, 'Policies', 'Policy');
  return {
    status: requireStatus(r, 'Provision'),
    deviceInformationStatus: intAt(r, 'DeviceInformation', 'Status'),
    policy: policy ? readPolicy(policy) : undefined,
    remoteWipe: kid(r, 'RemoteWipe') !== undefined,
    accountOnlyRemoteWipe: kid(r, 'AccountOnlyRemoteWipe') !== undefined,
  };
}

function readPolicy(p: El): PolicyResult {
  const status = requireStatus(p, 'Provision');
  // MS-ASPROV 2.2.2.54.1: Status 2 is "no policy for this client", so the type of a policy that
  // does not exist is no reason to refuse the answer (MS-ASPROV 2.2.2.41 lists it as required).
  const type = kid(p, 'PolicyType');
  if (!type && status !== 2) missing('Provision', 'Policy/PolicyType');
  const policyType = type && textOf(type);
  const policyKey = textAt(p, 'PolicyKey');
  // MS-ASPROV 2.2.2.41: both responses carry the key; without it nothing can be acknowledged or sent.
  if (status === 1 && !policyKey) missing('Provision', 'Policy/PolicyKey');
  const data = kid(p, 'Data');
  const doc = data ? kid(data, 'EASProvisionDoc') : undefined;
  return {
    policyType,
    status,
    policyKey,
    settings: doc ? readProvisionDoc(doc) : undefined,
    wapProvisioningXml: data && !doc ? textOf(data) : undefined,
  };
}

/** Reads an EASProvisionDoc into a typed record; unknown elements are ignored. */
export function readProvisionDoc(doc: El): ProvisionPolicy {
  const bools: Partial<Record<BoolField, boolean | null>> = {};
  const ints: Partial<Record<IntField, number | null>> = {};
  for (const name of BOOL_FIELDS) {
    const value = readBool(docElement(doc, name));
    if (value !== undefined) bools[uncapitalize<BoolField>(name)] = value;
  }
  for (const name of INT_FIELDS) {
    const value = readInt(kid(doc, name));
    if (value !== undefined) ints[uncapitalize<IntField>(name)] = value;
  }
  const unapproved = kid(doc, 'UnapprovedInROMApplicationList');
  const approved = kid(doc, 'ApprovedApplicationList');
  return {
    ...bools,
    ...ints,
    ...(unapproved && { unapprovedInROMApplicationList: kids(unapproved, 'ApplicationName').map(textOf) }),
    ...(approved && { approvedApplicationList: kids(approved, 'Hash').map(textOf) }),
  };
}

function docElement(doc: El, name: string): El | undefined {
  // Token 0x10 of code page 14 is DeviceEncryptionEnabled in 12.0, same meaning (MS-ASWBXML).
  return kid(doc, name) ?? (name === 'RequireStorageCardEncryption' ? kid(doc, 'DeviceEncryptionEnabled') : undefined);
}

function uncapitalize<K extends string>(name: Capitalize<K>): K {
  return (name.charAt(0).toLowerCase() + name.slice(1)) as K;
}

/** "1"/"true" or "0"/"false"; empty is null ("not set"); absent or anything else is undefined. */
function readBool(e: El | undefined): boolean | null | undefined {
  if (!e) return undefined;
  const v = textOf(e).trim().toLowerCase();
  if (v === '') return null;
  if (v === '1' || v === 'true') return true;
  return v === '0' || v === 'false' ? false : undefined;
}

/** An integer; empty is null ("not set"); absent or a non-integer is undefined. */
function readInt(e: El | undefined): number | null | undefined {
  if (!e) return undefined;
  const v = textOf(e).trim();
  if (v === '') return null;
  return Number.isInteger(Number(v)) ? Number(v) : undefined;
}
