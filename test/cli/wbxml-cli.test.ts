/** The `eas wbxml` contract of ../shared/CONTRACTS.md, run as a user runs it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEas, easFromXml } from '../../src/eas/wbxml.ts';

const root = join(import.meta.dirname, '../..');

function eas(args: string[], input?: Uint8Array | string) {
  const r = spawnSync('npm', ['run', '-s', 'eas', '--', ...args], { cwd: root, input, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe('eas wbxml', () => {
  // Our own document (test/fixtures), so the contract is checked in any clone.
  const fixture = join(root, 'test/fixtures/folder-sync-response.xml');

  it('encodes a file and decodes standard input back to the same document', () => {
    const enc = eas(['wbxml', 'encode', fixture]);
    expect(enc.code).toBe(0);
    expect([...enc.stdout.subarray(0, 4)]).toEqual([0x03, 0x01, 0x6a, 0x00]);
    const dec = eas(['wbxml', 'decode', '-'], enc.stdout);
    expect(dec.code).toBe(0);
    expect(dec.stdout.toString()).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<FolderSync xmlns="FolderHierarchy">/);
    expect(easFromXml(dec.stdout.toString())).toEqual(decodeEas(new Uint8Array(enc.stdout)));
  });

  it('exits 1 with one line naming the byte offset on a truncated document', () => {
    const enc = eas(['wbxml', 'encode', fixture]).stdout;
    const r = eas(['wbxml', 'decode', '-'], enc.subarray(0, 20));
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^eas wbxml: stdin: .+ at byte \d+\n$/);
  });

  it('exits 1 naming the line of bad XML, and the missing file', () => {
    expect(eas(['wbxml', 'encode', '-'], '<Sync>\n<Nope xmlns="X"/>').stderr).toMatch(/unknown namespace "X" at line 2/);
    const missing = eas(['wbxml', 'decode', '/nonexistent.wbxml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/\/nonexistent.wbxml: ENOENT/);
  });

  it('exits 2 on a usage error', () => {
    expect(eas(['wbxml', 'frobnicate', 'x']).code).toBe(2);
    expect(eas(['nope']).code).toBe(2);
  });
});
