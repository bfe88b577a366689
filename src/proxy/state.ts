/**
 * What the proxy keeps across restarts (`--state DIR`): vault sessions, push
 * registrations, the VAPID keys, and what the relay learned about each device's
 * folders.
 *
 * The proxy's maps in memory are the truth while it runs; a store only receives
 * each change (`put`, `delete`) and gives everything back once at start (`load`).
 * The shared store of a fleet (`--redis`, redis-store.ts) keeps each record under
 * its own hash field, sealed record by record, and also tells each process of the
 * changes the others make; the Ping leases are in lease.ts.
 *
 * The file store writes one JSON file, atomically (a temporary file, fsync, then
 * rename over the old one), mode 0600. Secret records (sessions hold the EAS
 * Authorization; push registrations hold the subscription's endpoint and keys,
 * which let anyone push to the browser; the VAPID private key signs as this
 * proxy) are sealed with AES-256-GCM under `EAS_PROXY_SECRET`; without that key
 * they are not written at all and a restart forgets them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

/** An OAuth session's tokens (oauth.ts); replaced as a whole, so a rotated refresh token never goes without its access token. */
export interface TokenRecord {
  readonly access: string;
  readonly refresh?: string;
  /** When the access token runs out (ms since the epoch). */
  readonly expiresAt: number;
}

export interface SessionRecord {
  /** The EAS Authorization of a password session; '' for an OAuth one (it uses `tokens`). */
  readonly authorization: string;
  /** OAuth sign-in: the tokens, sealed at rest like passwords. */
  tokens?: TokenRecord;
  /** The EAS user name (`domain\user`). */
  readonly user: string;
  lastUsed: number;
  cookieAt: number;
}

export interface PushSubscriptionJson {
  readonly endpoint: string;
  readonly keys: { readonly p256dh: string; readonly auth: string };
}

export interface PushRecord {
  readonly user: string;
  readonly deviceId: string;
  /** The vault session whose credentials the relay uses. */
  sessionId: string;
  readonly subscription: PushSubscriptionJson;
  /**
   * Set when the relay stopped for good until the user acts: 'password', the server refused the
   * saved password; 'signin', the OpenID provider refused to refresh an organisation sign-in.
   */
  stopped?: 'password' | 'signin';
  /** Folders pushed that the device has not synced since (kept so a restart does not push them again). */
  pending?: string[];
}

/** What the relay learned from a device's own requests (not secret: folder ids and types). */
export interface DeviceRecord {
  /** ServerId -> folder Type (MS-ASCMD 2.2.3.186.3), from the device's FolderSync answers. */
  readonly folders: Record<string, number>;
  /** Folders the device has synced (CollectionIds of its Sync requests). */
  readonly synced: string[];
  /** MS-ASProtocolVersion, DeviceType, X-MS-PolicyKey and User-Agent of its last request. */
  version?: string;
  deviceType?: string;
  policyKey?: string;
  userAgent?: string;
}

export interface VapidKeys {
  /** base64url of the uncompressed P-256 point (65 bytes). */
  readonly publicKey: string;
  /** base64url of the 32-byte private scalar. */
  readonly privateKey: string;
}

export interface Records {
  session: SessionRecord;
  push: PushRecord;
  device: DeviceRecord;
  keys: VapidKeys;
}

export type Kind = keyof Records;
export type Loaded = { [K in Kind]: Map<string, Records[K]> };

export interface ProxyStore {
  /** Everything kept, read once at start. */
  load(): Promise<Loaded>;
  put<K extends Kind>(kind: K, key: string, value: Records[K]): void;
  delete(kind: Kind, key: string): void;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
  /** Whether secret records survive a restart. */
  readonly keepsSecrets: boolean;
}

const SECRET_KINDS: readonly Kind[] = ['session', 'push', 'keys'];
const KINDS: readonly Kind[] = ['session', 'push', 'device', 'keys'];

function empty(): Loaded {
  return { session: new Map(), push: new Map(), device: new Map(), keys: new Map() };
}

/** No `--state`: nothing survives a restart. */
export const memoryStore: ProxyStore = {
  load: () => Promise.resolve(empty()),
  put: () => {},
  delete: () => {},
  flush: () => Promise.resolve(),
  keepsSecrets: false,
};

/** `EAS_PROXY_SECRET` as a 32-byte key; throws RangeError unless it is 64 hex digits. */
export function parseSecret(text: string | undefined): Buffer | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new RangeError('EAS_PROXY_SECRET must be 64 hex digits (32 bytes)');
  return Buffer.from(text, 'hex');
}

const AAD = Buffer.from('eas-proxy state v1');

/** AES-256-GCM: base64 of IV (12) | tag (16) | ciphertext. */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

export function unseal(key: Buffer, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
  decipher.setAAD(AAD);
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}

interface StateFile {
  readonly version: 1;
  readonly device: Record<string, DeviceRecord>;
  /** The secret kinds, sealed; absent without a key. */
  readonly sealed?: string;
}

export const STATE_FILE = 'state.json';

/** Changes are written together after this quiet time (a burst of logins is one write). */
const WRITE_DELAY_MS = 200;

/** The `--state DIR` store. Throws (at load) when the file cannot be opened with this key. */
export function fileStore(dir: string, key: Buffer | undefined): ProxyStore {
  const data = empty();
  const file = join(dir, STATE_FILE);
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function snapshot(): string {
    const secrets: Record<string, Record<string, unknown>> = {};
    for (const k of SECRET_KINDS) secrets[k] = Object.fromEntries(data[k]);
    const out: StateFile = {
      version: 1,
      device: Object.fromEntries(data.device),
      ...(key ? { sealed: seal(key, JSON.stringify(secrets)) } : {}),
    };
    return JSON.stringify(out);
  }

  async function write(): Promise<void> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(snapshot());
      await handle.sync(); // on disk before it replaces the old file: a crash leaves one or the other
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      writing = writing.then(write, write);
    }, WRITE_DELAY_MS);
    timer.unref();
  }

  return {
    keepsSecrets: key !== undefined,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty();
        throw e;
      }
      const parsed = JSON.parse(text) as StateFile;
      for (const [id, d] of Object.entries(parsed.device ?? {})) data.device.set(id, d);
      if (parsed.sealed !== undefined && key) {
        let plain: string;
        try {
          plain = unseal(key, parsed.sealed);
        } catch {
          throw new Error(`${file}: EAS_PROXY_SECRET does not open this state (another key?)`);
        }
        const secrets = JSON.parse(plain) as Record<string, Record<string, never>>;
        for (const k of SECRET_KINDS) for (const [id, v] of Object.entries(secrets[k] ?? {})) data[k].set(id, v);
      }
      const out = empty();
      for (const k of KINDS) for (const [id, v] of data[k]) (out[k] as Map<string, unknown>).set(id, structuredClone(v));
      return out;
    },
    put(kind, id, value) {
      if (!key && SECRET_KINDS.includes(kind)) return;
      (data[kind] as Map<string, unknown>).set(id, structuredClone(value));
      schedule();
    },
    delete(kind, id) {
      if (data[kind].delete(id)) schedule();
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        writing = writing.then(write, write);
      }
      await writing;
    },
  };
}
