/**
 * `eas probe`: a conformance suite for EAS server developers. It runs the
 * cases below in order against one account and reports each as pass, fail,
 * not supported or skipped (report.ts). Verdicts follow the specification
 * (MS-ASCMD and the other MS-AS* documents), not any one server.
 *
 * Environment-free: give it a Transport (fetch, a mock's handler, a replay).
 */
import { cleanupCase } from './cases/cleanup.ts';
import { estimateCase, incrementalSyncCase, initialSyncCase, mailRoundTripCase, roundTripCase } from './cases/folders.ts';
import { resolveRecipientsCase, searchGalCase, searchMailboxCase } from './cases/lookup.ts';
import { itemOperationsCase, meetingResponseCase, moveItemsCase, pingCase, sendMailCase, smartReplyCase } from './cases/mail.ts';
import { autodiscoverCase, deviceInformationCase, folderSyncCase, optionsCase, provisionCase, userInformationCase } from './cases/setup.ts';
import { summarize, type CaseReport, type ProbeReport } from './report.ts';
import { runCases, type ProbeCase } from './runner.ts';
import { PROBE_CLASSES, ProbeSession, type ProbeOptions } from './session.ts';

/** Every case, in the order it runs; a case only needs cases before it. */
export function probeCases(): ProbeCase[] {
  return [
    optionsCase,
    provisionCase,
    userInformationCase,
    deviceInformationCase,
    autodiscoverCase,
    folderSyncCase,
    ...PROBE_CLASSES.flatMap((cls) => [initialSyncCase(cls), estimateCase(cls), incrementalSyncCase(cls)]),
    sendMailCase,
    mailRoundTripCase,
    roundTripCase('Calendar'),
    roundTripCase('Contacts'),
    roundTripCase('Tasks'),
    itemOperationsCase,
    smartReplyCase,
    moveItemsCase,
    searchMailboxCase,
    pingCase,
    meetingResponseCase,
    searchGalCase,
    resolveRecipientsCase,
    cleanupCase,
  ];
}

export interface RunProbeOptions extends ProbeOptions {
  /** Called as each case ends (progress output). */
  readonly onCase?: (report: CaseReport) => void;
}

export async function runProbe(options: RunProbeOptions): Promise<ProbeReport> {
  const session = new ProbeSession(options);
  const cases = await runCases(session, probeCases(), options.onCase);
  return {
    server: session.endpoint,
    version: session.negotiated ? session.version : null,
    serverBuild: session.serverBuild,
    cases,
    summary: summarize(cases),
  };
}
