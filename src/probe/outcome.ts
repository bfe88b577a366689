/**
 * How a case body says how it went: it returns a detail string (pass) or throws
 * one of these. Anything else thrown is turned into a fail by the runner
 * (verdictOf), with the HTTP status or the parse error as the detail.
 */
import { EasProtocolError } from '../eas/command.ts';
import { EasHttpError } from '../eas/response.ts';
import { describeStatus } from '../eas/status.ts';
import type { CaseResult } from './report.ts';

/** The server did not do what the spec requires. */
export class ProbeFail extends Error {
  override readonly name = 'ProbeFail';
}

/** The server does not offer this (and says so in a documented way). */
export class ProbeNotSupported extends Error {
  override readonly name = 'ProbeNotSupported';
}

/** The case cannot run for want of something an earlier case should have given. */
export class ProbeSkipped extends Error {
  override readonly name = 'ProbeSkipped';
}

export function fail(detail: string): never {
  throw new ProbeFail(detail);
}

/** Common status codes that mean "not supported" (MS-ASCMD 2.2.2): 137 CommandNotSupported, 138 VersionNotSupported. */
export const NOT_SUPPORTED_STATUSES: ReadonlySet<number> = new Set([137, 138]);

/**
 * Checks a Status element: `expected` passes, 137/138 are "not supported",
 * anything else fails with the code and its text (`text` is the command's table).
 */
export function expectStatus(what: string, status: number, text: (code: number) => string, expected = 1): void {
  if (status === expected) return;
  if (NOT_SUPPORTED_STATUSES.has(status)) throw new ProbeNotSupported(`${what}: Status ${status} (${describeStatus(status)})`);
  fail(`${what}: Status ${status} (${text(status)})`);
}

/**
 * The result and detail for an error a case body threw. `errorText` gives the
 * text of the latest error answer with that HTTP status, if it had one.
 */
export function verdictOf(e: unknown, errorText?: (status: number) => string | undefined): { result: CaseResult; detail: string } {
  if (e instanceof ProbeFail) return { result: 'fail', detail: e.message };
  if (e instanceof ProbeNotSupported) return { result: 'not supported', detail: e.message };
  if (e instanceof ProbeSkipped) return { result: 'skipped', detail: e.message };
  if (e instanceof EasHttpError) {
    // HTTP 501 Not Implemented: the server does not implement the command (RFC 9110 15.6.2).
    if (e.status === 501) return { result: 'not supported', detail: 'HTTP 501 Not Implemented' };
    if (e.status === 0 || e.kind === 'not-wbxml') return { result: 'fail', detail: e.status === 0 ? e.message : `HTTP 200 ${e.message}` };
    const text = errorText?.(e.status);
    return { result: 'fail', detail: `HTTP ${e.status}${text ? `: ${text}` : ''}` };
  }
  if (e instanceof EasProtocolError) return { result: 'fail', detail: `malformed response: ${e.message}` };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { result: 'fail', detail: message };
}
