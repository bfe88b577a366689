/**
 * Removes every scratch item the run left: mails, their copies in Sent and
 * Deleted Items, the accepted meeting, and items of a round trip that stopped
 * half way. Items are recognised by the run's prefix in their subject (or UID).
 */
import { syncStatusText, type FilterType } from '../../eas/commands/sync.ts';
import { fail } from '../outcome.ts';
import type { ProbeCase } from '../runner.ts';
import type { Collection, ProbeClass, ProbeSession } from '../session.ts';

/** Email folders are read back one day only (FilterType 1): the probe's mails are all new. */
const SWEEP: ReadonlyArray<readonly [ProbeClass, number, FilterType]> = [
  ['Email', 2, 1],
  ['Email', 5, 1],
  ['Calendar', 8, 0],
  ['Contacts', 9, 0],
  ['Tasks', 7, 0],
  ['Email', 4, 1],
];

export const cleanupCase: ProbeCase = {
  name: 'Cleanup',
  needs: ['FolderSync'],
  commands: ['Sync'],
  timeout: (t) => t.syncMs,
  async run(s, signal) {
    const removed: string[] = [];
    const problems: string[] = [];
    for (const [cls, type, filterType] of SWEEP) {
      const folder = s.folderOfType(type);
      if (!folder) continue;
      try {
        const c = s.collections.get(folder.serverId) ?? s.collection(cls, folder, filterType);
        const n = await sweep(s, c, signal);
        if (n > 0) removed.push(`${folder.displayName} ${n}`);
      } catch (e) {
        problems.push(`${folder.displayName}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (problems.length > 0) fail(`could not clean ${problems.join('; ')}`);
    return removed.length ? `removed ${removed.join(', ')}` : 'nothing to remove';
  },
};

/** Deletes (not to Deleted Items: DeletesAsMoves 0, MS-ASCMD 2.2.3.43) the run's items of one folder. */
async function sweep(s: ProbeSession, c: Collection, signal: AbortSignal): Promise<number> {
  if (c.syncKey === '0') await s.syncOnce(c, signal);
  await s.syncUntilQuiet(c, signal);
  const mine = [...c.items.values()].filter((i) => i.subject?.includes(s.prefix) || i.uid?.includes(s.prefix)).map((i) => i.serverId);
  if (mine.length === 0) return 0;
  const commands = mine.map((serverId) => ({ kind: 'Delete' as const, serverId }));
  const r = await s.syncOnce(c, signal, { commands, deletesAsMoves: false });
  // Status 8: already gone (e.g. the server moved the meeting request away itself).
  const failed = (r.result?.responses ?? []).filter((x) => x.kind === 'Delete' && x.status !== 1 && x.status !== 8);
  if (failed[0]) fail(`Delete of ${failed[0].serverId ?? '?'}: Status ${failed[0].status} (${syncStatusText(failed[0].status)})`);
  for (const id of mine) c.items.delete(id);
  return mine.length;
}
