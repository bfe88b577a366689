/**
 * Settings (MS-ASCMD 2.2.1.18): reads and changes account settings. One
 * request can carry several parts; the response has a Status per part.
 *
 * - Oof: Get (with the BodyType wanted) or Set the Out of Office state and replies.
 * - DeviceInformation: Set the device's model, IMEI, OS... (in 14.1 Provision
 *   carries it instead, MS-ASCMD 2.2.3.45; buildDeviceInformation serves both).
 * - DevicePassword: Set the recovery password (MS-ASPROV PasswordRecoveryEnabled).
 * - UserInformation: Get the user's addresses (14.1+: per account).
 * - RightsManagementInformation: Get the IRM templates (14.1+).
 */
import type { El } from '../../wbxml/tree.ts';
import { boolAt, intAt, kid, kids, ns, opt, path, textAt, textOf } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { formatEasDateTime, parseEasDate } from '../items/dates.ts';
import { atLeast, type EasVersion } from '../version.ts';
import { missing, requireRoot, statusText } from './common.ts';

const st = ns('Settings');

/** Settings status codes (MS-ASCMD 2.2.3.177.15), for Settings/Status and each part's Status. */
export type SettingsStatus =
  /** Success. */
  | 1
  /** Protocol error: the request is malformed. */
  | 2
  /** Access denied. */
  | 3
  /** Server unavailable: retry. */
  | 4
  /** Invalid arguments. */
  | 5
  /** Conflicting arguments (e.g. Set with times outside the OofState). */
  | 6
  /** Denied by policy: the administrator disabled this setting. */
  | 7;

export const describeSettingsStatus: Readonly<Record<SettingsStatus, string>> = {
  1: 'Success',
  2: 'Protocol error',
  3: 'Access denied',
  4: 'Server unavailable',
  5: 'Invalid arguments',
  6: 'Conflicting arguments',
  7: 'Denied by policy',
};

/** Short English text for a Settings status code. */
export function settingsStatusText(code: number): string {
  return statusText(describeSettingsStatus, code, 'Settings');
}

/** OofState (MS-ASCMD 2.2.3.124): 0 disabled, 1 enabled (global), 2 enabled between StartTime and EndTime. */
export type OofState = 0 | 1 | 2;

/** BodyType of Out of Office replies: "Text" or "HTML". */
export type OofBodyType = 'Text' | 'HTML';

/** Who a reply is for: AppliesToInternal, AppliesToExternalKnown or AppliesToExternalUnknown. */
export type OofAudience = 'Internal' | 'ExternalKnown' | 'ExternalUnknown';

/** One OofMessage (MS-ASCMD 2.2.3.123). */
export interface OofMessage {
  readonly appliesTo: OofAudience;
  /** Enabled: send this reply. */
  readonly enabled?: boolean;
  readonly replyMessage?: string;
  readonly bodyType?: OofBodyType;
}

/** What Oof Set sends. */
export interface OofSettings {
  readonly state: OofState;
  /** The window, as dateTime (MS-ASCMD 2.2.3.176.2, 2.2.3.61.2); only with state 2 (MS-ASCMD 2.2.3.124). */
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly messages: readonly OofMessage[];
}

/** What Oof Get returns: as OofSettings, but every element is optional in the response. */
export interface OofReply {
  readonly state?: OofState;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly messages: readonly OofMessage[];
}

/** The device's properties (MS-ASCMD 2.2.3.45; each value up to 1024 characters). */
export interface DeviceInformation {
  readonly model?: string;
  readonly imei?: string;
  readonly friendlyName?: string;
  readonly os?: string;
  readonly osLanguage?: string;
  readonly phoneNumber?: string;
  readonly userAgent?: string;
  /** The server may send SMS through this device, 14.0+. */
  readonly enableOutboundSms?: boolean;
  /** 14.0+. */
  readonly mobileOperator?: string;
}

export interface SettingsRequest {
  readonly oof?: { readonly get: OofBodyType } | { readonly set: OofSettings };
  readonly deviceInformation?: DeviceInformation;
  /** DevicePassword Set: the recovery password, up to 255 characters (MS-ASCMD 2.2.3.132). */
  readonly devicePassword?: string;
  /** UserInformation Get. */
  readonly userInformation?: boolean;
  /** RightsManagementInformation Get, 14.1+. */
  readonly rightsManagementInformation?: boolean;
}

