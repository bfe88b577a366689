/**
 * Free/busy of people being invited, with ResolveRecipients and Availability
 * (MS-ASCMD 2.2.1.15, 2.2.3.16; 14.0+). Nothing is written to the store.
 */
import {
  buildResolveRecipients,
  parseResolveRecipients,
  resolveRecipientsStatusText,
  type ResolveRecipientsRequest,
  type ResolveRecipientsResponse,
} from '../eas/commands/resolverecipients.ts';
import { atLeast } from '../eas/version.ts';
import type { AccountRun } from './context.ts';
import { SyncError } from './errors.ts';

/** One address and what the server said of its time; `mergedFreeBusy` absent when it gave nothing. */
export interface FreeBusy {
  readonly email: string;
  /** One digit per 30 minutes from the start (MS-ASCMD 2.2.3.107): 0 free, 1 tentative, 2 busy, 3 out of office, 4 no data. */
  readonly mergedFreeBusy?: string;
}

/** One ResolveRecipients request; a status other than 1 is an error (6: the server is busy). */
export async function resolveRecipients(run: AccountRun, req: ResolveRecipientsRequest): Promise<ResolveRecipientsResponse> {
  const res = await run.session.run(
    (ctx) => buildResolveRecipients(req, ctx),
    parseResolveRecipients,
    (r) => r.status,
  );
  if (res.status !== 1)
    throw new SyncError(
      res.status === 6 ? 'busy' : 'server',
      `ResolveRecipients status ${res.status}: ${resolveRecipientsStatusText(res.status)}`,
    );
  return res;
}

/** At most 100 To elements per request (MS-ASCMD 2.2.3.183). */
const MAX_WITH_AVAILABILITY = 100;

export async function freeBusy(run: AccountRun, emails: readonly string[], start: Date, end: Date): Promise<FreeBusy[]> {
  const to = [...new Set(emails.map((e) => e.trim()).filter((e) => e.includes('@')))].slice(0, MAX_WITH_AVAILABILITY);
  if (to.length === 0 || !atLeast(run.session.ctx.version, '14.0')) return to.map((email) => ({ email }));
  const res = await resolveRecipients(run, { to, availability: { startTime: start, endTime: end } });
  return to.map((email) => {
    const response = res.responses.find((r) => r.to.toLowerCase() === email.toLowerCase());
    // Only a recipient resolved to one person carries free/busy (MS-ASCMD 2.2.3.183: none for an ambiguous To).
    const one = response?.status === 1 ? response.recipients[0] : undefined;
    return { email, mergedFreeBusy: one?.availability?.status === 1 ? one.availability.mergedFreeBusy : undefined };
  });
}
