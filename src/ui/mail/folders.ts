/**
 * Folder helpers for the screens. Types are MS-ASCMD 2.2.3.186.3 FolderHierarchy Type:
 * 1 generic user folder, 2 Inbox, 3 Drafts, 4 Deleted Items, 5 Sent Items, 6 Outbox,
 * 7/15 tasks, 8/13 calendar, 9/14 contacts, 12 user mail folder.
 */
import type { FolderRecord, SyncClass } from '../../store/schema.ts';
import type { I18n, MessageKey } from '../i18n/index.ts';

export const FOLDER_TYPE = { inbox: 2, drafts: 3, deleted: 4, sent: 5, outbox: 6 } as const;

const TYPES_OF: Record<SyncClass, readonly number[]> = {
  Email: [1, 2, 3, 4, 5, 6, 12],
  Calendar: [8, 13],
  Contacts: [9, 14],
  Tasks: [7, 15],
};

/** Default folders first, in the order phones show them (mail's, then each class's own). */
const MAIL_ORDER: Readonly<Record<number, number>> = { 2: 0, 3: 1, 5: 2, 6: 3, 4: 4, 7: 0, 8: 0, 9: 0 };

/** The default folders' names by Type (MS-ASCMD 2.2.3.186.3), in the user's language. */
const DEFAULT_NAMES: Readonly<Record<number, MessageKey>> = {
  2: 'folder.inbox',
  3: 'folder.drafts',
  4: 'folder.deleted',
  5: 'folder.sent',
  6: 'folder.outbox',
  7: 'folder.tasks',
  8: 'folder.calendar',
  9: 'folder.contacts',
  10: 'folder.notes',
  11: 'folder.journal',
};

/** Junk mail has no Type of its own (it is a type 12 folder); servers name it one of these. */
const JUNK_NAME = /^(junk|junk e-?mail|spam|迷惑メール)$/i;

/**
 * What the user sees a folder called: the user's own default folders by their Type in
 * the UI's language (受信トレイ, not the server's "Inbox"), any other folder by the
 * server's name. A folder shared by someone else keeps its name.
 */
export function folderName(f: Pick<FolderRecord, 'type' | 'displayName' | 'owner'>, i18n: Pick<I18n, 't'>): string {
  if (f.owner !== undefined) return f.displayName;
  const key = DEFAULT_NAMES[f.type] ?? (f.type === 12 && JUNK_NAME.test(f.displayName.trim()) ? 'folder.junk' : undefined);
  return key ? i18n.t(key) : f.displayName;
}

export function classOf(f: FolderRecord): SyncClass | undefined {
  if (f.class === 'Email' || f.class === 'Calendar' || f.class === 'Contacts' || f.class === 'Tasks') return f.class;
  return (Object.keys(TYPES_OF) as SyncClass[]).find((c) => TYPES_OF[c].includes(f.type));
}

export function foldersOfClass(folders: readonly FolderRecord[], cls: SyncClass): FolderRecord[] {
  return folders.filter((f) => classOf(f) === cls);
}

export interface TreeRow {
  readonly folder: FolderRecord;
  readonly depth: number;
}

function byOrder(a: FolderRecord, b: FolderRecord): number {
  const oa = MAIL_ORDER[a.type] ?? 10;
  const ob = MAIL_ORDER[b.type] ?? 10;
  return oa - ob || a.displayName.localeCompare(b.displayName);
}

/**
 * The folders of a class as a flattened tree: own folders (default ones first, children
 * under their parent), then shared folders grouped by owner. A folder whose parent is not
 * of the class is a root.
 */
export function folderTree(folders: readonly FolderRecord[], cls: SyncClass): TreeRow[] {
  const list = foldersOfClass(folders, cls);
  const ids = new Set(list.map((f) => f.serverId));
  const children = new Map<string, FolderRecord[]>();
  for (const f of list) {
    const parent = ids.has(f.parentId) ? f.parentId : '';
    children.set(parent, [...(children.get(parent) ?? []), f]);
  }
  const rows: TreeRow[] = [];
  const walk = (parent: string, depth: number, shared: boolean) => {
    const level = (children.get(parent) ?? []).filter((f) => depth > 0 || (f.owner !== undefined) === shared).sort(byOrder);
    for (const f of level) {
      rows.push({ folder: f, depth });
      walk(f.serverId, depth + 1, shared);
    }
  };
  walk('', 0, false);
  walk('', 0, true);
  return rows;
}

/** The mail folders as a tree; the server's Outbox (type 6) is left out: mail waits in the app's own outbox. */
export function mailFolderTree(folders: readonly FolderRecord[]): TreeRow[] {
  return folderTree(
    folders.filter((f) => f.type !== FOLDER_TYPE.outbox),
    'Email',
  );
}

export function inboxOf(folders: readonly FolderRecord[], accountId: string): FolderRecord | undefined {
  return (
    folders.find((f) => f.accountId === accountId && f.type === FOLDER_TYPE.inbox) ??
    folders.find((f) => f.accountId === accountId && classOf(f) === 'Email')
  );
}

/** The initial sync's progress, 0..1, or undefined when the folder is not in it. */
export function syncProgress(f: FolderRecord): number | undefined {
  if (f.status.kind !== 'syncing' || f.estimate === undefined || f.estimate <= 0 || f.count >= f.estimate) return undefined;
  return f.count / f.estimate;
}