/** EmailAddresses (MS-ASCMD 2.2.3.57). */
export interface EmailAddresses {
  /** SMTPAddress values (MS-ASCMD 2.2.3.171). */
  readonly smtpAddresses: readonly string[];
  /** 14.1+. */
  readonly primarySmtpAddress?: string;
}

/** One Account of UserInformation, 14.1+. */
export interface UserAccount {
  /** Use as ComposeMail AccountId to send from this account. */
  readonly accountId?: string;
  readonly accountName?: string;
  readonly userDisplayName?: string;
  readonly sendDisabled?: boolean;
  readonly emailAddresses?: EmailAddresses;
}

/** An IRM template (rm:RightsManagementTemplate, MS-ASRM). */
export interface RightsManagementTemplate {
  readonly templateId: string;
  readonly templateName?: string;
  readonly templateDescription?: string;
}

export interface SettingsResponse {
  /** A SettingsStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  readonly oof?: { readonly status?: number; readonly get?: OofReply };
  readonly deviceInformation?: { readonly status?: number };
  readonly devicePassword?: { readonly status?: number };
  /** 12.1 and 14.0 answer with `emailAddresses`; 14.1+ with `accounts`. */
  readonly userInformation?: {
    readonly status?: number;
    readonly emailAddresses?: EmailAddresses;
    readonly accounts?: readonly UserAccount[];
  };
  readonly rightsManagementInformation?: {
    readonly status?: number;
    readonly templates?: readonly RightsManagementTemplate[];
  };
}

export function buildSettings(req: SettingsRequest, ctx: EasContext): EasRequest {
  const parts = [
    req.oof && oofElement(req.oof),
    req.deviceInformation && buildDeviceInformation(req.deviceInformation, ctx),
    req.devicePassword !== undefined && st('DevicePassword', st('Set', st('Password', req.devicePassword))),
    req.userInformation && st('UserInformation', st('Get')),
    req.rightsManagementInformation && rightsManagementGet(ctx.version),
  ];
  const body = st('Settings', parts);
  if (body.children.length === 0) throw new EasProtocolError('no setting asked for', 'Settings');
  return { cmd: 'Settings', body };
}

function oofElement(oof: { readonly get: OofBodyType } | { readonly set: OofSettings }): El {
  if ('get' in oof) return st('Oof', st('Get', st('BodyType', oof.get)));
  const s = oof.set;
  // MS-ASCMD 2.2.3.124: with StartTime/EndTime, OofState MUST be 2 (else the server drops the times).
  if ((s.startTime || s.endTime) && s.state !== 2) {
    throw new EasProtocolError('StartTime/EndTime need OofState 2 (time-based)', 'Settings');
  }
  return st(
    'Oof',
    st(
      'Set',
      st('OofState', s.state),
      s.startTime && st('StartTime', formatEasDateTime(s.startTime)),
      s.endTime && st('EndTime', formatEasDateTime(s.endTime)),
      s.messages.map(oofMessageElement),
    ),
  );
}

function oofMessageElement(m: OofMessage): El {
  return st(
    'OofMessage',
    st(`AppliesTo${m.appliesTo}`),
    // Enabled: "1" sends this reply, "0" does not.
    opt('Settings', 'Enabled', m.enabled),
    opt('Settings', 'ReplyMessage', m.replyMessage),
    opt('Settings', 'BodyType', m.bodyType),
  );
}

/**
 * settings:DeviceInformation with its Set (MS-ASCMD 2.2.3.45), for Settings
 * and for the 14.1 Provision request. With `ctx`, the 14.0+ fields are refused
 * on older versions.
 */
export function buildDeviceInformation(info: DeviceInformation, ctx?: EasContext): El {
  const newer = info.enableOutboundSms !== undefined || info.mobileOperator !== undefined;
  if (ctx && newer && !atLeast(ctx.version, '14.0')) {
    throw new EasProtocolError(`EnableOutboundSMS/MobileOperator need protocol 14.0 (negotiated ${ctx.version})`, 'Settings');
  }
  return st(
    'DeviceInformation',
    st(
      'Set',
      opt('Settings', 'Model', info.model),
      opt('Settings', 'IMEI', info.imei),
      opt('Settings', 'FriendlyName', info.friendlyName),
      opt('Settings', 'OS', info.os),
      opt('Settings', 'OSLanguage', info.osLanguage),
      opt('Settings', 'PhoneNumber', info.phoneNumber),
      opt('Settings', 'UserAgent', info.userAgent),
      opt('Settings', 'EnableOutboundSMS', info.enableOutboundSms),
      opt('Settings', 'MobileOperator', info.mobileOperator),
    ),
  );
}

