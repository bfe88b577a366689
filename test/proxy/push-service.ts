/**
 * A push service on loopback standing in for the browser vendor's: HTTPS with a certificate made
 * for the test, one endpoint per subscription. It holds each subscription's private key and auth
 * secret and decrypts what arrives with its own RFC 8291 code (node:crypto only: ECDH, HKDF,
 * AES-128-GCM, the RFC 8188 record and its padding), and checks the RFC 8292 VAPID header (the
 * ES256 signature against `k`, `aud` = the endpoint's origin, `exp` within 24 h, `sub`).
 */
import { execFileSync } from 'node:child_process';
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  readonly cert: string;
  readonly key: string;
  /** The certificate's file, for NODE_EXTRA_CA_CERTS (removed by `remove`). */
  readonly certFile: string;
  remove(): void;
}

/** A self-signed P-256 certificate for 127.0.0.1, made with openssl. */
export function makeCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'push-cert-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface PushMessage {
  /** The decrypted payload, parsed. */
  readonly payload: Record<string, unknown>;
  readonly ttl: string | undefined;
  readonly urgency: string | undefined;
  /** The VAPID claims, checked. */
  readonly claims: { aud: string; exp: number; sub: string };
  /** The `k` of the Authorization header (the proxy's public key). */
  readonly k: string;
  readonly at: number;
}

export interface Subscriber {
  /** PushSubscription.toJSON() as a browser gives it. */
  readonly json: { endpoint: string; keys: { p256dh: string; auth: string } };
  readonly messages: PushMessage[];
  /** Anything wrong with a request (bad JWT, undecryptable body); a test expects it empty. */
  readonly errors: string[];
  /** The status the service answers for this subscription (201; 404/410 once revoked). */
  answer: number;
  /** Requests received, whatever the answer. */
  requests: number;
  /** Resolves with the next message (or one already received and not yet taken). */
  next(timeoutMs?: number): Promise<PushMessage>;
}

export interface PushService {
  readonly origin: string;
  subscribe(): Subscriber;
  close(): Promise<void>;
}

const b64u = (b: Buffer): string => b.toString('base64url');

/** RFC 8292 3: `vapid t=<JWT>, k=<key>`; checks the ES256 signature and the claims. */
function checkVapid(header: string | undefined, origin: string): { claims: PushMessage['claims']; k: string } {
  const m = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`Authorization is not "vapid t=..., k=...": ${header}`);
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, c, sig] = jwt.split('.') as [string, string, string];
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  if (head['alg'] !== 'ES256') throw new Error(`JWT alg ${String(head['alg'])}`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) },
    format: 'jwk',
  });
  // JWS ES256 (RFC 7518 3.4): the signature is r || s, 64 bytes.
  const ok = verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
  if (!ok) throw new Error('VAPID JWT signature does not verify against k');
  const claims = JSON.parse(Buffer.from(c, 'base64url').toString()) as PushMessage['claims'];
  const now = Date.now() / 1000;
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not ${origin}`);
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) throw new Error(`exp ${claims.exp} not within 24 h`);
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
  return { claims, k };
}

/** RFC 8291 3.4 and RFC 8188 2: one aes128gcm record, decrypted with the subscription's keys. */
function decrypt(body: Buffer, uaPrivate: ReturnType<typeof createECDH>, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  if (idlen !== 65) throw new Error(`keyid of ${idlen} bytes, not the sender's 65-byte key`);
  if (ciphertext.length > rs) throw new Error('more than one record');
  const ecdhSecret = uaPrivate.computeSecret(asPublic);
  const uaPublic = uaPrivate.getPublicKey();
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // RFC 8188 2: the last record ends with 0x02 then zero or more 0x00.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}

function checkHeaders(h: IncomingHttpHeaders): void {
  if (h['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding ${h['content-encoding']}`);
  if (!/^\d+$/.test(String(h['ttl'] ?? ''))) throw new Error('no TTL');
  if (!['very-low', 'low', 'normal', 'high'].includes(String(h['urgency']))) throw new Error(`Urgency ${h['urgency']}`);
}

export async function startPushService(cert: TestCert): Promise<PushService> {
  const subs = new Map<
    string,
    { sub: Subscriber; ecdh: ReturnType<typeof createECDH>; auth: Buffer; waiters: ((m: PushMessage) => void)[]; taken: number }
  >();
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = subs.get(req.url ?? '');
      if (!entry) {
        res.writeHead(404).end();
        return;
      }
      entry.sub.requests++;
      if (entry.sub.answer !== 201) {
        res.writeHead(entry.sub.answer).end();
        return;
      }
      try {
        checkHeaders(req.headers);
        const { claims, k } = checkVapid(req.headers.authorization, origin);
        const plain = decrypt(Buffer.concat(chunks), entry.ecdh, entry.auth);
        const message: PushMessage = {
          payload: JSON.parse(plain.toString('utf8')) as Record<string, unknown>,
          ttl: req.headers['ttl'] as string | undefined,
          urgency: req.headers['urgency'] as string | undefined,
          claims,
          k,
          at: performance.now(),
        };
        entry.sub.messages.push(message);
        entry.waiters.shift()?.(message);
        res.writeHead(201).end();
      } catch (e) {
        entry.sub.errors.push((e as Error).message);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    origin,
    subscribe: () => {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const path = `/push/${++n}-${randomBytes(6).toString('hex')}`;
      const entry = {
        ecdh,
        auth,
        waiters: [] as ((m: PushMessage) => void)[],
        taken: 0,
        sub: undefined as unknown as Subscriber,
      };
      entry.sub = {
        json: { endpoint: origin + path, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } },
        messages: [],
        errors: [],
        answer: 201,
        requests: 0,
        next: (timeoutMs = 10_000) => {
          const ready = entry.sub.messages[entry.taken];
          if (ready) {
            entry.taken++;
            return Promise.resolve(ready);
          }
          return new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no push within ${timeoutMs} ms (errors: ${entry.sub.errors.join('; ')})`)),
              timeoutMs,
            );
            entry.waiters.push((m) => {
              clearTimeout(timer);
              entry.taken++;
              resolve(m);
            });
          });
        },
      };
      subs.set(path, entry);
      return entry.sub;
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
