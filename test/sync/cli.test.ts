import 'fake-indexeddb/auto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FolderType, requireFolderOfType } from '../../mocks/model.ts';
import { CliError, UsageError } from '../../src/cli/io.ts';
import { parseFilter, syncCommand } from '../../src/cli/sync.ts';
import { fold } from '../../src/sync/export.ts';
import { serverDump } from '../support/oracle.ts';
import { alice, mockServer, serverView } from './support.ts';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'eas-cli-sync-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

process.env['EAS_TEST_PW'] = 'alicepass';
process.env['EAS_TEST_BAD_PW'] = 'wrong';

const args = (dir: string, ...extra: string[]): string[] => [
  '--url',
  'http://mock.test',
  '--user',
  'alice',
  '--password-env',
  'EAS_TEST_PW',
  '--state',
  join(dir, 'state'),
  '--out',
  join(dir, 'out'),
  ...extra,
];

interface Summary {
  version: string;
  folders: { id: string; name: string; type: number; class: string; count: number }[];
  totals: Record<string, number>;
}

const readSummary = async (dir: string): Promise<Summary> =>
  JSON.parse(await readFile(join(dir, 'out', 'summary.json'), 'utf8')) as Summary;

describe('eas sync (in process)', () => {
  it('writes summary.json as the contract says, then syncs incrementally from the same state', async () => {
    const server = mockServer();
    const dir = await tempDir();
    const requests: string[] = [];
    const transport = async (r: Request): Promise<Response> => {
      requests.push(r.url);
      return server.handle(r);
    };
    await syncCommand(args(dir), { transport });
    const s = await readSummary(dir);
    const view = serverView(server);
    expect(s.version).toBe('16.1');
    expect(Object.keys(s.totals)).toEqual(['Email', 'Calendar', 'Contacts', 'Tasks']);
    for (const f of s.folders) {
      expect(Object.keys(f)).toEqual(['id', 'name', 'type', 'class', 'count']);
      expect(f.count, f.name).toBe(view.get(f.id)?.size ?? 0);
    }
    const sum = (cls: string) => s.folders.filter((f) => f.class === cls).reduce((n, f) => n + f.count, 0);
    for (const cls of ['Email', 'Calendar', 'Contacts', 'Tasks']) expect(s.totals[cls]).toBe(sum(cls));
    expect(s.totals['Email']).toBeGreaterThanOrEqual(200);

    const inbox = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store.id;
    server.control.newMail('alice');
    requests.length = 0;
    await syncCommand(args(dir), { transport });
    expect(requests.some((u) => u.includes('Cmd=Provision'))).toBe(false); // the same account, from the state
    const again = await readSummary(dir);
    expect(again.folders.find((f) => f.id === inbox)?.count).toBe((s.folders.find((f) => f.id === inbox)?.count ?? 0) + 1);
  });

  it('--export writes .eml, .vcf and .ics files', async () => {
    const server = mockServer();
    const dir = await tempDir();
    await syncCommand(args(dir, '--export'), { transport: server.handle });
    const s = await readSummary(dir);
    const files = async (cls: string): Promise<string[]> => {
      const root = join(dir, 'out', 'export', cls);
      const out: string[] = [];
      for (const folder of await readdir(root)) for (const f of await readdir(join(root, folder))) out.push(join(root, folder, f));
      return out;
    };
    const eml = await files('Email');
    const vcf = await files('Contacts');
    const events = await files('Calendar');
    const tasks = await files('Tasks');
    expect(eml.length).toBe(s.totals['Email']);
    expect(vcf.length).toBe(s.totals['Contacts']);
    expect(events.length).toBe(s.totals['Calendar']);
    expect(tasks.length).toBe(s.totals['Tasks']);
    expect(eml.every((f) => f.endsWith('.eml')) && vcf.every((f) => f.endsWith('.vcf'))).toBe(true);
    expect(await readFile(eml[0]!, 'utf8')).toMatch(/^[\s\S]*Message-ID: <[^>]+>\r\n[\s\S]*MIME-Version: 1.0/);
    const card = await readFile(vcf[0]!, 'utf8');
    expect(card).toMatch(/^BEGIN:VCARD\r\nVERSION:3.0\r\nFN:/);
    for (const f of [...events, ...tasks].slice(0, 50)) {
      const ics = await readFile(f, 'utf8');
      expect(ics).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2.0\r\n/);
      expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
      for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    }
  });

  it('--dump writes every stored item as a JSON line under EAS element names, and after a change elsewhere the mail is still whole', async () => {
    const server = mockServer({ data: { mails: 25, contacts: 6, events: 6, tasks: 6, notes: 0, gal: 0 } });
    const dir = await tempDir();
    const file = join(dir, 'dump.jsonl');
    await syncCommand(args(dir, '--dump', file), { transport: server.handle });
    type Line = { class: string; folder: string; serverId: string; fields: Record<string, unknown> };
    const read = async (): Promise<Line[]> =>
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line);
    const lines = await read();
    const view = serverView(server);
    expect(lines.length).toBe([...view.values()].reduce((n, ids) => n + ids.size, 0));
    for (const l of lines) expect(Object.keys(l)).toEqual(['class', 'folder', 'serverId', 'fields']);
    const inbox = requireFolderOfType(server.mock.world.mailboxes.get('alice')!, FolderType.Inbox).store;
    const mail = [...inbox.items.values()].find((i) => i.data.kind === 'mail' && !i.data.meeting)!;
    const data = mail.data as { subject: string; from: { email: string }; date: number };
    const line = lines.find((l) => l.serverId === mail.id)!;
    expect(line).toMatchObject({ class: 'Email', folder: inbox.id });
    expect(line.fields['Subject']).toBe(data.subject);
    expect(line.fields['From']).toContain(data.from.email);
    expect(line.fields['DateReceived']).toBe(new Date(data.date).toISOString());
    const event = lines.find((l) => l.class === 'Calendar')!;
    expect(event.fields['StartTime']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines.some((l) => l.class === 'Contacts' && typeof l.fields['FileAs'] === 'string')).toBe(true);
    // Another client reads and flags the mail: the next run's dump has the change and the rest.
    server.control.otherDevice('alice', mail.id, { kind: 'read', read: true });
    server.control.otherDevice('alice', mail.id, { kind: 'flag', flagged: true });
    await syncCommand(args(dir, '--dump', file), { transport: server.handle });
    const after = (await read()).find((l) => l.serverId === mail.id)!;
    expect(after.fields).toEqual({ ...line.fields, Read: true, Flag: { FlagType: 'Flag for follow up', Status: 2 } });
    // What a fresh device gets from the server, in the same form.
    expect(await read()).toEqual(await serverDump(server.handle, alice));
  });

  it('usage errors, and a wrong password as one plain error', async () => {
    const dir = await tempDir();
    await expect(syncCommand(['--user', 'alice'])).rejects.toBeInstanceOf(UsageError);
    expect(() => parseFilter('Email=9')).toThrow(UsageError);
    expect(() => parseFilter('Mail=3')).toThrow(UsageError);
    expect(parseFilter('3')).toEqual({ Email: 3, Calendar: 3, Contacts: 3, Tasks: 3 });
    expect(parseFilter('Email=3,Calendar=6')).toEqual({ Email: 3, Calendar: 6 });
    const server = mockServer();
    const bad = args(dir).map((a) => (a === 'EAS_TEST_PW' ? 'EAS_TEST_BAD_PW' : a));
    const e: unknown = await syncCommand(bad, { transport: server.handle }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliError);
    expect((e as Error).message).toMatch(/user name or password is wrong/);
  });

  it('--version speaks that version; a state set up with another one, or an unknown version, is refused', async () => {
    const server = mockServer();
    const dir = await tempDir();
    const versions: string[] = [];
    const transport = async (r: Request): Promise<Response> => {
      if (r.method === 'POST') versions.push(r.headers.get('MS-ASProtocolVersion') ?? '');
      return server.handle(r);
    };
    await syncCommand(args(dir, '--version', '14.0'), { transport });
    expect((await readSummary(dir)).version).toBe('14.0');
    expect(new Set(versions)).toEqual(new Set(['14.0']));
    await syncCommand(args(dir, '--version', '14.0'), { transport }); // the same state, the same version
    await expect(syncCommand(args(dir, '--version', '16.1'), { transport })).rejects.toThrow(/speaks ActiveSync 14\.0/);
    await expect(syncCommand(args(dir, '--version', '13.0'), { transport })).rejects.toBeInstanceOf(UsageError);
  });

  it('folds long lines at 75 octets without splitting a character', () => {
    const long = `SUMMARY:${'日本語'.repeat(30)}`;
    const folded = fold(long);
    expect(folded.split('\r\n ').join('')).toBe(long);
    for (const l of folded.split('\r\n')) expect(new TextEncoder().encode(l).length).toBeLessThanOrEqual(75);
  });
});

