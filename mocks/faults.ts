/**
 * Faults on demand: transport faults (latency, 503, dropped connection,
 * truncated body, 401, 451, a connection lost after the server applied the request) and protocol faults (a Sync whose state is lost,
 * Status 3; a Sync that needs FolderSync first, Status 12). Counters say how many
 * of the next requests are hit; the random mode draws from a seeded PRNG so any
 * failure can be replayed with the same seed and request sequence.
 */
import { unauthorized } from './auth.ts';
import { parseQuery } from './query.ts';
import { rng, type Rng } from './random.ts';
import type { DeviceState } from './state.ts';

export interface FaultSpec {
  /** Added before every answer, in ms. */
  latencyMs: number;
  /** The next N requests get 503 with Retry-After (MS-ASHTTP 2.2.2.1.1). */
  unavailable: number;
  retryAfter: number;
  /** The next N answers break off mid-body (the body stream errors). */
  drop: number;
  /** The next N answers lose the second half of their body. */
  truncate: number;
  /**
   * The next N requests (of `dropAfterCmd`, or any but OPTIONS when it is empty) are
   * applied, then the connection closes without a byte of answer: the client cannot
   * tell whether the server acted (a SendMail sent, a MoveItems moved).
   */
  dropAfter: number;
  dropAfterCmd: string;
  /** The next N requests get 401. */
  unauthorized: number;
  /** The next N requests get 451 with X-MS-Location (MS-ASHTTP 2.2.2.1.1: the mailbox moved). */
  redirect: number;
  redirectUrl: string;
  /** The next N Sync requests find their collection state gone: Status 3. */
  invalidSyncKey: number;
  /** The next N Sync requests answer Status 12 until a FolderSync. */
  folderSyncRequired: number;
  /** Probability (0-1) that a request gets a random transport fault; 0 turns the mode off. */
  randomRate: number;
  randomSeed: number;
  /** Longest delay of a random "slow answer" fault, in ms. */
  randomLatencyMs: number;
}

export const NO_FAULTS: FaultSpec = {
  latencyMs: 0,
  unavailable: 0,
  retryAfter: 30,
  drop: 0,
  truncate: 0,
  dropAfter: 0,
  dropAfterCmd: '',
  unauthorized: 0,
  redirect: 0,
  redirectUrl: 'https://mail2.example.test/Microsoft-Server-ActiveSync',
  invalidSyncKey: 0,
  folderSyncRequired: 0,
  randomRate: 0,
  randomSeed: 1,
  randomLatencyMs: 2000,
};

type Transport = 'unavailable' | 'unauthorized' | 'redirect' | 'drop' | 'truncate' | 'latency';

const RANDOM_KINDS: readonly Transport[] = ['unavailable', 'drop', 'truncate', 'latency'];

/** Change-stream settings parsed from the CLI form (seconds between changes; 0 = off). */
export interface StreamSpec {
  readonly user: string;
  readonly mailEvery: number;
  readonly eventEvery: number;
  readonly contactEvery: number;
}

const KEYS: Record<string, keyof FaultSpec> = {
  latency: 'latencyMs',
  '503': 'unavailable',
  'retry-after': 'retryAfter',
  drop: 'drop',
  truncate: 'truncate',
  'drop-after': 'dropAfter',
  '401': 'unauthorized',
  '451': 'redirect',
  sync3: 'invalidSyncKey',
  sync12: 'folderSyncRequired',
  random: 'randomRate',
  seed: 'randomSeed',
  'random-latency': 'randomLatencyMs',
};

/**
 * The CLI/HTTP form: "latency=200,503=2,retry-after=5,drop=1,truncate=1,drop-after=1,drop-after-cmd=SendMail,
 * 401=1,451=1,sync3=1,sync12=1,random=0.1,seed=7,random-latency=500" plus the change stream "mail=30,event=60,contact=90,user=alice".
 */
export function parseFaultSpec(text: string): Partial<FaultSpec> & { stream?: StreamSpec } {
  const out: Partial<Record<keyof FaultSpec, number | string>> = {};
  const stream = { user: 'alice', mailEvery: 0, eventEvery: 0, contactEvery: 0 };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k = '', v = ''] = part.split('=');
    if (k === 'user') stream.user = v;
    else if (k === 'mail' || k === 'event' || k === 'contact') stream[`${k}Every` as const] = Number(v);
    else if (k === '451' && v.includes('://')) Object.assign(out, { redirect: 1, redirectUrl: v });
    else if (k === 'drop-after-cmd') out.dropAfterCmd = v;
    else if (KEYS[k] && Number.isFinite(Number(v))) out[KEYS[k]] = Number(v);
    else throw new Error(`unknown fault "${part}"`);
  }
  const hasStream = stream.mailEvery + stream.eventEvery + stream.contactEvery > 0;
  return { ...(out as Partial<FaultSpec>), ...(hasStream ? { stream } : {}) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A response whose body delivers its first half, then fails like a reset connection. */
function dropped(res: Response, body: Uint8Array): Response {
  const half = body.subarray(0, Math.floor(body.length / 2));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(half);
      controller.error(new Error('connection reset by mock fault'));
    },
  });
  return new Response(stream, { status: res.status, headers: res.headers });
}

