/**
 * Server-side changes made "by someone else": what the change stream and the
 * control API use to show a client Ping waking up and Sync picking changes up.
 */
import { el } from '../src/wbxml/tree.ts';
import { generateMail } from './gen-mail.ts';
import { propText, setProp } from './meetings.ts';
import {
  addItem, FolderType, removeItem, requireFolderOfType, touchItem, type Item, type Mailbox, type World,
} from './model.ts';

function box(world: World, login: string): Mailbox {
  const mb = world.mailboxes.get(login);
  if (!mb) throw new Error(`no user ${login}`);
  return mb;
}

/** A new mail in the user's Inbox, received now. */
export function newMail(world: World, login: string, n: number): Item {
  const mb = box(world, login);
  const mail = generateMail({ world, seed: 4242, owner: mb.user, colleagues: [] }, 'inbox', 100_000 + n, world.clock());
  mail.read = false;
  return addItem(world, requireFolderOfType(mb, FolderType.Inbox).store, mail);
}

/** Edits the subject and location of the user's first non-recurring calendar item. */
export function editEvent(world: World, login: string, n: number): Item | undefined {
  const store = requireFolderOfType(box(world, login), FolderType.Calendar).store;
  for (const item of store.items.values()) {
    if (item.data.kind !== 'pim' || item.data.props.some((p) => p.name === 'Recurrence')) continue;
    const subject = (propText(item.data, 'Subject') ?? '').replace(/ \(edit \d+\)$/, '');
    setProp(item.data, 'Subject', `${subject} (edit ${n})`);
    setProp(item.data, 'Location', `Room ${100 + n}`);
    touchItem(world, store, item);
    return item;
  }
  return undefined;
}

/** Deletes the user's most recently added contact; returns its ServerId. */
export function deleteContact(world: World, login: string): string | undefined {
  const store = requireFolderOfType(box(world, login), FolderType.Contacts).store;
  const last = [...store.items.keys()].pop();
  if (last !== undefined) removeItem(world, store, last);
  return last;
}

/** Adds a contact (so a stream of deletes does not run dry). */
export function addContact(world: World, login: string, n: number): Item {
  const store = requireFolderOfType(box(world, login), FolderType.Contacts).store;
  return addItem(world, store, {
    kind: 'pim',
    props: [el('Contacts', 'FileAs', `Stream ${n}`), el('Contacts', 'FirstName', 'Stream'), el('Contacts', 'LastName', String(n)),
      el('Contacts', 'Email1Address', `stream${n}@partner.example.com`)],
  });
}
