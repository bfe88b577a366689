/**
 * Whole bodies on demand (ItemOperations Fetch, MS-ASCMD 2.2.1.10): the HTML or
 * plain text of a mail when it is opened, or its MIME (Type 4 with MIMESupport 2,
 * MS-ASAIRS 2.2.2.22) for export. Several items per request.
 */
import { buildItemOperations, parseItemOperations } from '../eas/commands/itemoperations.ts';
import type { Email } from '../eas/items/email.ts';
import type { BodyRecord } from '../store/schema.ts';
import type { AccountRun } from './context.ts';
import { SyncError } from './errors.ts';
import { getItem, putOp } from './local.ts';

/** Items per ItemOperations request. */
export const FETCH_BATCH = 25;

export type BodyType = 1 | 2 | 4;

/**
 * The bodies of items of one folder, by ServerId (absent when the server had none).
 * With `cache`, they are kept in the `bodies` store too. `truncationSize` cuts them
 * (MS-ASAIRS 2.2.2.40.1), e.g. to read only the header block of a MIME message.
 */
export async function fetchBodies(
  run: AccountRun,
  folderId: string,
  serverIds: readonly string[],
  type: BodyType,
  cache: boolean,
  truncationSize?: number,
): Promise<Map<string, string>> {
  const records = await fetchBodyRecords(run, folderId, serverIds, type, cache, truncationSize);
  return new Map([...records].map(([id, r]) => [id, r.data]));
}

/** Like fetchBodies, keeping the type the server answered with (it may not have the one asked for). */
export async function fetchBodyRecords(
  run: AccountRun,
  folderId: string,
  serverIds: readonly string[],
  type: BodyType,
  cache: boolean,
  truncationSize?: number,
): Promise<Map<string, BodyRecord>> {
  const out = new Map<string, BodyRecord>();
  const accountId = run.session.account.id;
  for (let i = 0; i < serverIds.length; i += FETCH_BATCH) {
    const batch = serverIds.slice(i, i + FETCH_BATCH);
    const res = await run.session.run(
      (ctx) =>
        buildItemOperations(
          {
            operations: batch.map((serverId) => ({
              kind: 'Fetch' as const,
              target: { serverId, collectionId: folderId },
              options: { bodyPreferences: [{ type, truncationSize }], ...(type === 4 && { mimeSupport: 2 as const }) },
            })),
          },
          ctx,
        ),
      parseItemOperations,
      (r) => r.status,
    );
    for (const r of res.results) {
      const body = r.kind === 'Fetch' && r.status === 1 ? r.properties?.body : undefined;
      if (r.kind !== 'Fetch' || r.serverId === undefined || body?.data === undefined) continue;
      out.set(r.serverId, { accountId, folderId, serverId: r.serverId, type: body.type, data: body.data, fetchedAt: run.clock.now() });
    }
  }
  if (cache && out.size > 0) await run.locked(() => run.store.commit([...out.values()].map((r) => putOp('bodies', r))));
  return out;
}

/**
 * What a reader asks for when a mail is opened: 'auto' takes MIME when only MIME is
 * faithful (inline cid: images travel in it, S/MIME needs it whole, MS-ASAIRS
 * 2.2.2.22) and HTML otherwise, whose attachments are fetched one by one on demand.
 */
export type BodyWish = 'auto' | 'mime' | 'html' | 'text';

const ORDER: Readonly<Record<Exclude<BodyWish, 'auto'>, readonly BodyType[]>> = {
  mime: [4, 2, 1],
  html: [2, 1],
  text: [1],
};

/** The whole body of a mail: from the `bodies` store, else fetched (and kept there). */
export async function openBody(run: AccountRun, folderId: string, serverId: string, wish: BodyWish): Promise<BodyRecord> {
  const accountId = run.session.account.id;
  const item = await getItem(run.store, accountId, folderId, serverId);
  const mail = item?.class === 'Email' ? item.data : undefined;
  const want = wish === 'auto' ? autoWish(mail) : wish;
  const cached = await run.store.db.get('bodies', [accountId, folderId, serverId]);
  // 'auto' takes whatever is stored; an explicit wish wants its first type.
  if (cached && (wish === 'auto' || cached.type === ORDER[want][0])) return cached;
  for (const type of ORDER[want]) {
    const got = (await fetchBodyRecords(run, folderId, [serverId], type, true)).get(serverId);
    if (got) return got;
  }
  throw new SyncError('server', 'the server sent no body for this item');
}

function autoWish(mail: Email | undefined): 'mime' | 'html' {
  const inline = mail?.attachments?.some((a) => a.isInline || a.contentId !== undefined) ?? false;
  const smime = /^IPM\.Note\.SMIME/i.test(mail?.messageClass ?? '');
  return inline || smime ? 'mime' : 'html';
}
