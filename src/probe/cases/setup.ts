/**
 * The cases every client runs first: OPTIONS (versions, commands), Provision,
 * Settings, Autodiscover, FolderSync.
 */
import { buildAutodiscoverRequest, parseAutodiscoverResponse } from '../../eas/autodiscover.ts';
import { buildFolderSync, folderSyncStatusText, parseFolderSync } from '../../eas/commands/foldersync.ts';
import { buildProvision, describePolicyStatus, describeProvisionStatus, parseProvision } from '../../eas/commands/provision.ts';
import { buildSettings, parseSettings, settingsStatusText, type SettingsResponse } from '../../eas/commands/settings.ts';
import { authorizationHeader } from '../../eas/endpoint.ts';
import { negotiateVersion } from '../../eas/options.ts';
import { expectStatus, fail, ProbeNotSupported } from '../outcome.ts';
import type { ProbeCase } from '../runner.ts';
import type { ProbeSession } from '../session.ts';

/** What the probe says about itself in Provision (14.1+) and Settings DeviceInformation (MS-ASCMD 2.2.3.45). */
const DEVICE = {
  model: 'EAS probe',
  friendlyName: 'eas-pwa conformance probe',
  os: 'eas-pwa',
  osLanguage: 'English',
  userAgent: 'eas-pwa-probe/1',
};

export const optionsCase: ProbeCase = {
  name: 'OPTIONS',
  async run(s, signal) {
    // MS-ASHTTP 2.2.3, 2.2.4.1.2: OPTIONS lists the protocol versions and commands in headers.
    const o = await s.client.options(signal);
    s.serverBuild = o.serverVersion;
    const offered = [...o.versions, ...o.otherVersions];
    if (offered.length === 0) fail('no MS-ASProtocolVersions header (MS-ASHTTP 2.2.4.1.2)');
    if (o.commands.length === 0) fail('no MS-ASProtocolCommands header (MS-ASHTTP 2.2.4.1.2)');
    s.commands = new Set(o.commands);
    const wanted = s.options.version;
    const version = wanted ? (o.versions.includes(wanted) ? wanted : undefined) : negotiateVersion(o.versions);
    if (!version) {
      throw new ProbeNotSupported(`server offers ${offered.join(', ')}; ${wanted ? `not ${wanted}` : 'none of 12.1-16.1'}`);
    }
    s.client.version = version;
    s.negotiated = true;
    return `versions ${offered.join(', ')}; ${o.commands.length} commands; using ${version}`;
  },
};

export const provisionCase: ProbeCase = {
  name: 'Provision',
  needs: ['OPTIONS'],
  commands: ['Provision'],
  async run(s, signal) {
    // MS-ASPROV 3.1.5.1: phase 1 downloads the policy with a temporary key, phase 2 acknowledges it.
    const first = await s.call(buildProvision({ kind: 'download', deviceInformation: DEVICE }, s.ctx), parseProvision, signal);
    expectStatus('Provision', first.status, describeProvisionStatus);
    if (first.remoteWipe || first.accountOnlyRemoteWipe) fail('the server asks this new device for a remote wipe');
    const policy = first.policy;
    if (!policy) fail('Provision: no Policies/Policy in the answer (MS-ASPROV 2.2.2.41)');
    // MS-ASPROV 2.2.2.54.1 Policy Status 2: there is no policy for this client; nothing to acknowledge.
    if (policy.status === 2) return 'the server has no policy for this device (Policy Status 2): provisioning not required';
    expectStatus('Provision policy', policy.status, describePolicyStatus);
    const temporary = policy.policyKey ?? fail('Provision: no PolicyKey');
    const ack = buildProvision({ kind: 'acknowledge', policyKey: temporary, status: 1 }, s.ctx);
    const second = await s.call(ack, parseProvision, signal);
    expectStatus('Provision acknowledgement', second.status, describeProvisionStatus);
    const final = second.policy;
    if (!final) fail('Provision acknowledgement: no Policies/Policy in the answer');
    expectStatus('Provision acknowledgement policy', final.status, describePolicyStatus);
    const key = final.policyKey ?? fail('Provision acknowledgement: no final PolicyKey (MS-ASPROV 3.1.5.1.2.1)');
    s.client.policyKey = key;
    return `policy acknowledged; temporary key ${temporary}, final key ${key}`;
  },
};

/** The first address UserInformation gives: 14.1+ per account, 12.1/14.0 EmailAddresses (MS-ASCMD 2.2.3.197). */
function addressOf(r: SettingsResponse): string | undefined {
  const u = r.userInformation;
  const fromAccounts = u?.accounts?.flatMap((a) => [a.emailAddresses?.primarySmtpAddress, ...(a.emailAddresses?.smtpAddresses ?? [])]);
  const all = [...(fromAccounts ?? []), u?.emailAddresses?.primarySmtpAddress, ...(u?.emailAddresses?.smtpAddresses ?? [])];
  return all.find((a): a is string => a?.includes('@') === true);
}

