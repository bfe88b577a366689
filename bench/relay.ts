/**
 * The push relay of `eas proxy --vault --push` (issue #14):
 *
 * - Relay latency: a new mail on the mock until the push request reaches the test push service
 *   (HTTPS on loopback, decrypted there), through the proxy's held Ping (Status 2) and the Web Push
 *   encryption and signing; median and p95 of 20.
 * - Held Pings per process: the relay holds N = 1,000 then 10,000 Pings against a fake upstream in
 *   a child process that answers none; memory per held Ping is the growth of this process's RSS
 *   (JS heap, sockets' native state, parser) divided by N (goals: 10,000 held, ≤ 20 KB each).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveHttp } from '../mocks/node-http.ts';
import { createMockServer } from '../mocks/server.ts';
import { DeviceBook, deviceKey } from '../src/proxy/devices.ts';
import { parseUpstream } from '../src/proxy/forward.ts';
import { Relay, RELAY_DEFAULTS } from '../src/proxy/relay.ts';
import { startProxy } from '../src/proxy/server.ts';
import { memoryStore } from '../src/proxy/state.ts';
import { makeCert, startPushService } from '../test/proxy/push-service.ts';
import { newDevice, register, signIn, syncFolder } from '../test/proxy/push-support.ts';
import { makeDist } from '../test/proxy/support.ts';
import { median } from './sync-core.ts';
import type { Row } from './table.ts';

const ROUNDS = 20;

function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number;
}

async function latency(): Promise<Row[]> {
  const dist = await makeDist();
  const cert = makeCert();
  const service = await startPushService(cert);
  const mock = createMockServer({ data: false });
  const upstream = await serveHttp(mock, { port: 0 });
  const proxy = await startProxy({
    upstream: upstream.url,
    port: 0,
    dist: dist.dist,
    vault: true,
    push: { allowHosts: ['127.0.0.1'], ca: cert.cert, relay: { quietMs: 10 } },
  });
  const samples: number[] = [];
  try {
    const cookie = await signIn(proxy.url);
    const device = await newDevice(proxy.url, cookie, 'bench1');
    const sub = service.subscribe();
    await register(proxy.url, cookie, { deviceId: 'bench1', subscription: sub.json });
    for (let i = 0; i < ROUNDS; i++) {
      const until = Date.now() + 5000;
      while (proxy.relay?.held() !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setTimeout(r, 20)); // the Ping has reached the mock
      const start = performance.now();
      mock.control.newMail('alice');
      const m = await sub.next(5000);
      samples.push(m.at - start);
      await syncFolder(proxy.url, cookie, device, device.inbox);
    }
  } finally {
    await proxy.close();
    await upstream.close();
    await service.close();
    cert.remove();
    await dist.remove();
  }
  return [
    { name: 'relay latency mail → push received, median of 20: ms', value: median(samples), goal: '≤ 100' },
    { name: 'relay latency mail → push received, p95 of 20: ms', value: p95(samples) },
  ];
}

/** The fake upstream: reads each Ping and never answers; says how many it holds. */
const HOLDER = `
const http = require('node:http');
let held = 0;
const server = http.createServer((req) => { held++; req.resume(); req.socket.once('close', () => held--); });
server.maxHeadersCount = 50;
server.requestTimeout = 0;
server.headersTimeout = 0;
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', 2048, () => process.stdout.write('port ' + server.address().port + '\\n'));
setInterval(() => process.stdout.write('held ' + held + '\\n'), 50);
`;

function startHolder(): Promise<{ child: ChildProcess; port: number; held: () => number }> {
  const child = spawn(process.execPath, ['-e', HOLDER], { stdio: ['ignore', 'pipe', 'inherit'] });
  let held = 0;
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'port') resolve({ child, port: Number(n), held: () => held });
        if (word === 'held') held = Number(n);
      }
    });
    child.once('exit', (code) => reject(new Error(`ping holder exited ${code}`)));
  });
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function heldPings(n: number): Promise<Row[]> {
  const holder = await startHolder();
  const upstream = parseUpstream(`http://127.0.0.1:${holder.port}`);
  const book = new DeviceBook(memoryStore);
  const agent = new Agent({ keepAlive: false, maxSockets: n });
  const relay = new Relay({
    ...RELAY_DEFAULTS,
    upstream,
    agent,
    book,
    store: memoryStore,
    maxPings: n,
    maxPerUser: n,
    quietMs: 10,
    backoffMs: { base: 200, cap: 2000 },
    send: () => Promise.resolve({ kind: 'sent' }),
    credentials: () => ({
      authorization: async () => 'Basic YWxpY2U6YWxpY2VwYXNz',
      again: async () => undefined,
      headers: {},
      oauth: false,
    }),
    refused: () => {},
    log: () => {},
  });
  const keys = { p256dh: 'x', auth: 'y' };
  // The devices' folders as the relay learns them from FolderSync and Sync (before any Ping).
  for (let i = 0; i < n; i++)
    book.restore(
      new Map([[deviceKey(`user${i}`, `dev${i}`), { folders: { inbox: 2 }, synced: ['inbox'], version: '14.1', deviceType: 'WebApp' }]]),
    );
  gc();
  await new Promise((r) => setTimeout(r, 100));
  gc();
  const before = process.memoryUsage().rss;
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    relay.register({ user: `user${i}`, deviceId: `dev${i}`, sessionId: 's', subscription: { endpoint: 'https://push.example/x', keys } });
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 20)); // a restart spreads its Pings out too
  }
  const until = Date.now() + 30_000;
  while (holder.held() < n && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - started) / 1000;
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const after = process.memoryUsage().rss;
  const held = holder.held();
  relay.close();
  agent.destroy();
  holder.child.kill();
  const k = n >= 1000 ? `${n / 1000}k` : String(n);
  return [
    { name: `relay held Pings of ${k} (upstream count)`, value: held, goal: `${n}` },
    { name: `relay memory per held Ping, ${k}: KB`, value: (after - before) / 1024 / Math.max(1, held), goal: '≤ 20' },
    { name: `relay time to hold ${k} Pings: s`, value: seconds },
  ];
}

export async function benchRelay(): Promise<Row[]> {
  return [...(await latency()), ...(await heldPings(1000)), ...(await heldPings(10_000))];
}
