/**
 * Directory photos of mail senders as kept in the `meta` store (key
 * `galphoto:<account>:<address>`): the photo, or that there is none, and when the
 * directory said so (sync/sender-photos.ts asks it); removed with the account.
 */
import type { Db, WriteOp } from './db.ts';

/** How long an answer (photo or none) is kept before the directory is asked again. */
export const PHOTO_TTL_MS = 7 * 24 * 3_600_000;
/** What the directory said of one address, and when. `data` absent: it has no photo (or none that fits). */
export interface SenderPhoto {
  readonly checkedAt: number;
  readonly data?: Uint8Array;
}

const PREFIX = 'galphoto:';
export const photoKey = (accountId: string, email: string): string => `${PREFIX}${accountId}:${email.trim().toLowerCase()}`;

export const wipePhotosOps = (accountId: string): WriteOp[] => [
  { store: 'meta', op: 'deleteRange', lower: photoKey(accountId, ''), upper: `${photoKey(accountId, '')}\uffff` },
];

/** The kept answer for the address when it is still fresh at `now`. */
export async function keptPhoto(db: Db, accountId: string, email: string, now: number): Promise<SenderPhoto | undefined> {
  const found = (await db.get('meta', photoKey(accountId, email)))?.value as SenderPhoto | undefined;
  return found && found.checkedAt + PHOTO_TTL_MS > now ? found : undefined;
}
