/** Shared by the probe tests: the in-process mock, short time bounds, the expected case list. */
import { createMockServer, type MockServer } from '../../mocks/server.ts';
import type { Transport } from '../../src/eas/endpoint.ts';
import { runProbe, type RunProbeOptions } from '../../src/probe/probe.ts';
import type { ProbeReport } from '../../src/probe/report.ts';
import type { ProbeTiming } from '../../src/probe/session.ts';

export const FAST: Partial<ProbeTiming> = { pollMs: 20, pingDelayMs: 100, deliveryMs: 5_000, caseMs: 20_000 };

/** Every case of a run, in order (the CLI table and --json list them so). */
export const CASE_NAMES = [
  'OPTIONS',
  'Provision',
  'Settings UserInformation',
  'Settings DeviceInformation',
  'Autodiscover',
  'FolderSync',
  'Email: Sync initial',
  'Email: GetItemEstimate',
  'Email: Sync incremental',
  'Calendar: Sync initial',
  'Calendar: GetItemEstimate',
  'Calendar: Sync incremental',
  'Contacts: Sync initial',
  'Contacts: GetItemEstimate',
  'Contacts: Sync incremental',
  'Tasks: Sync initial',
  'Tasks: GetItemEstimate',
  'Tasks: Sync incremental',
  'SendMail',
  'Email: add/change/delete',
  'Calendar: add/change/delete',
  'Contacts: add/change/delete',
  'Tasks: add/change/delete',
  'ItemOperations',
  'SmartReply',
  'MoveItems',
  'Search Mailbox',
  'Ping',
  'MeetingResponse',
  'Search GAL',
  'ResolveRecipients',
  'Cleanup',
];

export const MOCK_URL = 'http://mock.example.test';

export function newMock(): MockServer {
  return createMockServer({ seed: 1 });
}

export function probeMock(transport: Transport, extra: Partial<RunProbeOptions> = {}): Promise<ProbeReport> {
  return runProbe({ url: MOCK_URL, user: 'alice', password: 'alicepass', transport, runId: 'feedc0de', timing: FAST, ...extra });
}

/** name -> result, for compact assertions. */
export function results(report: ProbeReport): Record<string, string> {
  return Object.fromEntries(report.cases.map((c) => [c.name, c.result]));
}

/** A transport that answers some requests itself and passes the rest to `next`. */
export function intercept(next: Transport, answer: (request: Request, cmd: string) => Response | undefined): Transport {
  return async (request) => {
    const url = new URL(request.url);
    const cmd = request.method === 'OPTIONS' ? 'OPTIONS' : (url.searchParams.get('Cmd') ?? '');
    return answer(request, cmd) ?? next(request);
  };
}
