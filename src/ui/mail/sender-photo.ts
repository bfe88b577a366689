/**
 * The photo shown for a mail's sender: a contact's own photo when the sender is one of the
 * user's contacts (the directory is never asked for them); else the directory's photo
 * (sync/sender-photos.ts) as kept in the store, asked for once while online when none is
 * kept. Offline, or when the directory cannot answer, the initials stay, without an error.
 */
import { useEffect, useState } from 'preact/hooks';
import { keptPhoto } from '../../store/photos.ts';
import { pictureUrl } from '../components/Avatar.tsx';
import { contactByAddress } from '../contacts/contact-photo.ts';
import { useApp, useLive } from '../data/live.ts';
import { useOnline } from '../status/Status.tsx';

export function useSenderPhoto(accountId: string, email: string | undefined): string | undefined {
  const { client } = useApp();
  const online = useOnline();
  const contact = useLive((db) => contactByAddress(db, accountId, email), [accountId, email], ['items']);
  const kept = useLive((db) => (email ? keptPhoto(db, accountId, email, Date.now()) : Promise.resolve(undefined)), [accountId, email], []);
  const [asked, setAsked] = useState<{ email: string; data?: Uint8Array } | undefined>(undefined);
  const settled = !contact.loading && !kept.loading;
  const ask = settled && online && !!email && !contact.value && !kept.value && asked?.email !== email;
  useEffect(() => {
    if (!ask || !email) return;
    let alive = true;
    client.senderPhotos(accountId, [email]).then(
      (answers) => alive && setAsked({ email, data: answers[0]?.data }),
      () => undefined, // no photo then: the initials stay, and the next opening asks again
    );
    return () => {
      alive = false;
    };
  }, [ask, accountId, email]);
  if (contact.value) return contact.value.picture;
  return pictureUrl(kept.value?.data ?? (asked && asked.email === email ? asked.data : undefined));
}
