/** The keys of `npm run bench -- --json FILE`: snake case with units, as ../shared/CONTRACTS.md shows. */
import { describe, expect, it } from 'vitest';
import { formatTable, jsonKey } from '../../bench/table.ts';

describe('bench table', () => {
  it('turns row names into snake-case JSON keys with their units', () => {
    expect(jsonKey('sync 10k mails from the mock: items/s')).toBe('sync_10k_mails_from_the_mock_items_per_s');
    expect(jsonKey('engine / raw IDB write')).toBe('engine_vs_raw_idb_write');
    expect(jsonKey('ui: initial JS gzip (KB)')).toBe('ui_initial_js_gzip_kb');
    expect(jsonKey('ui: service worker gzip (KB)')).toBe('ui_service_worker_gzip_kb');
    expect(jsonKey('wbxml_decode_mb_per_s')).toBe('wbxml_decode_mb_per_s');
  });

  it('prints one aligned line per row with its goal', () => {
    const lines = formatTable([
      { name: 'a', value: 1234.5, goal: '≤ 2000' },
      { name: 'longer name', value: 0.5 },
    ]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('a                  1235  ≤ 2000');
    expect(lines[3]).toBe('longer name        0.50  ');
  });
});
