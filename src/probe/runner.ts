/**
 * Runs the cases in order: each is skipped when a case it needs did not pass,
 * "not supported" when the server does not advertise its commands, and bounded
 * in time (its requests are aborted when the bound is reached).
 */
import type { EasCommandName } from '../eas/command.ts';
import { ProbeFail, verdictOf } from './outcome.ts';
import type { CaseReport, CaseResult } from './report.ts';
import type { ProbeSession, ProbeTiming } from './session.ts';

export interface ProbeCase {
  readonly name: string;
  /** Cases that must have passed; otherwise this one is skipped. */
  readonly needs?: readonly string[];
  /** Commands the server must list in OPTIONS (MS-ASHTTP 2.2.4.1.2); otherwise "not supported". */
  readonly commands?: readonly EasCommandName[];
  /** Time bound in ms; default timing.caseMs. */
  readonly timeout?: (t: ProbeTiming) => number;
  /** Returns the detail of a pass; throws to fail (see outcome.ts). */
  run(s: ProbeSession, signal: AbortSignal): Promise<string>;
}

export async function runCases(s: ProbeSession, cases: readonly ProbeCase[], onCase?: (report: CaseReport) => void): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  for (const c of cases) {
    const started = s.now();
    const { result, detail } = precondition(c, s, reports) ?? (await runBounded(c, s));
    const report = { name: c.name, result, detail, ms: Math.max(0, Math.round(s.now() - started)) };
    reports.push(report);
    onCase?.(report);
  }
  return reports;
}

function precondition(c: ProbeCase, s: ProbeSession, done: readonly CaseReport[]): { result: CaseResult; detail: string } | undefined {
  for (const need of c.needs ?? []) {
    const before = done.find((r) => r.name === need);
    if (before?.result !== 'pass') return { result: 'skipped', detail: `needs ${need} (${before?.result ?? 'not run'})` };
  }
  const missing = (c.commands ?? []).filter((cmd) => !s.advertises(cmd));
  if (missing.length > 0) return { result: 'not supported', detail: `OPTIONS does not list ${missing.join(', ')}` };
  return undefined;
}

async function runBounded(c: ProbeCase, s: ProbeSession): Promise<{ result: CaseResult; detail: string }> {
  const ms = c.timeout?.(s.timing) ?? s.timing.caseMs;
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ProbeFail(`no result within ${ms / 1000} s`);
      abort.abort(error);
      reject(error);
    }, ms);
  });
  try {
    const detail = await Promise.race([c.run(s, abort.signal), bound]);
    return { result: 'pass', detail };
  } catch (e) {
    return verdictOf(e, (status) => s.errorText(status));
  } finally {
    clearTimeout(timer);
  }
}
