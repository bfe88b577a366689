/** WBXML codec throughput on a ~10 MB Sync response, against Debian's wbxml2xml. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEas, easToXml, encodeEas } from '../src/eas/wbxml.ts';
import type { Row } from './table.ts';
import { syncResponse } from './synthetic.ts';

function seconds(run: () => void, times: number): number {
  run(); // warm-up
  const best: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    run();
    best.push((performance.now() - t) / 1000);
  }
  best.sort((a, b) => a - b);
  return best[Math.floor(best.length / 2)]!;
}

function libwbxmlSeconds(bytes: Uint8Array, times: number): number | undefined {
  if (spawnSync('sh', ['-c', 'command -v wbxml2xml'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-wbxml-'));
  try {
    const file = join(dir, 'sync.wbxml');
    writeFileSync(file, bytes);
    const out = join(dir, 'out.xml');
    return seconds(() => execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', out, file], { stdio: 'ignore' }), times);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function benchWbxml(): Row[] {
  // 1,000 mails whose HTML bodies (~8 KB of text plus markup) make a ~10 MB document.
  const tree = syncResponse(1000, 9_800);
  const bytes = encodeEas(tree);
  const mb = bytes.length / 1e6;
  const decode = seconds(() => decodeEas(bytes), 7);
  const encode = seconds(() => encodeEas(tree), 7);
  const toXml = seconds(() => easToXml(decodeEas(bytes)), 5);
  const lib = libwbxmlSeconds(bytes, 5);
  const rows: Row[] = [
    { name: 'wbxml_doc_mb', value: mb, goal: '~10' },
    { name: 'wbxml_decode_mb_per_s', value: mb / decode, goal: '>= 100' },
    { name: 'wbxml_encode_mb_per_s', value: mb / encode },
    { name: 'wbxml_decode_to_xml_ms', value: toXml * 1000 },
  ];
  if (lib !== undefined) {
    rows.push({ name: 'libwbxml_wbxml2xml_ms', value: lib * 1000 });
    rows.push({ name: 'wbxml_decode_vs_libwbxml_ratio', value: lib / decode, goal: '>= 1.0' });
    rows.push({ name: 'wbxml_decode_to_xml_vs_libwbxml_ratio', value: lib / toXml, goal: '>= 1.0' });
  }
  return rows;
}
