/**
 * `eas probe` as CONTRACTS.md gives it, in real processes: against `eas mock`
 * every case passes and it exits 0; with a fault it prints the table, writes
 * --json and --trace, and exits 1.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleConnectionRetry } from '../../src/cli/probe.ts';
import type { ProbeReport } from '../../src/probe/report.ts';
import { CASE_NAMES } from './helpers.ts';

const root = join(import.meta.dirname, '../..');

function startMock(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn('npm', ['run', '-s', 'eas', '--', 'mock', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
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

function eas(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', 'eas', '--', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('eas probe (CLI)', () => {
  it('passes every case against `eas mock` and exits 0', async () => {
    const mock = await startMock([]);
    const dir = await mkdtemp(join(tmpdir(), 'eas-probe-cli-'));
    try {
      const json = join(dir, 'report.json');
      const run = await eas(['probe', '--url', mock.url, '--user', 'alice', '--password-env', 'PROBE_PW', '--json', json], {
        PROBE_PW: 'alicepass',
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const report = JSON.parse(await readFile(json, 'utf8')) as ProbeReport;
      expect(report.version).toBe('16.1');
      expect(report.cases.filter((c) => c.result !== 'pass')).toEqual([]);
      expect(report.cases.map((c) => c.name)).toEqual(CASE_NAMES);
      expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
        `${CASE_NAMES.length} pass, 0 fail, 0 not supported, 0 skipped (${CASE_NAMES.length} cases)`,
      );
    } finally {
      await mock.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('reports the failed case, writes --json and --trace, and exits 1', async () => {
    // 503=1: the first request after OPTIONS, Provision's, is answered 503 (mocks/faults.ts).
    const mock = await startMock(['--faults', '503=1']);
    const dir = await mkdtemp(join(tmpdir(), 'eas-probe-cli-'));
    try {
      const json = join(dir, 'report.json');
      const trace = join(dir, 'trace');
      const run = await eas(
        ['probe', '--url', mock.url, '--user', 'alice', '--password-env', 'PROBE_PW', '--json', json, '--trace', trace],
        { PROBE_PW: 'alicepass' },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `eas probe: 1 of ${CASE_NAMES.length} cases failed against ${mock.url}/Microsoft-Server-ActiveSync: Provision\n`,
      );
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines.find((l) => l.startsWith('Provision '))).toMatch(/^Provision\s+fail\s+HTTP 503: Service Unavailable\s+\d+$/);
      expect(lines.at(-1)).toBe(`${CASE_NAMES.length - 1} pass, 1 fail, 0 not supported, 0 skipped (${CASE_NAMES.length} cases)`);

      const report = JSON.parse(await readFile(json, 'utf8')) as ProbeReport;
      expect(Object.keys(report)).toEqual(['server', 'version', 'serverBuild', 'cases', 'summary']);
      expect(report.version).toBe('16.1');
      expect(report.cases.map((c) => c.name)).toEqual(CASE_NAMES);
      expect(report.cases[1]).toMatchObject({ name: 'Provision', result: 'fail', detail: 'HTTP 503: Service Unavailable' });
      expect(Object.keys(report.cases[0]!)).toEqual(['name', 'result', 'detail', 'ms']);
      expect(report.summary).toEqual({ pass: CASE_NAMES.length - 1, fail: 1, notSupported: 0, skipped: 0, total: CASE_NAMES.length });

      const files = (await readdir(trace)).sort();
      expect(files.slice(0, 3)).toEqual(['0001-OPTIONS.json', '0002-Provision.json', '0002-Provision.request.xml']);
      const provision = JSON.parse(await readFile(join(trace, '0002-Provision.json'), 'utf8')) as {
        status: number;
        requestHeaders: string[];
        responseHeaders: string[];
      };
      expect(provision.status).toBe(503);
      expect(provision.responseHeaders).toContain('retry-after: 30');
      expect(provision.requestHeaders).toContain('authorization: Basic <redacted>');
      expect(await readFile(join(trace, '0002-Provision.request.xml'), 'utf8')).toContain(
        '<PolicyType>MS-EAS-Provisioning-WBXML</PolicyType>',
      );
      const everything = (await Promise.all(files.map((f) => readFile(join(trace, f), 'utf8')))).join('\n');
      expect(everything).not.toContain(btoa('alice:alicepass'));
    } finally {
      await mock.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('exits 2 on a usage error and 1 when the password variable is not set', async () => {
    expect((await eas(['probe', '--user', 'alice', '--password-env', 'X'])).code).toBe(2);
    expect(
      (await eas(['probe', '--url', 'http://127.0.0.1:9', '--user', 'a', '--password-env', 'P', '--version', '2.5'], { P: 'x' })).code,
    ).toBe(2);
    const unset = await eas(['probe', '--url', 'http://127.0.0.1:9', '--user', 'a', '--password-env', 'EAS_PROBE_UNSET_VAR']);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toBe('eas probe: environment variable EAS_PROBE_UNSET_VAR (--password-env) is not set\n');
  }, 60_000);
});

describe('staleConnectionRetry', () => {
  const socketClosed = (): TypeError =>
    Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' } });

  it('sends a request once more, body and all, when the connection closed before any answer', async () => {
    const bodies: string[] = [];
    let resent = 0;
    const send = async (input: RequestInfo | URL): Promise<Response> => {
      bodies.push(await (input as Request).text());
      if (bodies.length === 1) throw socketClosed();
      return new Response('ok');
    };
    const transport = staleConnectionRetry(send as typeof fetch, () => (resent += 1));
    const res = await transport(new Request('http://server.test/x', { method: 'POST', body: 'payload' }));
    expect(await res.text()).toBe('ok');
    expect(bodies).toEqual(['payload', 'payload']);
    expect(resent).toBe(1);
  });

  it('does not retry other failures, gives up after two resends, and names the cause', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    let calls = 0;
    const failing = (e: () => Error) =>
      (async () => {
        calls += 1;
        throw e();
      }) as unknown as typeof fetch;
    const request = (): Request => new Request('http://server.test/');
    await expect(
      staleConnectionRetry(
        failing(() => refused),
        () => undefined,
      )(request()),
    ).rejects.toThrow('fetch failed: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)');
    expect(calls).toBe(1);
    calls = 0;
    await expect(staleConnectionRetry(failing(socketClosed), () => undefined)(request())).rejects.toThrow(
      'fetch failed: other side closed (UND_ERR_SOCKET)',
    );
    expect(calls).toBe(3);
    calls = 0;
    const reset = (): Error => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'read ECONNRESET' } });
    let resent = 0;
    await expect(staleConnectionRetry(failing(reset), () => (resent += 1))(request())).rejects.toThrow(
      'fetch failed: read ECONNRESET (ECONNRESET)',
    );
    expect([calls, resent]).toEqual([3, 2]);
  });
});
