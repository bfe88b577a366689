/** `eas mock` as CONTRACTS.md describes it: prints `listening on http://H:P`, serves EAS until killed. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { easFromXml, encodeEas, decodeEas } from '../../src/eas/wbxml.ts';
import { textAt } from '../../src/wbxml/tree.ts';
import { startIssuer } from '../mocks/issuer.ts';

const root = join(import.meta.dirname, '../..');

function startMock(args: string[]): Promise<{ url: string; stop: () => Promise<number | null> }> {
  const child = spawn('npm', ['run', '-s', 'eas', '--', 'mock', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      process.kill(-child.pid!, 'SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) resolve({ url: m[1]!, stop });
    });
    child.once('exit', (code) => reject(new Error(`mock exited ${code}: ${out}`)));
  });
}

describe('eas mock', () => {
  it('serves OPTIONS and FolderSync over HTTP on loopback until killed', async () => {
    const { url, stop } = await startMock(['--port', '0', '--host', '127.0.0.1', '--seed', '3']);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const auth = `Basic ${btoa('alice:alicepass')}`;
      const options = await fetch(`${url}/Microsoft-Server-ActiveSync`, { method: 'OPTIONS', headers: { Authorization: auth } });
      expect(options.headers.get('MS-ASProtocolVersions')).toContain('16.1');
      const body = encodeEas(easFromXml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>'));
      const res = await fetch(`${url}/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice&DeviceId=cli1&DeviceType=test`, {
        method: 'POST',
        headers: { Authorization: auth, 'MS-ASProtocolVersion': '14.1', 'Content-Type': 'application/vnd.ms-sync.wbxml' },
        body,
      });
      expect(res.status).toBe(200);
      expect(textAt(decodeEas(new Uint8Array(await res.arrayBuffer())), 'Status')).toBe('1');
      const denied = await fetch(`${url}/Microsoft-Server-ActiveSync`, {
        method: 'OPTIONS',
        headers: { Authorization: `Basic ${btoa('alice:wrong')}` },
      });
      expect(denied.status).toBe(401);
    } finally {
      await stop();
    }
  }, 60_000);

  it('with --versions 16.1 --bearer-issuer --bearer-audience --bearer-scope --anchor-cookie behaves like Exchange Online', async () => {
    const issuer = await startIssuer();
    const { url, stop } = await startMock([
      '--port',
      '0',
      '--versions',
      '16.1',
      '--bearer-issuer',
      issuer.issuer,
      '--bearer-audience',
      'https://eas.example.test',
      '--bearer-scope',
      'EAS.AccessAsUser.All',
      '--anchor-cookie',
    ]);
    try {
      const token = await issuer.token({ upn: 'alice@example.test', scp: 'EAS.AccessAsUser.All' });
      const options = await fetch(`${url}/Microsoft-Server-ActiveSync`, {
        method: 'OPTIONS',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect([options.status, options.headers.get('MS-ASProtocolVersions')]).toEqual([200, '16.1']);
      const post = (version: string, headers: Record<string, string>) =>
        fetch(`${url}/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice&DeviceId=cli2&DeviceType=test`, {
          method: 'POST',
          body: encodeEas(easFromXml('<FolderSync xmlns="FolderHierarchy"><SyncKey>0</SyncKey></FolderSync>')),
          headers: { 'MS-ASProtocolVersion': version, 'Content-Type': 'application/vnd.ms-sync.wbxml', ...headers },
        });
      const anchor = { Cookie: 'DefaultAnchorMailbox=alice@example.test' };
      expect((await post('16.1', { Authorization: `Bearer ${token}`, ...anchor })).status).toBe(200);
      expect((await post('16.1', { Authorization: `Bearer ${token}` })).status).toBe(451);
      expect((await post('14.1', { Authorization: `Bearer ${token}`, ...anchor })).status).toBe(400);
      const basic = await post('16.1', { Authorization: `Basic ${btoa('alice:alicepass')}`, ...anchor });
      expect([basic.status, basic.headers.get('WWW-Authenticate')]).toEqual([401, 'Bearer realm="eas-mock"']);
    } finally {
      await stop();
      await issuer.close();
    }
  }, 60_000);

  it('exits 2 without --port and on a bad fault spec', async () => {
    const run = (args: string[]) =>
      new Promise<number | null>((resolve) =>
        spawn('npm', ['run', '-s', 'eas', '--', 'mock', ...args], { cwd: root, stdio: 'ignore' }).once('exit', resolve),
      );
    expect(await run([])).toBe(2);
    expect(await run(['--port', '0', '--faults', 'bogus=1'])).toBe(2);
    expect(await run(['--port', '0', '--versions', '16.1,2.5'])).toBe(2);
    expect(await run(['--port', '0', '--bearer-issuer', 'http://127.0.0.1:9'])).toBe(2);
  }, 60_000);
});
