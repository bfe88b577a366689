/**
 * A probe run recorded with --trace and served again by mocks/replay.ts gives
 * the same verdicts: a server's behaviour, quirks included, becomes a fixture.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandOf, createReplay, loadTrace } from '../../mocks/replay.ts';
import { probeCommand } from '../../src/cli/probe.ts';
import type { Transport } from '../../src/eas/endpoint.ts';
import type { ProbeReport } from '../../src/probe/report.ts';
import { encodeEas } from '../../src/eas/wbxml.ts';
import { el } from '../../src/wbxml/tree.ts';
import { CASE_NAMES, FAST, intercept, MOCK_URL, newMock } from './helpers.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eas-probe-replay-'));
  process.env['EAS_PROBE_TEST_PW'] = 'alicepass';
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ARGS = ['--url', MOCK_URL, '--user', 'alice', '--password-env', 'EAS_PROBE_TEST_PW'];

/** Runs the CLI in-process; returns the --json report whether or not a case failed. */
async function probe(transport: Transport, extra: string[]): Promise<{ report: ProbeReport; error?: Error }> {
  const json = join(dir, `report-${Math.random()}.json`);
  let error: Error | undefined;
  await probeCommand([...ARGS, '--json', json, ...extra], { transport, runId: 'feedc0de', timing: FAST, write: () => undefined }).catch(
    (e: unknown) => {
      error = e as Error;
    },
  );
  return { report: JSON.parse(await readFile(json, 'utf8')) as ProbeReport, error };
}

/** What must match between a run and its replay: name, result and detail (the Ping's latency aside). */
function verdicts(r: ProbeReport): string[][] {
  return r.cases.map((c) => [c.name, c.result, c.name === 'Ping' ? c.detail.replace(/\d+ ms/, 'N ms') : c.detail]);
}

describe('replaying a probe trace', () => {
  it('gives the same results as the recorded run, answering every request from the trace', async () => {
    const traceDir = join(dir, 'trace');
    const recorded = await probe(newMock().handle, ['--trace', traceDir]);
    expect(recorded.error).toBeUndefined();
    expect(recorded.report.cases.map((c) => c.name)).toEqual(CASE_NAMES);

    const names = await readdir(traceDir);
    expect(names).toContain('0001-OPTIONS.json');
    expect(names.some((n) => /^\d{4}-Autodiscover\.response\.xml$/.test(n))).toBe(true);
    expect(names.some((n) => /^\d{4}-Ping\.response\.xml$/.test(n))).toBe(true);

    const replay = createReplay(await loadTrace(traceDir));
    const replayed = await probe(replay.handle, []);
    expect(verdicts(replayed.report)).toEqual(verdicts(recorded.report));
    expect(replay.unmatched).toEqual([]);
    expect(replay.remaining()).toEqual({});
  });

  it('replays a server quirk: a recorded deaf Ping fails again, and the CLI reports it', async () => {
    const traceDir = join(dir, 'trace');
    const deaf = intercept(newMock().handle, (_r, cmd) =>
      cmd === 'Ping'
        ? new Response(encodeEas(el('Ping', 'Ping', el('Ping', 'Status', '1'))), {
            headers: { 'Content-Type': 'application/vnd.ms-sync.wbxml' },
          })
        : undefined,
    );
    const recorded = await probe(deaf, ['--trace', traceDir]);
    const replayed = await probe(createReplay(await loadTrace(traceDir)).handle, []);
    expect(verdicts(replayed.report)).toEqual(verdicts(recorded.report));
    expect(replayed.report.cases.filter((c) => c.result === 'fail').map((c) => c.name)).toEqual(['Ping']);
    expect(replayed.error?.message).toBe('1 of 32 cases failed against http://mock.example.test/Microsoft-Server-ActiveSync: Ping');
  });

  it('answers 500 and says so when the client asks more than was recorded', async () => {
    const replay = createReplay([]);
    const res = await replay.handle(
      new Request(`${MOCK_URL}/Microsoft-Server-ActiveSync?Cmd=Sync&User=a&DeviceId=d&DeviceType=t`, { method: 'POST' }),
    );
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('replay: no recorded answer left for Sync');
    expect(replay.unmatched).toEqual(['Sync (request 1)']);
  });

  it('knows the command of plain and base64 queries, OPTIONS and Autodiscover', () => {
    const post = (path: string): Request => new Request(`${MOCK_URL}${path}`, { method: 'POST' });
    expect(commandOf(new Request(`${MOCK_URL}/Microsoft-Server-ActiveSync`, { method: 'OPTIONS' }))).toBe('OPTIONS');
    expect(commandOf(post('/AutoDiscover/AutoDiscover.xml'))).toBe('Autodiscover');
    expect(commandOf(post('/Microsoft-Server-ActiveSync?Cmd=Ping&User=a&DeviceId=d&DeviceType=t'))).toBe('Ping');
    // MS-ASHTTP 2.2.1.1.1.1: version 141, command 9 (FolderSync), locale, device id "d", no policy key, device type "t".
    const b64 = btoa(String.fromCharCode(141, 9, 0x09, 0x04, 1, 100, 0, 1, 116));
    expect(commandOf(post(`/Microsoft-Server-ActiveSync?${b64}`))).toBe('FolderSync');
  });
});
