/** `eas proxy` as CONTRACTS.md describes it: prints `listening on http://H:P`, serves until killed, exit 2 on misuse. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp, type RunningServer } from '../../mocks/node-http.ts';
import { createMockServer } from '../../mocks/server.ts';
import { basic, makeDist, raw } from './support.ts';

const root = join(import.meta.dirname, '../..');
let dist: Awaited<ReturnType<typeof makeDist>>;
let mock: RunningServer;

beforeAll(async () => {
  dist = await makeDist();
  mock = await serveHttp(createMockServer({ data: false }), { port: 0 });
});

afterAll(async () => {
  await mock.close();
  await dist.remove();
});

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('eas proxy', () => {
  it('serves the app and forwards EAS on loopback until killed, logging each request', async () => {
    const child = spawn('npm', ['run', '-s', 'eas', '--', 'proxy', '--upstream', mock.url, '--port', '0', '--dist', dist.dist], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^listening on (http:\/\/\S+)$/m.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`proxy exited ${code}: ${out}`)));
    });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await raw(url, { path: '/' })).body.toString()).toContain('<div id="app">');
      const options = await raw(url, {
        method: 'OPTIONS',
        path: '/Microsoft-Server-ActiveSync',
        headers: { Authorization: basic('alice', 'alicepass') },
      });
      expect(options.headers['ms-asprotocolversions']).toContain('16.1');
      while (!out.includes('OPTIONS /Microsoft-Server-ActiveSync 200')) await new Promise((r) => setTimeout(r, 20));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 60_000);

  it('exits 2 on a usage error and 1 when dist/ is missing', async () => {
    expect((await run(['--upstream', mock.url])).code).toBe(2);
    expect((await run(['--port', '0'])).code).toBe(2);
    const bad = await run(['--upstream', 'ftp://example.test', '--port', '0', '--dist', dist.dist]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--upstream');
    const missing = await run(['--upstream', mock.url, '--port', '0', '--dist', join(dist.dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('npm run build');
  }, 60_000);

  it('checks the OAuth options: --vault, a client id, https off loopback, the secret from the environment, a provider that answers', async () => {
    const base = ['--upstream', mock.url, '--port', '0', '--dist', dist.dist];
    const noVault = await run([...base, '--oauth-issuer', 'http://127.0.0.1:9/', '--oauth-client-id', 'x']);
    expect([noVault.code, noVault.stderr]).toEqual([2, expect.stringContaining('--oauth-issuer needs --vault')]);
    const noId = await run([...base, '--vault', '--oauth-issuer', 'http://127.0.0.1:9/']);
    expect([noId.code, noId.stderr]).toEqual([2, expect.stringContaining('--oauth-client-id')]);
    const plainHttp = await run([...base, '--vault', '--oauth-issuer', 'http://idp.example.test/', '--oauth-client-id', 'x']);
    expect([plainHttp.code, plainHttp.stderr]).toEqual([2, expect.stringContaining('loopback')]);
    const noSecret = await run([
      ...base,
      '--vault',
      '--oauth-issuer',
      'http://127.0.0.1:9/',
      '--oauth-client-id',
      'x',
      '--oauth-client-secret-env',
      'EAS_TEST_UNSET_SECRET',
    ]);
    expect([noSecret.code, noSecret.stderr]).toEqual([2, expect.stringContaining('EAS_TEST_UNSET_SECRET')]);
    const down = await run([...base, '--vault', '--oauth-issuer', 'http://127.0.0.1:9/', '--oauth-client-id', 'x']);
    expect([down.code, down.stderr]).toEqual([1, expect.stringContaining("cannot read the provider's metadata")]);
  }, 90_000);
});
