/**
 * Was a mail sent already? Asked before a mail goes again after a SendMail, SmartReply
 * or SmartForward that may have reached the server without its answer coming back
 * (a lost connection, a kill mid-request) at protocol 12.1, where nothing makes a
 * repeat harmless: ClientId and Status 118 (MessagePreviouslySent) are 14.0+
 * (MS-ASCMD 2.2.3.28.1).
 *
 * EAS mail items carry no Message-ID field (MS-ASEMAIL), so: the Sent Items folder is
 * synced (the server saves the copy there, SaveInSent, MS-ASCMD 2.2.3.152), and the
 * MIME header of the copies with the mail's subject is fetched (ItemOperations,
 * BodyPreference Type 4 cut to the header, MS-ASAIRS 2.2.2.40.1) to look for the
 * outbox's own Message-ID (RFC 5322 3.6.4), fixed when the mail was queued.
 */
import { FolderType } from '../eas/commands/foldersync.ts';
import { fetchBodies } from './bodies.ts';
import { syncCollections } from './collections.ts';
import type { AccountRun } from './context.ts';
import { getFolders, getItems } from './local.ts';
import { messageIds, readHeaders } from './mime-build.ts';

/** Copies whose header is read, newest first: same subject, so rarely more than one. */
const MAX_CANDIDATES = 10;
/** Enough for the header block of a mail (MS-ASAIRS 2.2.2.40.1 TruncationSize). */
const HEADER_BYTES = 8192;

/**
 * 'found': a copy in Sent Items has the mail's Message-ID; 'absent': none has;
 * 'unknown': no synced Sent Items folder (the caller sends again: a possible second
 * copy rather than a lost mail); 'later': its sync failed this time (a cut answer,
 * Status 12), so the caller keeps the mail and asks again at the next sync.
 */
export type SentCheck = 'found' | 'absent' | 'unknown' | 'later';

export async function findSent(run: AccountRun, mail: { readonly messageId: string; readonly subject: string }): Promise<SentCheck> {
  const accountId = run.session.account.id;
  const sent = (await getFolders(run.store, accountId)).find((f) => f.type === FolderType.SentItems && f.enabled);
  if (!sent) return 'unknown';
  const report = await syncCollections(run, [sent.serverId]);
  if (report.needFolderSync || report.errors.some((e) => e.folderId === sent.serverId)) return 'later';
  const candidates = (await getItems(run.store, accountId, sent.serverId))
    .filter((i) => i.class === 'Email' && (i.data.subject ?? '') === mail.subject)
    .sort((a, b) => b.sortKey.localeCompare(a.sortKey))
    .slice(0, MAX_CANDIDATES);
  if (candidates.length === 0) return 'absent';
  const heads = await fetchBodies(
    run,
    sent.serverId,
    candidates.map((c) => c.serverId),
    4,
    false,
    HEADER_BYTES,
  );
  const found = [...heads.values()].some((mime) => messageIds(readHeaders(mime).get('message-id')?.[0]).includes(mail.messageId));
  return found ? 'found' : 'absent';
}