/**
 * What fetch throws when the server closed the connection before answering (undici:
 * "fetch failed" caused by a reset). Over node-http the socket is destroyed instead;
 * MSW handlers answer Response.error(), a network error.
 */
export class ConnectionDropped extends TypeError {
  constructor() {
    super('fetch failed', { cause: Object.assign(new Error('read ECONNRESET (mock fault drop-after)'), { code: 'ECONNRESET' }) });
  }
}

function truncated(res: Response, body: Uint8Array): Response {
  const headers = new Headers(res.headers);
  headers.delete('Content-Length');
  return new Response(body.slice(0, Math.floor(body.length / 2)), { status: res.status, headers });
}

export class Faults {
  spec: FaultSpec = { ...NO_FAULTS };
  private random: Rng;
  /** What happened, newest last (for the demo panel and for replaying a failure). */
  readonly log: string[] = [];

  constructor(seed: number) {
    this.random = rng(seed);
  }

  /** Sets the given fields; anything that is not a FaultSpec field (the change stream) is ignored. */
  set(spec: Partial<FaultSpec>): void {
    const known = Object.entries(spec).filter(([k]) => k in NO_FAULTS);
    this.spec = { ...this.spec, ...(Object.fromEntries(known) as Partial<FaultSpec>) };
    if (spec.randomSeed !== undefined) this.random = rng(spec.randomSeed);
  }

  clear(): void {
    this.spec = { ...NO_FAULTS };
  }

  private take(key: 'unavailable' | 'drop' | 'truncate' | 'unauthorized' | 'redirect' | 'invalidSyncKey' | 'folderSyncRequired'): boolean {
    if (this.spec[key] <= 0) return false;
    this.spec[key]--;
    return true;
  }

  /** A drop-after fault for this request (its command matches), counted down. */
  private dropsAfter(request: Request): boolean {
    if (this.spec.dropAfter <= 0 || request.method === 'OPTIONS') return false;
    const cmd = this.spec.dropAfterCmd;
    if (cmd !== '' && parseQuery(new URL(request.url))?.cmd !== cmd) return false;
    this.spec.dropAfter--;
    return true;
  }

  private nextTransportFault(): Transport | undefined {
    for (const key of ['unauthorized', 'redirect', 'unavailable', 'drop', 'truncate'] as const) if (this.take(key)) return key;
    if (this.spec.randomRate > 0 && this.random.next() < this.spec.randomRate) return this.random.pick(RANDOM_KINDS);
    return undefined;
  }

  /** Protocol faults that act on the device's state before the command runs. */
  beforeCommand(cmd: string, device: DeviceState): void {
    if (cmd !== 'Sync') return;
    if (this.take('invalidSyncKey')) {
      device.collections.clear();
      this.log.push('sync3');
    }
    if (this.take('folderSyncRequired')) {
      device.needFolderSync = true;
      this.log.push('sync12');
    }
  }

  async wrap(request: Request, next: () => Promise<Response>): Promise<Response> {
    if (this.spec.latencyMs > 0) await delay(this.spec.latencyMs);
    if (this.dropsAfter(request)) {
      await (await next()).arrayBuffer(); // the command runs to its end; its answer is lost
      this.log.push('drop-after');
      throw new ConnectionDropped();
    }
    const fault = request.method === 'OPTIONS' ? undefined : this.nextTransportFault();
    if (fault) this.log.push(fault);
    if (fault === 'unavailable')
      return new Response('Service Unavailable', { status: 503, headers: { 'Retry-After': String(this.spec.retryAfter) } });
    if (fault === 'unauthorized') return unauthorized();
    if (fault === 'redirect') return new Response(null, { status: 451, headers: { 'X-MS-Location': this.spec.redirectUrl } });
    if (fault === 'latency') await delay(this.random.int(0, this.spec.randomLatencyMs));
    const res = await next();
    if (fault !== 'drop' && fault !== 'truncate') return res;
    const body = new Uint8Array(await res.arrayBuffer());
    return fault === 'drop' ? dropped(res, body) : truncated(res, body);
  }
}
