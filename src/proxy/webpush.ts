/**
 * Web Push from the proxy to a browser's push service: the message is encrypted
 * for the subscription (RFC 8291, `aes128gcm` of RFC 8188) and signed as this
 * proxy with VAPID (RFC 8292: `Authorization: vapid t=<ES256 JWT>, k=<public
 * key>`), with `TTL` and `Urgency` (RFC 8030 5.2, 5.3). The `web-push` package
 * encrypts and signs; the request itself goes out here, with node:https, so
 * that only `https:` endpoints on public addresses are reached (the endpoint
 * comes from a browser: a hostile page could name an internal address).
 */
import { createECDH } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, request } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import webpush from 'web-push';
import type { PushSubscriptionJson, VapidKeys } from './state.ts';

export function makeVapidKeys(): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}

/** Addresses a push endpoint may not resolve to: loopback, private, link-local, shared, multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1]!);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

function fromBase64url(text: unknown): Buffer | undefined {
  return typeof text === 'string' && /^[A-Za-z0-9_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

/** A point on P-256 (RFC 8291 3.1: the subscription's p256dh, uncompressed, 65 bytes). */
export function isP256Point(bytes: Buffer): boolean {
  if (bytes.length !== 65 || bytes[0] !== 4) return false;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.alloc(32, 1));
    ecdh.computeSecret(bytes); // throws for a point off the curve
    return true;
  } catch {
    return false;
  }
}

/** Longest endpoint URL accepted; push services use a few hundred characters. */
const MAX_ENDPOINT = 2048;

/**
 * A `PushSubscription.toJSON()` the relay may push to, or the reason it may not: an `https:` endpoint on a
 * public name or address (or an allowed host), a P-256 `p256dh` and a 16-byte `auth` (RFC 8291 3.2).
 */
export function checkSubscription(value: unknown, allowHosts: ReadonlySet<string>): PushSubscriptionJson | string {
  if (typeof value !== 'object' || value === null) return 'subscription must be PushSubscription.toJSON()';
  const { endpoint, keys } = value as Record<string, unknown>;
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT) return 'subscription.endpoint must be a URL';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'subscription.endpoint must be a URL';
  }
  if (url.protocol !== 'https:') return 'subscription.endpoint must be an https: URL';
  if (url.username !== '' || url.password !== '') return 'subscription.endpoint must not carry credentials';
  const host = hostOf(url);
  if (!allowHosts.has(host)) {
    if (isIP(host) !== 0 ? !isPublicAddress(host) : host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      return 'subscription.endpoint must be on a public address';
    }
  }
  const k = (keys ?? {}) as Record<string, unknown>;
  const p256dh = fromBase64url(k['p256dh']);
  if (!p256dh || !isP256Point(p256dh)) return 'subscription.keys.p256dh must be a P-256 public key (65 bytes, base64url)';
  const auth = fromBase64url(k['auth']);
  if (auth?.length !== 16) return 'subscription.keys.auth must be 16 bytes, base64url';
  return { endpoint: url.href, keys: { p256dh: k['p256dh'] as string, auth: k['auth'] as string } };
}

/** What became of one push message. */
export type PushOutcome =
  | { readonly kind: 'sent' }
  /** 404/410: the subscription expired or was revoked (RFC 8030 7.3): drop it. */
  | { readonly kind: 'gone'; readonly status: number }
  /** 429, 5xx or a network failure: worth another try, after `afterMs` when the service said. */
  | { readonly kind: 'retry'; readonly note: string; readonly afterMs?: number }
  /** Any other answer (400, 401, 403, 413): the message cannot go. */
  | { readonly kind: 'failed'; readonly note: string };

export interface PushSenderOptions {
  readonly keys: VapidKeys;
  /** RFC 8292 2.1 `sub`: a mailto: or https: contact for the push service's operator. */
  readonly subject: string;
  readonly allowHosts: ReadonlySet<string>;
  /** Extra certificate authorities (tests; a child process uses NODE_EXTRA_CA_CERTS). */
  readonly ca?: string;
  readonly timeoutMs?: number;
}

export interface PushMessage {
  readonly payload: unknown;
  /** RFC 8030 5.2: seconds the push service keeps an undelivered message. */
  readonly ttl: number;
  readonly urgency: 'high' | 'normal';
}

export type PushSender = (subscription: PushSubscriptionJson, message: PushMessage) => Promise<PushOutcome>;

/** Name resolution that refuses non-public addresses (a public name may point inside). */
function publicLookup(allowHosts: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const allowed = allowHosts.has(hostname.toLowerCase());
      const ok = addresses.filter((a) => allowed || isPublicAddress(a.address));
      if (ok.length === 0) return callback(Object.assign(new Error(`${hostname} is not a public address`), { code: 'ENOTPUBLIC' }), '', 0);
      if (options.all) (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      else callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function pushSender(o: PushSenderOptions): PushSender {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ...(o.ca ? { ca: o.ca } : {}) });
  const lookup = publicLookup(o.allowHosts);
  const vapidDetails = { subject: o.subject, publicKey: o.keys.publicKey, privateKey: o.keys.privateKey };
  return (subscription, message) => {
    const url = new URL(subscription.endpoint);
    const host = hostOf(url);
    if (url.protocol !== 'https:' || (isIP(host) !== 0 && !o.allowHosts.has(host) && !isPublicAddress(host))) {
      return Promise.resolve({ kind: 'failed', note: 'endpoint not allowed' });
    }
    // web-push: RFC 8291 encryption and the RFC 8292 JWT (ES256, aud = the endpoint's origin, exp 12 h).
    const details = webpush.generateRequestDetails(subscription, JSON.stringify(message.payload), {
      vapidDetails,
      TTL: message.ttl,
      urgency: message.urgency,
      contentEncoding: 'aes128gcm',
    });
    return new Promise<PushOutcome>((resolve) => {
      const req = request(url, {
        method: 'POST',
        headers: details.headers as Record<string, string | number>,
        agent,
        lookup,
        timeout: o.timeoutMs ?? 30_000,
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => resolve({ kind: 'retry', note: (e as NodeJS.ErrnoException).code ?? e.message }));
      req.on('response', (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve({ kind: 'sent' });
        if (status === 404 || status === 410) return resolve({ kind: 'gone', status });
        const afterMs = retryAfterMs(res.headers['retry-after']);
        if (status === 429 || status >= 500)
          return resolve({ kind: 'retry', note: `push service ${status}`, ...(afterMs === undefined ? {} : { afterMs }) });
        resolve({ kind: 'failed', note: `push service ${status}` });
      });
      req.end(details.body ?? undefined);
    });
  };
}
