/**
 * Provision (MS-ASPROV 3.1.5.1 / 3.2.5): phase 1 hands out the policy and a
 * temporary key, phase 2 (the client's acknowledgement) the final key that
 * X-MS-PolicyKey must carry. An armed remote wipe is announced here and
 * acknowledged by the device.
 */
import { intAt, kid, kids, ns, textAt, textOf, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';

const PV = ns('Provision');
const POLICY_TYPE = 'MS-EAS-Provisioning-WBXML';

/** A permissive policy, children in the EASProvisionDoc sequence of Provision.xsd. */
function provisionDoc(): El {
  const v: [string, string | number][] = [
    ['DevicePasswordEnabled', 0],
    ['AlphanumericDevicePasswordRequired', 0],
    ['PasswordRecoveryEnabled', 0],
    ['RequireStorageCardEncryption', 0],
    ['AttachmentsEnabled', 1],
    ['MinDevicePasswordLength', 4],
    ['MaxInactivityTimeDeviceLock', 900],
    ['MaxDevicePasswordFailedAttempts', 8],
    ['MaxAttachmentSize', 10_485_760],
    ['AllowSimpleDevicePassword', 1],
    ['DevicePasswordExpiration', 0],
    ['DevicePasswordHistory', 0],
    ['AllowStorageCard', 1],
    ['AllowCamera', 1],
    ['RequireDeviceEncryption', 0],
    ['AllowUnsignedApplications', 1],
    ['AllowUnsignedInstallationPackages', 1],
    ['MinDevicePasswordComplexCharacters', 1],
    ['AllowWiFi', 1],
    ['AllowTextMessaging', 1],
    ['AllowPOPIMAPEmail', 1],
    ['AllowBluetooth', 2],
    ['AllowIrDA', 1],
    ['RequireManualSyncWhenRoaming', 0],
    ['AllowDesktopSync', 1],
    ['MaxCalendarAgeFilter', 0],
    ['AllowHTMLEmail', 1],
    ['MaxEmailAgeFilter', 0],
    ['MaxEmailBodyTruncationSize', -1],
    ['MaxEmailHTMLBodyTruncationSize', -1],
    ['RequireSignedSMIMEMessages', 0],
    ['RequireEncryptedSMIMEMessages', 0],
    ['RequireSignedSMIMEAlgorithm', 0],
    ['RequireEncryptionSMIMEAlgorithm', 0],
    ['AllowSMIMEEncryptionAlgorithmNegotiation', 2],
    ['AllowSMIMESoftCerts', 1],
    ['AllowBrowser', 1],
    ['AllowConsumerEmail', 1],
    ['AllowRemoteDesktop', 1],
    ['AllowInternetSharing', 1],
  ];
  return PV(
    'EASProvisionDoc',
    v.map(([name, value]) => PV(name, value)),
  );
}

function reply(status: number, ...rest: (El | false | undefined)[]): CommandResult {
  return { tree: PV('Provision', PV('Status', status), ...rest) };
}

function policy(status: number, key?: string, data?: El): El {
  return PV('Policies', PV('Policy', PV('PolicyType', POLICY_TYPE), PV('Status', status), key !== undefined && PV('PolicyKey', key), data));
}

export function provision(ctx: CommandContext): CommandResult {
  const body = ctx.body;
  const d = ctx.device;
  if (body?.name !== 'Provision') return reply(2);
  const info = kid(body, 'DeviceInformation', 'Settings');
  const infoStatus = info && ns('Settings')('DeviceInformation', ns('Settings')('Status', 1));
  if (info) for (const c of kids(kid(info, 'Set') ?? info)) d.information[c.name] = textOf(c);
  const wipe = kid(body, 'RemoteWipe');
  if (wipe) {
    // The device confirms the wipe (MS-ASPROV 3.1.5.1.2.2): its state is gone.
    if (intAt(wipe, 'Status') === 1 && d.wipe === 'armed') wipeDone(ctx);
    return { tree: PV('Provision', PV('Status', 1)) };
  }
  if (d.wipe === 'armed') return { tree: PV('Provision', PV('Status', 1), PV('RemoteWipe')) };
  const p = kid(kid(body, 'Policies') ?? body, 'Policy');
  if (!p) return reply(2);
  if (textAt(p, 'PolicyType') !== POLICY_TYPE) return { tree: PV('Provision', infoStatus, PV('Status', 1), policy(3)) };
  const key = textAt(p, 'PolicyKey');
  if (key === undefined) {
    d.pendingPolicyKey = ctx.mock.devices.nextPolicyKey();
    return { tree: PV('Provision', infoStatus, PV('Status', 1), policy(1, d.pendingPolicyKey, PV('Data', provisionDoc()))) };
  }
  if (key !== d.pendingPolicyKey) return { tree: PV('Provision', infoStatus, PV('Status', 1), policy(5)) }; // wrong key acknowledged
  d.policyKey = ctx.mock.devices.nextPolicyKey();
  d.pendingPolicyKey = undefined;
  return { tree: PV('Provision', infoStatus, PV('Status', 1), policy(1, d.policyKey)) };
}

function wipeDone(ctx: CommandContext): void {
  const d = ctx.device;
  d.wipe = 'done';
  d.collections.clear();
  d.folderKey = undefined;
  d.folderKnown = new Map();
  d.ping = undefined;
  d.lastSync = undefined;
  d.policyKey = undefined;
}
