/** The whole probe against the in-process mock: every case passes, at each version the mock speaks. */
import { describe, expect, it } from 'vitest';
import { formatTable, summarize } from '../../src/probe/report.ts';
import { CASE_NAMES, newMock, probeMock, results } from './helpers.ts';

describe('eas probe against the mock', () => {
  it.each(['16.1', '14.1', '14.0', '12.1'] as const)('passes every case at %s, in the documented order', async (version) => {
    const mock = newMock();
    const report = await probeMock(mock.handle, { version });
    expect(report.cases.map((c) => c.name)).toEqual(CASE_NAMES);
    const notPassed = report.cases.filter((c) => c.result !== 'pass');
    expect(notPassed).toEqual([]);
    expect(report.version).toBe(version);
    expect(report.server).toBe('http://mock.example.test/Microsoft-Server-ActiveSync');
    expect(report.summary).toEqual({ pass: CASE_NAMES.length, fail: 0, notSupported: 0, skipped: 0, total: CASE_NAMES.length });
  });

  it('negotiates the highest common version, says what it found, and leaves no scratch item behind', async () => {
    const mock = newMock();
    const report = await probeMock(mock.handle);
    expect(report.version).toBe('16.1');
    expect(report.serverBuild).toBe('16.1');
    const detail = Object.fromEntries(report.cases.map((c) => [c.name, c.detail]));
    expect(detail['OPTIONS']).toContain('using 16.1');
    expect(detail['Email: Sync initial']).toMatch(/^\d+ items in [2-9] pages of at most 25$/);
    expect(detail['Ping']).toMatch(/^Status 2 naming the Inbox/);
    expect(detail['MeetingResponse']).toMatch(/^accepted; one calendar item/);
    expect(detail['Cleanup']).toMatch(/^removed Inbox 3/);
    // Nothing named after the run is left in alice's mailbox.
    const left = [...mock.mock.world.mailboxes.get('alice')!.folders.values()]
      .flatMap((f) => [...f.store.items.values()])
      .filter((i) => JSON.stringify(i.data, (_k, v: unknown) => (v instanceof Uint8Array ? undefined : v)).includes('eas-probe-feedc0de'));
    expect(left).toEqual([]);
  });

  it('says "not supported" for a version the server does not offer, and skips the rest', async () => {
    const mock = newMock();
    const transport = async (r: Request): Promise<Response> => {
      const res = await mock.handle(r);
      if (r.method !== 'OPTIONS') return res;
      const headers = new Headers(res.headers);
      headers.set('MS-ASProtocolVersions', '14.0,14.1');
      return new Response(null, { status: res.status, headers });
    };
    const report = await probeMock(transport, { version: '16.1' });
    const r = results(report);
    expect(r['OPTIONS']).toBe('not supported');
    expect(report.cases[0]?.detail).toBe('server offers 14.0, 14.1; not 16.1');
    expect(report.version).toBeNull();
    expect(r['FolderSync']).toBe('skipped');
    expect(report.cases.find((c) => c.name === 'FolderSync')?.detail).toBe('needs OPTIONS (not supported)');
    // Autodiscover needs no EAS version, but the user's address, which Settings did not give.
    expect(r['Autodiscover']).toBe('skipped');
    expect(report.cases.find((c) => c.name === 'Autodiscover')?.detail).toMatch(/^needs the user's address/);
    expect(summarize(report.cases).fail).toBe(0);
  });

  it('prints one row per case with the summary line', async () => {
    const report = await probeMock(newMock().handle);
    const table = formatTable(report).split('\n');
    expect(table[0]).toBe('server http://mock.example.test/Microsoft-Server-ActiveSync, EAS 16.1, build 16.1');
    expect(table[1]).toMatch(/^case\s+result\s+detail\s+ms$/);
    expect(table).toHaveLength(CASE_NAMES.length + 4);
    expect(table[3]).toMatch(/^OPTIONS\s+pass\s+versions 12\.1, 14\.0, 14\.1, 16\.0, 16\.1; \d+ commands; using 16\.1\s+\d+$/);
    expect(table.at(-1)).toBe(`${CASE_NAMES.length} pass, 0 fail, 0 not supported, 0 skipped (${CASE_NAMES.length} cases)`);
  });
});
