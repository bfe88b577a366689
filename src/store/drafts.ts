/**
 * Drafts kept on this device (the `meta` store, key `draft:<account>:<id>`): what compose
 * was holding when it was closed, or saved while the user types, so that it survives a
 * reload, a closed tab and going offline. At 16.x the draft is also an item of the
 * server's Drafts folder with the same id (src/sync/drafts.ts); below 16.0 it is on this
 * device only, and the screens say so.
 */
import type { Attachment } from '../eas/items/airsyncbase.ts';
import { atLeast } from '../eas/version.ts';
import type { WriteOp } from './db.ts';
import type { OutgoingAttachment } from './payloads.ts';
import type { AccountRecord, FolderRecord, MetaRecord, PendingOf, PendingRecord } from './schema.ts';

/** MS-ASCMD 2.2.3.186.3: folder type 3, Drafts. */
const DRAFTS = 3;

/**
 * The account's Drafts folder when its drafts sync with the server: from 16.0 a client
 * adds and changes mail there (MS-ASCMD 2.2.3.7.2), and the folder is synced.
 */
export function serverDrafts(account: AccountRecord, folders: readonly FolderRecord[]): FolderRecord | undefined {
  if (!account.version || !atLeast(account.version, '16.0')) return undefined;
  return folders.find((f) => f.type === DRAFTS && f.class === 'Email' && f.enabled);
}

export interface LocalDraft {
  readonly id: string;
  readonly accountId: string;
  /** What compose was doing, and the mail it answers or forwards (by its stable id, ItemRecord.id). */
  readonly mode: 'new' | 'reply' | 'replyAll' | 'forward';
  readonly source?: { readonly accountId: string; readonly itemId: string };
  readonly to: string;
  readonly cc: string;
  readonly bcc: string;
  readonly subject: string;
  readonly text: string;
  /** As the outbox takes them; `id` names one the server's draft holds (src/sync/drafts.ts). */
  readonly attachments: readonly OutgoingAttachment[];
  /** Last saved, by the device's clock. */
  readonly savedAt: number;
}

const PREFIX = 'draft:';
export const draftKey = (accountId: string, id: string) => `${PREFIX}${accountId}:${id}`;
/** The key range of one account's drafts, or everyone's. */
export const draftRange = (accountId?: string): [string, string] => [
  `${PREFIX}${accountId ? accountId + ':' : ''}`,
  `${PREFIX}${accountId ? accountId + ':' : ''}\uffff`,
];

export const isDraftRecord = (m: MetaRecord): boolean => m.key.startsWith(PREFIX);

export const saveDraftOps = (draft: LocalDraft): WriteOp[] => [
  { store: 'meta', op: 'put', value: { key: draftKey(draft.accountId, draft.id), value: draft } },
];
export const deleteDraftOps = (accountId: string, id: string): WriteOp[] => [{ store: 'meta', op: 'delete', key: draftKey(accountId, id) }];
/** An account removed: its drafts go with it. */
export function wipeDraftOps(accountId: string): WriteOp[] {
  const [lower, upper] = draftRange(accountId);
  return [{ store: 'meta', op: 'deleteRange', lower, upper }];
}

/** A queued Change that sends a 16.x draft (email2:Send): the draft leaves the Drafts folder with it, and waits in the outbox's view. */
export function sendsDraft(p: PendingRecord): p is PendingOf<'change'> {
  // A record of an older version may lack its payload.
  return p.kind === 'change' && p.payload?.class === 'Draft' && p.payload.send === true;
}

/**
 * The files of a draft in the server's Drafts folder (16.x), as compose holds them: the
 * bytes this device kept, else fetched (ItemOperations); offline, a file stays listed by its
 * FileReference, without its bytes (`notFetched`), so that keeping the draft does not delete
 * it on the server and sending it fetches the bytes first (outbox.ts).
 */
export async function draftFiles(
  files: readonly Attachment[],
  saved: LocalDraft | undefined,
  fetch: (fileReference: string) => Promise<{ readonly contentType: string; readonly bytes: Uint8Array }>,
): Promise<OutgoingAttachment[]> {
  return Promise.all(
    files.map(async (a) => {
      const mine = saved?.attachments.find((m) => m.id !== undefined && (m.id === a.fileReference || m.id === a.clientId));
      if (mine && !mine.notFetched) return mine;
      const got = a.fileReference ? await fetch(a.fileReference).catch(() => undefined) : undefined;
      const id = a.fileReference || a.clientId;
      const name = a.displayName ?? 'attachment';
      if (got) return { id, name, contentType: got.contentType, bytes: got.bytes };
      return { id, name, contentType: 'application/octet-stream', bytes: new Uint8Array(0), notFetched: true as const };
    }),
  );
}
