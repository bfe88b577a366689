/**
 * The selection shared by the mail list, the conversations and the search results:
 * mails picked by id (their records as picked), or null when not selecting. A row stands
 * for one mail or, in the conversations, for all mails of a conversation.
 */
import type { ItemRecord } from '../../store/schema.ts';

export type Selection = ReadonlyMap<string, ItemRecord> | null;

/** Every mail of the row is picked. */
export const allPicked = (selection: Selection, list: readonly ItemRecord[]): boolean =>
  !!selection && list.length > 0 && list.every((i) => selection.has(i.id));

/** The selection with the row's mails picked (on) or dropped; selecting starts if it had not. */
export function picked(selection: Selection, list: readonly ItemRecord[], on: boolean): Map<string, ItemRecord> {
  const next = new Map(selection ?? []);
  for (const i of list) on ? next.set(i.id, i) : next.delete(i.id);
  return next;
}

/** A tap (while selecting) or Space on a row: picks it, or drops it when it was picked. */
export const toggled = (selection: Selection, list: readonly ItemRecord[]) => picked(selection, list, !allPicked(selection, list));

export type RowKey = 'delete' | 'toggle';

/** What a key on a row does: Delete (Backspace on a Mac keyboard) deletes, Space picks or drops. */
export function rowKey(key: string): RowKey | undefined {
  if (key === 'Delete' || key === 'Backspace') return 'delete';
  return key === ' ' ? 'toggle' : undefined;
}

/** The mails a Delete on a row acts on: the selection when it holds any, else the row's. */
export const deleteTargets = (selection: Selection, list: readonly ItemRecord[]): readonly ItemRecord[] =>
  selection?.size ? [...selection.values()] : list;