function rightsManagementGet(v: EasVersion): El {
  if (!atLeast(v, '14.1')) {
    throw new EasProtocolError(`RightsManagementInformation needs protocol 14.1 (negotiated ${v})`, 'Settings');
  }
  return st('RightsManagementInformation', st('Get'));
}

export function parseSettings(root: El | null, _ctx: EasContext): SettingsResponse {
  const r = requireRoot(root, 'Settings', 'Settings');
  const status = intAt(r, 'Status');
  if (status === undefined) missing('Settings', 'Settings/Status');
  const oof = kid(r, 'Oof');
  const device = kid(r, 'DeviceInformation');
  const password = kid(r, 'DevicePassword');
  const user = kid(r, 'UserInformation');
  const rights = kid(r, 'RightsManagementInformation');
  return {
    status,
    oof: oof && { status: partStatus(oof), get: oofReply(kid(oof, 'Get')) },
    deviceInformation: device && { status: partStatus(device) },
    devicePassword: password && { status: partStatus(password) },
    userInformation: user && { status: partStatus(user), ...userInformation(kid(user, 'Get')) },
    rightsManagementInformation: rights && { status: partStatus(rights), templates: templates(kid(rights, 'Get')) },
  };
}

/**
 * A part's Status is its child (MS-ASCMD 2.2.3.177.15); some servers answer a
 * Set inside a Set element (as libwbxml's activesync-005 fixture does), so that is read too.
 */
function partStatus(part: El): number | undefined {
  return intAt(part, 'Status') ?? intAt(part, 'Set', 'Status');
}

function oofReply(get: El | undefined): OofReply | undefined {
  if (!get) return undefined;
  const state = intAt(get, 'OofState');
  return {
    state: state === 0 || state === 1 || state === 2 ? state : undefined,
    startTime: parseEasDate(textAt(get, 'StartTime')),
    endTime: parseEasDate(textAt(get, 'EndTime')),
    messages: kids(get, 'OofMessage').map(oofMessage),
  };
}

function oofMessage(e: El): OofMessage {
  const audiences: readonly OofAudience[] = ['Internal', 'ExternalKnown', 'ExternalUnknown'];
  const appliesTo = audiences.find((a) => kid(e, `AppliesTo${a}`) !== undefined);
  if (appliesTo === undefined) missing('Settings', 'OofMessage/AppliesTo*');
  const bodyType = textAt(e, 'BodyType');
  return {
    appliesTo,
    enabled: boolAt(e, 'Enabled'),
    replyMessage: textAt(e, 'ReplyMessage'),
    // Servers write the BodyType in any case ("Text", "TEXT", "HTML").
    bodyType: bodyType === undefined ? undefined : bodyType.toUpperCase() === 'HTML' ? 'HTML' : 'Text',
  };
}

function userInformation(get: El | undefined): { emailAddresses?: EmailAddresses; accounts?: UserAccount[] } {
  if (!get) return {};
  const addresses = kid(get, 'EmailAddresses');
  const accounts = kid(get, 'Accounts');
  return {
    emailAddresses: addresses && emailAddresses(addresses),
    accounts: accounts && kids(accounts, 'Account').map(account),
  };
}

function emailAddresses(e: El): EmailAddresses {
  return {
    smtpAddresses: kids(e, 'SMTPAddress').map((a) => textOf(a)),
    primarySmtpAddress: textAt(e, 'PrimarySmtpAddress'),
  };
}

function account(e: El): UserAccount {
  const addresses = kid(e, 'EmailAddresses');
  return {
    accountId: textAt(e, 'AccountId'),
    accountName: textAt(e, 'AccountName'),
    userDisplayName: textAt(e, 'UserDisplayName'),
    sendDisabled: boolAt(e, 'SendDisabled'),
    emailAddresses: addresses && emailAddresses(addresses),
  };
}

function templates(get: El | undefined): RightsManagementTemplate[] | undefined {
  const list = path(get, 'RightsManagementTemplates');
  return (
    list &&
    kids(list, 'RightsManagementTemplate').map((t) => ({
      templateId: textAt(t, 'TemplateID') ?? missing('Settings', 'RightsManagementTemplate/TemplateID'),
      templateName: textAt(t, 'TemplateName'),
      templateDescription: textAt(t, 'TemplateDescription'),
    }))
  );
}