// ------------------------------------------------------------------ real processes, killed

const ROOT = new URL('../..', import.meta.url).pathname;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function eas(argv: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...argv], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

async function startMock(): Promise<string> {
  const child = eas(['mock', '--port', '0', '--seed', '7']);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`eas mock exited with ${code}`)));
  });
}

/**
 * Kills `child` `extraMs` after the journal first holds a write set written by this run
 * (the journal is rewritten to a small header at start, then grows by one record per commit).
 */
async function killAfterProgress(child: ChildProcess, journal: string, since: number, extraMs: number): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    const st = await stat(journal).catch(() => undefined);
    if (st && st.mtimeMs >= since && st.size > 1024) {
      setTimeout(() => child.kill('SIGKILL'), extraMs);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('eas sync as a process, killed at random moments', () => {
  it('a killed run is finished by the next one: same summary as a clean run', async () => {
    const url = await startMock();
    const killed = await tempDir();
    const clean = await tempDir();
    const run = (dir: string, user: string) =>
      eas(
        ['sync', '--url', url, '--user', user, '--password-env', 'EAS_BOB_PW', '--state', join(dir, 'state'), '--out', join(dir, 'out')],
        { EAS_BOB_PW: 'bobpass' },
      );
    expect(await exited(run(clean, 'bob'))).toMatchObject({ code: 0 });
    const codes: (number | null)[] = [];
    // Short delays: each killed run gets little done, so the next still has most of the mailbox ahead
    // (delays up to 220 ms let the last runs finish first on a fast machine, and only 2 of 5 were killed).
    for (const extraMs of [0, 10, 20, 30, 40]) {
      const child = run(killed, 'bob');
      const done = exited(child);
      // Killed once this run has committed a write set of its own: mid-run whatever the machine's speed.
      void killAfterProgress(child, join(killed, 'state', 'journal'), Date.now(), extraMs);
      codes.push((await done).code);
    }
    console.log(`eas sync killed mid-run: ${codes.filter((c) => c === null).length} of ${codes.length} runs`);
    expect(codes.filter((c) => c === null).length).toBeGreaterThanOrEqual(3); // really killed, mid-run
    expect(await exited(run(killed, 'bob'))).toMatchObject({ code: 0 });
    const a = await readSummary(killed);
    const b = await readSummary(clean);
    expect(a).toEqual(b);
    expect(a.totals['Email']).toBeGreaterThanOrEqual(200);
  }, 240_000);
});
