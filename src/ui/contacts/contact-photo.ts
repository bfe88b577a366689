/** A person's photo from the user's own contacts (MS-ASCNTC 2.2.2 Picture), found by address. */
import type { Contact } from '../../eas/items/contact.ts';
import type { Db } from '../../store/db.ts';
import { addressKey, contactPeople } from '../compose/suggest.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { classOf } from '../mail/folders.ts';

/** The data: URL of the photo of the account's first contact with this address that has one. */
export async function contactPhoto(db: Db, accountId: string, email: string | undefined): Promise<string | undefined> {
  if (!email) return undefined;
  const key = addressKey(email);
  const folders = (await listAllFolders(db)).filter((f) => f.accountId === accountId && classOf(f) === 'Contacts' && f.enabled);
  for (const f of folders) {
    for (const item of await listFolderItems(db, accountId, f.serverId)) {
      if (item.class !== 'Contacts') continue;
      const found = contactPeople(item.data as Contact).find((p) => p.picture && addressKey(p.email) === key);
      if (found) return found.picture;
    }
  }
  return undefined;
}
