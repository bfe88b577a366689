/** A benchmark figure: name with its unit, value, and the goal it is held to. */
export interface Row {
  name: string;
  value: number;
  goal?: string;
}

/**
 * The row's key in `--json` output (../shared/CONTRACTS.md: units in the names, e.g.
 * `sync_10k_mail_items_per_s`): the name in snake case, "a / b" read as "a_vs_b" and "x/s" as "x_per_s".
 */
export function jsonKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/\s+\/\s+/g, ' vs ')
    .replace(/\//g, ' per ')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function formatTable(rows: Row[]): string {
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));
  const w = Math.max(...rows.map((r) => r.name.length), 4);
  const lines = [`${'name'.padEnd(w)}  ${'value'.padStart(10)}  goal`, `${'-'.repeat(w)}  ${'-'.repeat(10)}  ----`];
  for (const r of rows) lines.push(`${r.name.padEnd(w)}  ${fmt(r.value).padStart(10)}  ${r.goal ?? ''}`);
  return lines.join('\n');
}
