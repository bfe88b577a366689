/**
 * `npm run bench [-- --json FILE] [-- --only NAME]`: prints one table of every benchmark;
 * with --json also writes the figures as one object of key → number (see jsonKey).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatTable, jsonKey, type Row } from './table.ts';
import { benchRelay } from './relay.ts';
import { benchSync } from './sync.ts';
import { benchUi } from './ui.ts';
import { benchWbxml } from './wbxml.ts';

const BENCHES: Record<string, () => Row[] | Promise<Row[]>> = {
  wbxml: benchWbxml,
  sync: benchSync,
  ui: benchUi,
  relay: benchRelay,
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string' } } });
  const rows: Row[] = [];
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (values.only && values.only !== name) continue;
    rows.push(...(await bench()));
  }
  process.stdout.write(`${formatTable(rows)}\n`);
  if (values.json)
    writeFileSync(values.json, `${JSON.stringify(Object.fromEntries(rows.map((r) => [jsonKey(r.name), r.value])), null, 2)}\n`);
}

void main();
