/**
 * Account setup as a phone does it: email, password, server, SSL, user name, domain.
 *
 * 1. Where: the server the user typed, or else Autodiscover from the address
 *    (MS-ASCMD 2.2.1.1).
 * 2. Which protocol: HTTP OPTIONS and the highest version both sides speak
 *    (MS-ASHTTP 2.2.3), or the one the user chose if the server offers it; asked
 *    again daily (Session.recheckVersion).
 * 3. Policy: Provision (MS-ASPROV 3.1.5.1), keeping the policy key.
 * 4. Who we are: Settings DeviceInformation (MS-ASCMD 2.2.1.18), with the
 *    installation's stable random DeviceId.
 */
import { autodiscover, AutodiscoverError } from '../eas/autodiscover.ts';
import { buildSettings, parseSettings } from '../eas/commands/settings.ts';
import type { FilterType } from '../eas/commands/sync.ts';
import { basicAuthorization, easUserName, endpointUrl } from '../eas/endpoint.ts';
import { parseLogin, serverUrl } from '../eas/login.ts';
import type { EasVersion } from '../eas/version.ts';
import { randomId, type Store } from '../store/db.ts';
import { SYNC_CLASSES, type AccountRecord, type SyncClass } from '../store/schema.ts';
import { SyncError, classify } from './errors.ts';
import type { Session, SessionDeps } from './session.ts';

/** What the user types on the manual setup screen. */
export interface AccountSetup {
  readonly email: string;
  /**
   * Empty when the app's own server holds it (`eas proxy --vault`, signed in at
   * /proxy/login): nothing is stored and requests go without Authorization.
   */
  readonly password: string;
  /** Host name ("mail.example.com") or URL; absent: Autodiscover from the email address. */
  readonly server?: string;
  /** For a bare host name: https (default) or http. */
  readonly ssl?: boolean;
  /** Default: the email address. "mike@ox.io", "ox.io\mike", "\mike" or "mike" (the rule: eas/login.ts). */
  readonly userName?: string;
  /** Overrides the domain found in the user name. */
  readonly domain?: string;
  /**
   * Domain for a user name with neither "@" nor "\" (default "defaultcontext", as
   * Open-Xchange expects); null sends the bare name.
   */
  readonly defaultDomain?: string | null;
  readonly displayName?: string;
  /** Keep the password in the store so a service worker can sync alone (default true). */
  readonly rememberPassword?: boolean;
  readonly classes?: Partial<Record<SyncClass, boolean>>;
  readonly filters?: Partial<Record<SyncClass, FilterType>>;
  /**
   * A protocol version to use instead of the highest both sides speak: one of
   * CLIENT_VERSIONS (12.1, 14.0, 14.1, 16.0, 16.1; src/eas/version.ts). Setup fails with
   * a SyncError of kind 'version' when the server's OPTIONS (MS-ASHTTP 2.2.4.1.2.2,
   * MS-ASProtocolVersions) does not list it. The daily recheck keeps it. Absent: negotiated.
   */
  readonly version?: EasVersion;
}

export const DEVICE_TYPE = 'EasPwa';
const DEVICE_ID_KEY = 'deviceId';

/** The installation's DeviceId (MS-ASHTTP 2.2.1.1.1.2.3), created once and kept in `meta`. */
export async function deviceId(store: Store): Promise<string> {
  const found = await store.db.get('meta', DEVICE_ID_KEY);
  if (typeof found?.value === 'string') return found.value;
  const id = randomId(16).toUpperCase();
  await store.commit([{ store: 'meta', op: 'put', value: { key: DEVICE_ID_KEY, value: id } }]);
  return id;
}

/** A new account record before it is stored (version and policy still unknown). */
export function draftAccount(setup: AccountSetup, url: string, device: string, now: number, id = randomId(8)): AccountRecord {
  const login = parseLogin(setup.userName ?? setup.email, setup.domain, setup.defaultDomain);
  const classes = Object.fromEntries(SYNC_CLASSES.map((c) => [c, setup.classes?.[c] ?? true])) as Record<SyncClass, boolean>;
  const filters = Object.fromEntries(SYNC_CLASSES.map((c) => [c, setup.filters?.[c] ?? 0])) as Record<SyncClass, FilterType>;
  return {
    id,
    email: setup.email,
    displayName: setup.displayName,
    url,
    user: login.user,
    domain: login.domain,
    password: setup.rememberPassword === false || setup.password === '' ? undefined : setup.password,
    deviceId: device,
    deviceType: DEVICE_TYPE,
    chosenVersion: setup.version,
    folderSyncKey: '0',
    classes,
    filters,
    push: 'push',
    intervalMinutes: 15,
    state: { kind: 'ok' },
    createdAt: now,
  };
}

/** The server URL: typed, or found by Autodiscover. */
export async function locateServer(
  setup: AccountSetup,
  deps: Pick<SessionDeps, 'transport'>,
): Promise<{ url: string; displayName?: string }> {
  if (setup.server) return { url: endpointUrl(serverUrl(setup.server, setup.ssl)) };
  const login = parseLogin(setup.userName ?? setup.email, setup.domain, setup.defaultDomain);
  const authUser = (setup.userName ?? setup.email).includes('@') ? (setup.userName ?? setup.email) : easUserName(login);
  try {
    const found = await autodiscover(setup.email, {
      transport: deps.transport,
      authorization: () => basicAuthorization(authUser, setup.password),
    });
    return { url: found.url, displayName: found.displayName };
  } catch (e) {
    if (e instanceof AutodiscoverError) {
      throw new SyncError(e.unauthorized ? 'wrong-password' : 'autodiscover', e.message, undefined, e);
    }
    throw classify(e);
  }
}

/**
 * Brings a drafted account to a usable state on its session: OPTIONS, Provision
 * when the server has it, and Settings DeviceInformation (best effort).
 */
export async function connect(session: Session): Promise<void> {
  await session.update(await session.negotiate());
  const commands = session.account.serverCommands ?? [];
  if (commands.length === 0 || commands.includes('Provision')) await session.provision();
  if (commands.length === 0 || commands.includes('Settings')) await sendDeviceInformation(session);
}

/** Settings DeviceInformation Set; refused or failing is not fatal (MS-ASCMD 2.2.1.18). */
async function sendDeviceInformation(session: Session): Promise<void> {
  try {
    await session.run(
      (ctx) => buildSettings({ deviceInformation: session.deviceInformation }, ctx),
      parseSettings,
      (r) => r.status,
    );
  } catch (e) {
    const err = classify(e);
    if (err.kind === 'wrong-password' || err.kind === 'blocked' || err.kind === 'wiped' || err.kind === 'provisioning') throw err;
  }
}
