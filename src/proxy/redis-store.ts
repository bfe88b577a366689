/**
 * `--redis URL`: the proxy's state kept in Redis, shared by any number of proxy processes behind a
 * load balancer (issue #14 item 6). The same ProxyStore as the file store (state.ts), plus what a
 * fleet needs: the changes other processes make, a record read on a miss, and Ping leases (lease.ts).
 *
 * Layout: one hash per kind (`eas:session`, `eas:push`, `eas:device`, `eas:keys`), the field is the
 * record's key, the value its JSON; secret kinds are sealed record by record with AES-256-GCM under
 * `EAS_PROXY_SECRET`, exactly as the file store seals them, and without the key they are not written.
 * Each change is announced on the channel `eas:changes` as `{"from", "kind", "key"}` (never the
 * record: a subscriber reads it from the hash, so nothing secret goes over pub/sub).
 *
 * Pub/sub rather than polling: a registration or a pushed folder must reach the process holding the
 * device's Ping at once (polling every record of every device would cost a full read per interval).
 * A message missed while a connection was down is made up for by reading everything again when the
 * subscriber is back. Writes made while Redis is away wait in the client's queue, in order, and go
 * out when it is back (node-redis' offline queue): the process keeps serving from memory meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { seal, unseal, type Kind, type Loaded, type ProxyStore, type Records } from './state.ts';

export type RedisClient = ReturnType<typeof createClient>;

export const PREFIX = 'eas:';
const CHANNEL = `${PREFIX}changes`;
/** Device requests in flight, so the process holding the device's Ping lets go meanwhile (relay.ts). */
const ACTIVITY = `${PREFIX}activity`;
const LEASE_FREE = `${PREFIX}lease-free`;
const SECRET_KINDS: readonly Kind[] = ['session', 'push', 'keys'];
const KINDS: readonly Kind[] = ['session', 'push', 'device', 'keys'];

/** A change made by another process: the record now, or undefined when it was deleted. */
export type RemoteChange = <K extends Kind>(kind: K, key: string, value: Records[K] | undefined) => void;

export interface SharedStore extends ProxyStore {
  /** This process's name in leases and messages. */
  readonly owner: string;
  readonly client: RedisClient;
  /** Reads one record now (a session made on another process a moment ago). */
  fetch<K extends Kind>(kind: K, key: string): Promise<Records[K] | undefined>;
  /** Stores `value` unless a record is there already; resolves to the one kept (VAPID keys made by two processes at once). */
  claim<K extends Kind>(kind: K, key: string, value: Records[K]): Promise<Records[K]>;
  /** Told of each change another process makes, and of everything again after a lost connection. */
  listen(on: RemoteChange): void;
  /** Tells the other processes that a device's request is in flight here (true) or the last one ended (false). */
  activity(key: string, busy: boolean): void;
  /** Told of the other processes' `activity`. */
  listenActivity(on: (from: string, key: string, busy: boolean) => void): void;
  /** Tells the other processes that this one gave a device's Ping lease back (lease.ts). */
  leaseFreed(key: string): void;
  /** Told of the other processes' `leaseFreed`. */
  listenLeaseFreed(on: (key: string) => void): void;
  /** Writes waiting for Redis. */
  unwritten(): number;
  close(): Promise<void>;
}

/** Back-off of a lost connection: 100 ms doubling to 5 s, with jitter. */
function backoff(retries: number): number {
  const ms = Math.min(5_000, 100 * 2 ** Math.min(retries, 10));
  return Math.round(ms / 2 + Math.random() * (ms / 2));
}

/**
 * Connects to Redis; rejects with a one-line Error when it cannot be reached at start (the CLI exits 1
 * with it). Once connected, a lost connection is retried for ever with back-off and logged.
 */
