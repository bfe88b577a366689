/**
 * Ping leases of a proxy fleet (`--redis`): each registered device's Ping is held by exactly one
 * process, the one holding `eas:lease:<device>` in Redis.
 *
 * A lease is taken with `SET key owner NX PX ttl`, renewed every third of its time by a script that
 * extends it only while it still names this process, and deleted (by the same check) on a clean
 * shutdown, which is announced on `eas:lease-free` so that another process takes it at its next tick. A
 * process that dies stops renewing; its leases run out and another process takes the Ping over
 * within the lease time and a tick. A process that finds a lease held learns its time left
 * (PTTL) and does not try that device again before then: each process sends about one command
 * per held device and lease time, not one per device and tick.
 *
 * The holder trusts a lease only until its own deadline: the time the last renewal was *sent* plus
 * the lease time. When Redis cannot confirm a renewal before then (Redis away, or this process
 * stalled), the process lets the Ping go, since another may hold it by then: two holders would end
 * each other's Ping and could push one change twice. A Ping sent again later loses nothing: the
 * server compares with the device's sync state, so mail that came meanwhile answers it at once.
 */
import { maskUser } from './log.ts';
import { PREFIX, type RedisClient } from './redis-store.ts';

export interface LeaseOptions {
  readonly client: RedisClient;
  readonly owner: string;
  /** Lease time, ms. */
  readonly ttlMs: number;
  /** Most leases held at once (`--push-max-pings`). */
  readonly max: number;
  /** The devices this process knows and wants a Ping for. */
  readonly wanted: () => Iterable<string>;
  readonly gained: (key: string) => void;
  readonly lost: (key: string) => void;
  /** Tells the other processes that this device's lease was given back. */
  readonly freed?: (key: string) => void;
  readonly log: (line: string) => void;
}

export const LEASE_TTL_MS = 30_000;

/** Takes the lease if nobody holds it (-3), else gives the holder's time left in ms (PTTL: -2 gone since, -1 no expiry). */
const TAKE = "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -3 end return redis.call('PTTL', KEYS[1])";
const TAKEN = -3;
/** Extends the lease only if this process holds it. */
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

export class Leases {
  /** Device key -> the local deadline of the lease (ms, performance.now()). */
  private readonly held = new Map<string, number>();
  private readonly trying = new Set<string>();
  /** Device key -> when its holder's lease runs out at the earliest (performance.now()): not tried before. */
  private readonly heldElsewhere = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly tickMs: number;
  private closed = false;

  constructor(private readonly o: LeaseOptions) {
    this.tickMs = Math.max(50, Math.floor(o.ttlMs / 6));
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  has(key: string): boolean {
    const deadline = this.held.get(key);
    return deadline !== undefined && deadline > performance.now();
  }

  get count(): number {
    return this.held.size;
  }

  /** Tries to take this device's lease now (a registration just arrived) instead of at the next tick. */
  want(key: string): void {
    if (!this.held.has(key)) void this.take(key);
  }

  /** Lets this device's lease go (the registration was removed). */
  drop(key: string): void {
    this.heldElsewhere.delete(key);
    if (!this.held.delete(key)) return;
    this.release(key).catch(() => {});
  }

  /** Another process gave this device's lease back: tried again at the next tick, if this process wants it. */
  freedElsewhere(key: string): void {
    this.heldElsewhere.delete(key);
  }

  private async release(key: string): Promise<void> {
    const released = await this.o.client.eval(RELEASE, { keys: [leaseKey(key)], arguments: [this.o.owner] });
    if (released === 1) this.o.freed?.(key);
  }

  private tick(): void {
    if (this.closed) return;
    const now = performance.now();
    for (const [key, deadline] of this.held) {
      // Let go at the last tick before the deadline, not the first after it: the lease may be
      // another's as soon as it runs out in Redis, and that is never before this deadline.
      if (deadline - now <= this.tickMs) {
        this.lose(key, 'lease not renewed in time');
        continue;
      }
      // Renewed every third of the lease time: two renewals may fail before it runs out.
      if (deadline - now <= (this.o.ttlMs * 2) / 3) {
        void this.renew(key);
      }
    }
    if (!this.o.client.isReady) return; // nothing to take while Redis is away
    for (const key of this.o.wanted()) {
      if (!this.held.has(key) && !((this.heldElsewhere.get(key) ?? 0) > now)) void this.take(key);
    }
  }

  private async take(key: string): Promise<void> {
    if (this.closed || this.trying.has(key) || this.held.size >= this.o.max || !this.o.client.isReady) return;
    this.trying.add(key);
    const sent = performance.now();
    try {
      const left = await this.o.client.eval(TAKE, { keys: [leaseKey(key)], arguments: [this.o.owner, String(this.o.ttlMs)] });
      if (left !== TAKEN) {
        if (typeof left === 'number' && left > 0) this.heldElsewhere.set(key, sent + left);
        return;
      }
      this.heldElsewhere.delete(key);
      if (this.closed) return;
      this.held.set(key, sent + this.o.ttlMs);
      this.note(key, 'Ping lease taken');
      this.o.gained(key);
    } catch {
      // Redis away: the next tick tries again
    } finally {
      this.trying.delete(key);
    }
  }

  private async renew(key: string): Promise<void> {
    const sent = performance.now();
    try {
      const ok = await this.o.client.eval(RENEW, { keys: [leaseKey(key)], arguments: [this.o.owner, String(this.o.ttlMs)] });
      const deadline = this.held.get(key);
      if (deadline === undefined) return;
      if (ok === 1) this.held.set(key, Math.max(deadline, sent + this.o.ttlMs));
      else this.lose(key, 'lease taken by another process');
    } catch {
      // the deadline decides
    }
  }

  private lose(key: string, why: string): void {
    this.held.delete(key);
    this.note(key, `${why}; Ping let go`);
    this.o.lost(key);
  }

  private note(key: string, text: string): void {
    const [user = '', deviceId = ''] = key.split('\n');
    this.o.log(`${new Date().toISOString()} lease ${maskUser(user)} ${deviceId}: ${text}`);
  }

  /** Clean shutdown: every lease is given back so another process takes the Pings at its next tick. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const keys = [...this.held.keys()];
    this.held.clear();
    if (!this.o.client.isReady) return;
    await Promise.all(keys.map((k) => this.release(k).catch(() => {})));
  }
}

/** The device key is `user\ndeviceId`; Redis keys take it as it is (binary-safe). */
function leaseKey(key: string): string {
  return `${PREFIX}lease:${key}`;
}