export const userInformationCase: ProbeCase = {
  name: 'Settings UserInformation',
  needs: ['OPTIONS'],
  commands: ['Settings'],
  async run(s, signal) {
    // MS-ASCMD 2.2.1.18, 2.2.3.197: UserInformation Get returns the user's SMTP addresses.
    const r = await s.call(buildSettings({ userInformation: true }, s.ctx), parseSettings, signal);
    expectStatus('Settings', r.status, settingsStatusText);
    if (!r.userInformation) fail('Settings: no UserInformation in the answer');
    expectStatus('Settings UserInformation', r.userInformation.status ?? 1, settingsStatusText);
    const address = addressOf(r) ?? fail('UserInformation: no SMTP address in the answer');
    s.learnEmail(address);
    return `address ${address}`;
  },
};

export const deviceInformationCase: ProbeCase = {
  name: 'Settings DeviceInformation',
  needs: ['OPTIONS'],
  commands: ['Settings'],
  async run(s, signal) {
    // MS-ASCMD 2.2.3.45: DeviceInformation Set.
    const r = await s.call(buildSettings({ deviceInformation: DEVICE }, s.ctx), parseSettings, signal);
    expectStatus('Settings', r.status, settingsStatusText);
    // The DeviceInformation part of the answer is optional (0...1); the Settings Status covers the request.
    if (!r.deviceInformation) return 'Settings Status 1 (the answer has no DeviceInformation part, which is optional)';
    expectStatus(
      'Settings DeviceInformation',
      r.deviceInformation.status ?? fail('DeviceInformation: no Status (MS-ASCMD 2.2.3.177.15)'),
      settingsStatusText,
    );
    return 'device information set';
  },
};

export const autodiscoverCase: ProbeCase = {
  name: 'Autodiscover',
  async run(s, signal) {
    const url = `${s.baseUrl}/autodiscover/autodiscover.xml`;
    const res = await autodiscoverPost(s, url, signal);
    if (res.status === 404 || res.status === 501) throw new ProbeNotSupported(`HTTP ${res.status} at ${url}`);
    if (res.status !== 200) fail(`HTTP ${res.status} at ${url}`);
    // A web page (a login or start page served for any path) means there is no Autodiscover service here.
    if (/^text\/html/i.test(res.contentType))
      throw new ProbeNotSupported(`an HTML page (${res.contentType}) at ${url}, not an Autodiscover answer`);
    // MS-ASCMD 2.2.1.1: a Settings answer with a MobileSync server, or an address Redirect.
    const result = parseAutodiscoverResponse(res.text);
    if (result.kind === 'redirect') return `redirect to the address ${result.email}`;
    if (result.kind === 'error') {
      fail(`Autodiscover error ${result.status ?? result.errorCode ?? ''}${result.message ? `: ${result.message}` : ''}`.trim());
    }
    const mobileSync = result.mobileSyncUrl ?? fail('no MobileSync server in the answer');
    return `MobileSync ${mobileSync}`;
  },
};

/**
 * One POST of the Autodiscover request (outside EasClient: plain XML, not
 * WBXML), reported to the trace like the EAS exchanges. The probe asks the
 * server under test; the search through the domain's well-known URLs is the
 * client's (autodiscover() in src/eas/autodiscover.ts).
 */
async function autodiscoverPost(
  s: ProbeSession,
  url: string,
  signal: AbortSignal,
): Promise<{ status: number; contentType: string; text: string }> {
  const body = new TextEncoder().encode(buildAutodiscoverRequest(s.email));
  const headers = new Headers({ 'Content-Type': 'text/xml; charset=utf-8' });
  const authorization = authorizationHeader(s.client.config);
  if (authorization !== undefined) headers.set('Authorization', authorization);
  const request = new Request(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  const started = s.now();
  const res = await s.options.transport(request);
  const bytes = new Uint8Array(await res.arrayBuffer());
  s.options.onExchange?.({
    cmd: 'Autodiscover',
    method: 'POST',
    url,
    requestHeaders: [...headers],
    requestBytes: body,
    status: res.status,
    responseHeaders: [...res.headers],
    responseBytes: bytes,
    ms: s.now() - started,
  });
  return { status: res.status, contentType: res.headers.get('Content-Type') ?? '', text: new TextDecoder().decode(bytes) };
}

export const folderSyncCase: ProbeCase = {
  name: 'FolderSync',
  needs: ['OPTIONS'],
  commands: ['FolderSync'],
  async run(s, signal) {
    // MS-ASCMD 2.2.1.5: SyncKey 0 gives the whole hierarchy and a key...
    const first = await s.call(buildFolderSync({ syncKey: '0' }, s.ctx), parseFolderSync, signal);
    expectStatus('FolderSync', first.status, folderSyncStatusText);
    s.folders = first.added;
    if (first.added.length === 0) fail('the initial FolderSync returned no folders');
    // ...and that key, sent back at once, gives no changes.
    const again = await s.call(buildFolderSync({ syncKey: first.syncKey ?? '0' }, s.ctx), parseFolderSync, signal);
    expectStatus('incremental FolderSync', again.status, folderSyncStatusText);
    const changes = again.added.length + again.updated.length + again.deleted.length;
    if (changes > 0) fail(`the incremental FolderSync right after the initial one returned ${changes} changes`);
    const kinds = [
      ['Inbox', 2],
      ['Sent Items', 5],
      ['Deleted Items', 4],
      ['Calendar', 8],
      ['Contacts', 9],
      ['Tasks', 7],
    ] as const;
    const missing = kinds.filter(([, type]) => !s.folderOfType(type)).map(([name]) => name);
    return `${first.added.length} folders${missing.length ? `; no default ${missing.join(', ')}` : ''}; incremental: no changes`;
  },
};
