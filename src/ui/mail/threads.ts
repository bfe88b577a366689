/**
 * Conversations: the mails of a folder grouped by ConversationId (MS-ASEMAIL 2.2.2.21,
 * protocol 14.0 and later; every mail of one conversation carries the same id). A mail
 * without one (an older server) is a conversation of its own. Threads are ordered by
 * their newest mail, newest first.
 */
import type { ItemOf, ItemRecord } from '../../store/schema.ts';
import { ofClass } from '../../store/item.ts';

export interface Thread {
  /** The ConversationId in hex, or the mail's own key when it has none. */
  readonly key: string;
  /** Newest first. */
  readonly items: readonly ItemOf<'Email'>[];
  readonly unread: number;
  readonly newest: Date | undefined;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

const timeOf = (i: ItemOf<'Email'>) => i.data.dateReceived?.getTime() ?? 0;

export function groupThreads(items: readonly ItemRecord[]): Thread[] {
  const byKey = new Map<string, ItemOf<'Email'>[]>();
  for (const i of items.filter(ofClass('Email'))) {
    const id = i.data.conversationId;
    const key = id && id.length > 0 ? hex(id) : `item:${i.accountId}/${i.folderId}/${i.serverId}`;
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  }
  const threads = [...byKey].map(([key, list]): Thread => {
    const sorted = [...list].sort((a, b) => timeOf(b) - timeOf(a));
    const newest = sorted[0]?.data.dateReceived;
    return { key, items: sorted, unread: sorted.filter((i) => i.read === 0).length, newest };
  });
  return threads.sort((a, b) => (b.newest?.getTime() ?? 0) - (a.newest?.getTime() ?? 0));
}

/** The people of a thread, as the row shows them: each sender once, newest first. */
export function threadSenders(t: Thread): string[] {
  const names: string[] = [];
  for (const i of t.items) {
    const from = i.data.from;
    const name = from?.name || from?.email;
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}