export async function redisStore(url: string, key: Buffer | undefined, log: (line: string) => void): Promise<SharedStore> {
  const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  let closing = false;
  let started = false;
  const options = (name: string) => ({
    url,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number, cause: Error) => {
        if (closing) return false;
        if (!started) return new Error(`cannot reach Redis at ${redactUrl(url)}: ${describe(cause)}`);
        if (retries === 0) log(`${new Date().toISOString()} redis (${name}): connection lost (${describe(cause)}); retrying`);
        return backoff(retries);
      },
    },
  });
  const client = createClient(options('commands'));
  const subscriber = createClient(options('changes'));
  let lastError = '';
  for (const [name, c] of [
    ['commands', client],
    ['changes', subscriber],
  ] as const) {
    c.on('error', (e: Error) => {
      if (started && describe(e) !== lastError) log(`${new Date().toISOString()} redis (${name}): ${describe(e)}`);
      lastError = describe(e);
    });
  }
  try {
    await client.connect();
    await subscriber.connect();
  } catch (e) {
    closing = true;
    for (const c of [client, subscriber]) if (c.isOpen) c.destroy();
    const message = (e as Error).message;
    throw new Error(
      message.startsWith('cannot reach Redis') ? message : `cannot reach Redis at ${redactUrl(url)}: ${describe(e as Error)}`,
    );
  }
  started = true;
  let listener: RemoteChange | undefined;

  // Secret kinds reach encode and decode only with a key (`kept`).
  const encode = (kind: Kind, value: unknown): string => {
    const text = JSON.stringify(value);
    return key && SECRET_KINDS.includes(kind) ? seal(key, text) : text;
  };
  const decode = (kind: Kind, text: string): unknown => {
    if (!key || !SECRET_KINDS.includes(kind)) return JSON.parse(text);
    try {
      return JSON.parse(unseal(key, text));
    } catch {
      throw new Error(`Redis ${PREFIX}${kind}: EAS_PROXY_SECRET does not open this state (another key?)`);
    }
  };
  const kept = (kind: Kind) => key !== undefined || !SECRET_KINDS.includes(kind);
  /** Failed writes are logged; node-redis keeps them queued while the connection is down. */
  const failed = (what: string) => (e: unknown) => log(`${new Date().toISOString()} redis: ${what} failed: ${describe(e as Error)}`);

  /** Every record as Redis holds it (sealed text), per kind. */
  async function readRaw(): Promise<Record<Kind, Map<string, string>>> {
    const out = { session: new Map(), push: new Map(), device: new Map(), keys: new Map() } as Record<Kind, Map<string, string>>;
    for (const kind of KINDS) {
      if (!kept(kind)) continue;
      for (const [id, text] of Object.entries(await client.hGetAll(`${PREFIX}${kind}`))) out[kind].set(id, text);
    }
    return out;
  }

  /**
   * What this process knows, as written (sealed text): after Redis lost its data (a restart without
   * persistence) every process writes back what it knows, so no registration is lost with it.
   */
  let mirror = { session: new Map(), push: new Map(), device: new Map(), keys: new Map() } as Record<Kind, Map<string, string>>;

  /**
   * Marks this Redis's data set: a random value set once. Missing after a reconnection means Redis
   * started empty; present, the records there are the truth and this process catches up with them.
   */
  const EPOCH = `${PREFIX}epoch`;
  let epoch = '';

  /** After a lost connection: write back a lost data set, or read the changes missed meanwhile. */
  async function recover(): Promise<void> {
    const now = await client.get(EPOCH);
    if (now === null || now !== epoch) {
      const mine = randomBytes(8).toString('hex');
      if ((await client.set(EPOCH, mine, { condition: 'NX' })) === 'OK')
        log(`${new Date().toISOString()} redis: started empty; writing back what this process knows`);
      epoch = (await client.get(EPOCH)) ?? mine;
      for (const kind of KINDS) for (const [id, text] of mirror[kind]) await client.hSetNX(`${PREFIX}${kind}`, id, text);
    }
    if (!listener) return;
    const there = await readRaw();
    for (const kind of KINDS) {
      for (const id of mirror[kind].keys()) if (!there[kind].has(id) && !dirty.has(`${kind}\n${id}`)) listener(kind, id, undefined);
      for (const [id, text] of there[kind])
        if (!dirty.has(`${kind}\n${id}`) && mirror[kind].get(id) !== text) listener(kind, id, decode(kind, text) as never);
      for (const [name, op] of dirty) if (name.startsWith(`${kind}\n`) && op.text !== undefined) there[kind].set(op.id, op.text);
    }
    mirror = there;
  }

  let recovering: Promise<void> = Promise.resolve();
  const reconnected = () => {
    recovering = recovering.then(recover).catch(failed('reading the state again'));
  };

  await subscriber.subscribe(CHANNEL, (message) => {
    let m: { from: string; kind: Kind; key: string };
    try {
      m = JSON.parse(message) as typeof m;
    } catch {
      return;
    }
    if (m.from === owner || !listener || !KINDS.includes(m.kind) || !kept(m.kind)) return;
    client
      .hGet(`${PREFIX}${m.kind}`, m.key)
      .then((text) => {
        if (text == null) {
          if (!mirror[m.kind].delete(m.key)) return;
          listener?.(m.kind, m.key, undefined);
        } else {
          if (mirror[m.kind].get(m.key) === text) return;
          mirror[m.kind].set(m.key, text);
          listener?.(m.kind, m.key, decode(m.kind, text) as never);
        }
      })
      .catch(failed(`reading ${m.kind}`));
  });

  let activityListener: ((from: string, key: string, busy: boolean) => void) | undefined;
  await subscriber.subscribe(ACTIVITY, (message) => {
    try {
      const m = JSON.parse(message) as { from: string; key: string; busy: boolean };
      if (m.from !== owner) activityListener?.(m.from, m.key, m.busy === true);
    } catch {
      // not ours
    }
  });

  let freedListener: ((key: string) => void) | undefined;
  await subscriber.subscribe(LEASE_FREE, (message) => {
    try {
      const m = JSON.parse(message) as { from: string; key: string };
      if (m.from !== owner && typeof m.key === 'string') freedListener?.(m.key);
    } catch {
      // not ours
    }
  });

  /**
   * Writes not yet confirmed, the latest per record: a write that fails (the connection dropped with
   * it in flight) is sent again once Redis is back, so no registration is lost to an outage.
   */
  const dirty = new Map<string, { kind: Kind; id: string; text: string | undefined }>();
  function send(op: { kind: Kind; id: string; text: string | undefined }): void {
    const name = `${op.kind}\n${op.id}`;
    dirty.set(name, op);
    if (op.text === undefined) mirror[op.kind].delete(op.id);
    else mirror[op.kind].set(op.id, op.text);
    const hash = `${PREFIX}${op.kind}`;
    const command = op.text === undefined ? client.hDel(hash, op.id) : client.hSet(hash, op.id, op.text);
    command
      .then(() => {
        if (dirty.get(name) === op) dirty.delete(name);
        return client.publish(CHANNEL, JSON.stringify({ from: owner, kind: op.kind, key: op.id }));
      })
      .catch(() => {}); // stays in `dirty`: sent again once connected
  }
  // Attached after the first connection: every 'ready' is a reconnection.
  client.on('ready', () => {
    log(`${new Date().toISOString()} redis: connected again`);
    for (const op of [...dirty.values()]) send(op);
    reconnected();
  });
  subscriber.on('ready', () => {
    // Messages published while the subscriber was away are lost: read the state again.
    if (client.isReady) reconnected();
  });

  return {
    owner,
    client,
    keepsSecrets: key !== undefined,
    async load() {
      await client.set(EPOCH, randomBytes(8).toString('hex'), { condition: 'NX' });
      epoch = (await client.get(EPOCH)) ?? '';
      mirror = await readRaw();
      const out: Loaded = { session: new Map(), push: new Map(), device: new Map(), keys: new Map() };
      for (const kind of KINDS) for (const [id, text] of mirror[kind]) (out[kind] as Map<string, unknown>).set(id, decode(kind, text));
      return out;
    },
    put(kind, id, value) {
      if (kept(kind)) send({ kind, id, text: encode(kind, value) });
    },
    delete(kind, id) {
      if (kept(kind)) send({ kind, id, text: undefined });
    },
    async flush() {
      if (client.isReady) await client.ping().catch(() => {}); // answered after every write sent before it
    },
    unwritten: () => dirty.size,
    activity(id, busy) {
      // Not queued while Redis is away: a late word would make the holder yield after the fact.
      if (client.isReady) client.publish(ACTIVITY, JSON.stringify({ from: owner, key: id, busy })).catch(() => {});
    },
    listenActivity(on) {
      activityListener = on;
    },
    leaseFreed(id) {
      if (client.isReady) client.publish(LEASE_FREE, JSON.stringify({ from: owner, key: id })).catch(() => {});
    },
    listenLeaseFreed(on) {
      freedListener = on;
    },
    async fetch(kind, id) {
      if (!kept(kind) || !client.isReady) return undefined;
      const text = await client.hGet(`${PREFIX}${kind}`, id);
      if (text == null) return undefined;
      mirror[kind].set(id, text);
      return decode(kind, text) as never;
    },
    async claim(kind, id, value) {
      if (!kept(kind)) return value;
      await client.hSetNX(`${PREFIX}${kind}`, id, encode(kind, value));
      const text = await client.hGet(`${PREFIX}${kind}`, id);
      if (text != null) mirror[kind].set(id, text);
      return (text == null ? value : decode(kind, text)) as never;
    },
    listen(on) {
      listener = on;
    },
    async close() {
      closing = true;
      await subscriber.close().catch(() => subscriber.destroy());
      await client.close().catch(() => client.destroy());
    },
  };
}

function describe(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const inner = (e as { errors?: Error[] }).errors?.[0];
  return code ?? (inner ? describe(inner) : (e.message.split('\n')[0] ?? String(e)));
}

/** The URL as logged: without a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
