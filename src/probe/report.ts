/**
 * What a probe run produces: one result per named case, a summary, and the two
 * renderings of it (the text table of the CLI and the JSON of --json).
 */
import type { EasVersion } from '../eas/version.ts';

/**
 * - pass: the server did what MS-ASCMD (and the other MS-AS* documents) require;
 * - fail: it did not: the detail gives the server's status or the mismatch;
 * - not supported: the server does not advertise the command or version, or it
 *   answered a documented "not supported" status (137, 138, HTTP 501);
 * - skipped: a case this one needs did not pass.
 */
export type CaseResult = 'pass' | 'fail' | 'not supported' | 'skipped';

export interface CaseReport {
  readonly name: string;
  readonly result: CaseResult;
  readonly detail: string;
  readonly ms: number;
}

export interface ProbeSummary {
  readonly pass: number;
  readonly fail: number;
  readonly notSupported: number;
  readonly skipped: number;
  readonly total: number;
}

export interface ProbeReport {
  /** The EAS endpoint probed. */
  readonly server: string;
  /** The protocol version used; null when OPTIONS offered none this client speaks. */
  readonly version: EasVersion | null;
  /** MS-Server-ActiveSync of the OPTIONS answer (the server's build), when sent. */
  readonly serverBuild?: string;
  readonly cases: readonly CaseReport[];
  readonly summary: ProbeSummary;
}

export function summarize(cases: readonly CaseReport[]): ProbeSummary {
  const count = (r: CaseResult): number => cases.filter((c) => c.result === r).length;
  return {
    pass: count('pass'),
    fail: count('fail'),
    notSupported: count('not supported'),
    skipped: count('skipped'),
    total: cases.length,
  };
}

/** The report as a plain-text table: case, result, detail, ms; then the summary line. */
export function formatTable(report: ProbeReport): string {
  const header = ['case', 'result', 'detail', 'ms'];
  const rows = report.cases.map((c) => [c.name, c.result, oneLine(c.detail), String(c.ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const s = report.summary;
  return [
    `server ${report.server}, EAS ${report.version ?? 'none'}${report.serverBuild ? `, build ${report.serverBuild}` : ''}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `${s.pass} pass, ${s.fail} fail, ${s.notSupported} not supported, ${s.skipped} skipped (${s.total} cases)`,
  ].join('\n');
}

/** Details can quote server text: keep the table to one line per case. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
