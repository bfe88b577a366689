/**
 * Whole bodies on demand (ItemOperations Fetch, MS-ASCMD 2.2.1.10): the HTML or
 * plain text of a mail when it is opened, or its MIME (Type 4 with MIMESupport 2,
 * MS-ASAIRS 2.2.2.22) for export. Several items per request.
 */
import { buildItemOperations, parseItemOperations } from '../eas/commands/itemoperations.ts';
import type { BodyRecord } from '../store/schema.ts';
import type { AccountRun } from './context.ts';
import { putOp } from './local.ts';

/** Items per ItemOperations request. */
export const FETCH_BATCH = 25;

export type BodyType = 1 | 2 | 4;

/**
 * The bodies of items of one folder, by ServerId (absent when the server had none).
 * With `cache`, they are kept in the `bodies` store too.
 */
export async function fetchBodies(run: AccountRun, folderId: string, serverIds: readonly string[], type: BodyType, cache: boolean): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < serverIds.length; i += FETCH_BATCH) {
    const batch = serverIds.slice(i, i + FETCH_BATCH);
    const res = await run.session.run(
      (ctx) => buildItemOperations({
        operations: batch.map((serverId) => ({
          kind: 'Fetch' as const,
          target: { serverId, collectionId: folderId },
          options: { bodyPreferences: [{ type }], ...(type === 4 && { mimeSupport: 2 as const }) },
        })),
      }, ctx),
      parseItemOperations,
      (r) => r.status,
    );
    for (const r of res.results) {
      if (r.kind !== 'Fetch' || r.status !== 1 || r.serverId === undefined) continue;
      const data = r.properties?.body?.data;
      if (data !== undefined) out.set(r.serverId, data);
    }
  }
  if (cache && out.size > 0) {
    const now = run.clock.now();
    const accountId = run.session.account.id;
    const records = [...out].map(([serverId, data]): BodyRecord => ({ accountId, folderId, serverId, type, data, fetchedAt: now }));
    await run.locked(() => run.store.commit(records.map((r) => putOp('bodies', r))));
  }
  return out;
}
