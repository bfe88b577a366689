/**
 * FolderSync, FolderCreate, FolderUpdate, FolderDelete (MS-ASCMD 2.2.1.3-2.2.1.6).
 */
import { ns, textAt, type El } from '../../src/wbxml/tree.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { createFolder, deleteFolder, hierarchyChanged, isUserFolderType, type Folder, type Mailbox } from '../model.ts';
import { folderSignature, hierarchySnapshot, type DeviceState } from '../state.ts';

const F = ns('FolderHierarchy');

function reply(root: string, status: number, ...rest: (El | undefined)[]): CommandResult {
  return { tree: F(root, F('Status', status), ...rest) };
}

function nextFolderKey(ctx: CommandContext, reset: boolean): string {
  const d = ctx.device;
  if (reset || d.folderKey === undefined) {
    d.folderGeneration = ctx.mock.devices.nextGeneration();
    d.folderSerial = 0;
  }
  d.folderSerial++;
  d.folderKey = `${d.folderGeneration}.${d.folderSerial}`;
  return d.folderKey;
}

/** Folders in an order where every parent comes before its children (FolderSync Add order). */
function parentsFirst(mailbox: Mailbox): [string, Folder][] {
  const out: [string, Folder][] = [];
  const placed = new Set<string>(['0']);
  let rest = [...mailbox.folders];
  while (rest.length > 0) {
    const ready = rest.filter(([, f]) => placed.has(f.parentId) || !mailbox.folders.has(f.parentId));
    if (ready.length === 0) break;
    for (const entry of ready) {
      out.push(entry);
      placed.add(entry[0]);
    }
    rest = rest.filter(([id]) => !placed.has(id));
  }
  return out;
}

function folderFields(id: string, f: Folder): El[] {
  return [F('ServerId', id), F('ParentId', f.parentId), F('DisplayName', f.name), F('Type', f.type)];
}

/** MS-ASCMD 2.2.1.5 FolderSync: Changes in the XSD order Count, Update*, Delete*, Add*. */
export function folderSync(ctx: CommandContext): CommandResult {
  const key = textAt(ctx.body ?? undefined, 'SyncKey');
  if (ctx.body?.name !== 'FolderSync' || key === undefined) return reply('FolderSync', 10);
  const d = ctx.device;
  const reset = key === '0';
  if (!reset && key !== d.folderKey) return reply('FolderSync', 9); // MS-ASCMD 2.2.3.181.2
  const known = reset ? new Map<string, string>() : d.folderKnown;
  const updates: El[] = [];
  const adds: El[] = [];
  for (const [id, f] of parentsFirst(ctx.mailbox)) {
    const sig = known.get(id);
    if (sig === undefined) adds.push(F('Add', folderFields(id, f)));
    else if (sig !== folderSignature(f)) updates.push(F('Update', folderFields(id, f)));
  }
  const deletes = [...known.keys()].filter((id) => !ctx.mailbox.folders.has(id)).map((id) => F('Delete', F('ServerId', id)));
  const count = updates.length + deletes.length + adds.length;
  const newKey = count > 0 || reset ? nextFolderKey(ctx, reset) : (d.folderKey as string);
  d.folderKnown = hierarchySnapshot(ctx.mailbox);
  d.needFolderSync = false;
  return reply('FolderSync', 1, F('SyncKey', newKey), F('Changes', F('Count', count), updates, deletes, adds));
}

/** Checks the FolderCreate/Update/Delete SyncKey (Status 9 on mismatch, 10 when missing). */
function checkKey(ctx: CommandContext, root: string): CommandResult | undefined {
  const key = textAt(ctx.body ?? undefined, 'SyncKey');
  if (ctx.body?.name !== root || key === undefined) return reply(root, 10);
  if (key !== ctx.device.folderKey) return reply(root, 9);
  return undefined;
}

function nameTaken(mailbox: Mailbox, parentId: string, name: string, except?: string): boolean {
  for (const [id, f] of mailbox.folders) {
    if (id !== except && f.parentId === parentId && f.name.toLowerCase() === name.toLowerCase()) return true;
  }
  return false;
}

/** Records a change the device itself made, so its next FolderSync does not echo it. */
function remember(d: DeviceState, id: string, f: Folder | undefined): void {
  if (f) d.folderKnown.set(id, folderSignature(f));
  else d.folderKnown.delete(id);
}

/** MS-ASCMD 2.2.1.3 FolderCreate. */
export function folderCreate(ctx: CommandContext): CommandResult {
  const bad = checkKey(ctx, 'FolderCreate');
  if (bad) return bad;
  const body = ctx.body as El;
  const parentId = textAt(body, 'ParentId') ?? '0';
  const name = textAt(body, 'DisplayName') ?? '';
  const type = Number(textAt(body, 'Type'));
  if (name.trim() === '' || !isUserFolderType(type)) return reply('FolderCreate', 10);
  const parent = ctx.mailbox.folders.get(parentId);
  if (parentId !== '0' && !parent) return reply('FolderCreate', 5);
  if (parent?.shared) return reply('FolderCreate', 3);
  if (nameTaken(ctx.mailbox, parentId, name)) return reply('FolderCreate', 2);
  const folder = createFolder(ctx.mock.world, ctx.mailbox, name, type, parentId);
  remember(ctx.device, folder.store.id, folder);
  return reply('FolderCreate', 1, F('SyncKey', nextFolderKey(ctx, false)), F('ServerId', folder.store.id));
}

/** MS-ASCMD 2.2.1.6 FolderUpdate: rename and/or move. */
export function folderUpdate(ctx: CommandContext): CommandResult {
  const bad = checkKey(ctx, 'FolderUpdate');
  if (bad) return bad;
  const body = ctx.body as El;
  const id = textAt(body, 'ServerId') ?? '';
  const parentId = textAt(body, 'ParentId') ?? '0';
  const name = textAt(body, 'DisplayName') ?? '';
  const folder = ctx.mailbox.folders.get(id);
  if (!folder) return reply('FolderUpdate', 4);
  if (folder.shared || !isUserFolderType(folder.type)) return reply('FolderUpdate', 3);
  if (parentId !== '0' && !ctx.mailbox.folders.has(parentId)) return reply('FolderUpdate', 5);
  if (name.trim() === '') return reply('FolderUpdate', 10);
  if (nameTaken(ctx.mailbox, parentId, name, id)) return reply('FolderUpdate', 2);
  folder.name = name;
  folder.parentId = parentId;
  hierarchyChanged(ctx.mock.world, ctx.mailbox);
  remember(ctx.device, id, folder);
  return reply('FolderUpdate', 1, F('SyncKey', nextFolderKey(ctx, false)));
}

/** MS-ASCMD 2.2.1.4 FolderDelete: removes the folder and its subfolders. */
export function folderDelete(ctx: CommandContext): CommandResult {
  const bad = checkKey(ctx, 'FolderDelete');
  if (bad) return bad;
  const id = textAt(ctx.body ?? undefined, 'ServerId') ?? '';
  const folder = ctx.mailbox.folders.get(id);
  if (!folder) return reply('FolderDelete', 4);
  if (folder.shared || !isUserFolderType(folder.type)) return reply('FolderDelete', 3);
  const before = new Set(ctx.mailbox.folders.keys());
  deleteFolder(ctx.mock.world, ctx.mailbox, id);
  for (const gone of before) if (!ctx.mailbox.folders.has(gone)) remember(ctx.device, gone, undefined);
  return reply('FolderDelete', 1, F('SyncKey', nextFolderKey(ctx, false)));
}
