/**
 * The last lines of `npm test`: which tests failed, in each run (node, e2e, interop).
 * CI shows only the tail of a long log, and the unit runs' failures scroll away behind the
 * interop run's output; this repeats them at the end from the runs' JSON reports.
 * Usage: tsx scripts/test-summary.ts test-results/node.json test-results/e2e.json test-results/interop.json
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface Assertion {
  fullName: string;
  status: string;
  failureMessages?: string[];
}
interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults: Assertion[];
}
interface Report {
  success: boolean;
  numTotalTests: number;
  numFailedTests: number;
  testResults: FileResult[];
}

function firstLine(text: string | undefined): string {
  const line = (text ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function failures(report: Report): string[] {
  const lines: string[] = [];
  for (const file of report.testResults) {
    const name = relative(process.cwd(), file.name);
    const failed = file.assertionResults.filter((a) => a.status === 'failed');
    for (const a of failed) lines.push(`  ✗ ${name} > ${a.fullName}\n      ${firstLine(a.failureMessages?.[0])}`);
    if (file.status === 'failed' && failed.length === 0) lines.push(`  ✗ ${name}: ${firstLine(file.message) || 'failed outside a test'}`);
  }
  return lines;
}

function summarise(path: string): void {
  if (!existsSync(path)) {
    console.log(`[summary] ${path}: no report (the run did not finish)`);
    return;
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  const lines = failures(report);
  const verdict = report.success ? 'passed' : 'FAILED';
  console.log(`[summary] ${path}: ${verdict}, ${report.numFailedTests} of ${report.numTotalTests} tests failed`);
  for (const line of lines) console.log(line);
  if (!report.success && lines.length === 0) console.log('  (no failing test: an unhandled error or a hook failed; see the log above)');
}

for (const path of process.argv.slice(2)) summarise(path);
