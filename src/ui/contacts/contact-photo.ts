/** A person's photo from the user's own contacts (MS-ASCNTC 2.2.2 Picture), found by address. */
import type { Contact } from '../../eas/items/contact.ts';
import type { Db } from '../../store/db.ts';
import { addressKey, contactPeople } from '../compose/suggest.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { classOf } from '../mail/folders.ts';

/**
 * Whether the address is one of the user's contacts (undefined: not), with the photo of the first
 * such contact that has one: a contact's photo is theirs, so the directory is not asked for it.
 */
export async function contactByAddress(db: Db, accountId: string, email: string | undefined): Promise<{ picture?: string } | undefined> {
  if (!email) return undefined;
  const key = addressKey(email);
  let known: { picture?: string } | undefined;
  const folders = (await listAllFolders(db)).filter((f) => f.accountId === accountId && classOf(f) === 'Contacts' && f.enabled);
  for (const f of folders) {
    for (const item of await listFolderItems(db, accountId, f.serverId)) {
      if (item.class !== 'Contacts') continue;
      const people = contactPeople(item.data as Contact).filter((p) => addressKey(p.email) === key);
      const withPhoto = people.find((p) => p.picture);
      if (withPhoto) return { picture: withPhoto.picture };
      if (people.length > 0) known = {};
    }
  }
  return known;
}
