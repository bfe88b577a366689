/** Making an item record. */
import type { ItemBase, ItemClass, ItemOf, ItemRecord } from './schema.ts';

/**
 * The one place where an item's data meets its class: `data` is what the codec of `cls`
 * decoded (src/sync/classes.ts picks the codec by the folder's class), so it is that
 * class's record. Everywhere else, `class` tells what `data` is and no cast is needed.
 */
export function itemOf<C extends ItemClass>(base: Omit<ItemBase, never>, cls: C, data: unknown): ItemOf<C> {
  return { ...base, class: cls, data: data as ItemOf<C>['data'] } as ItemOf<C>;
}

/** Keeps the items of one class, typed: `items.filter(ofClass('Tasks'))`. */
export function ofClass<C extends ItemClass>(cls: C): (i: ItemRecord) => i is ItemOf<C> {
  return (i): i is ItemOf<C> => i.class === cls;
}
