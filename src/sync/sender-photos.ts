/**
 * Directory photos of mail senders: ResolveRecipients with Options/Picture (MS-ASCMD
 * 2.2.1.15, 2.2.3.135.2; 14.1+) for the addresses, in one request. ResolveRecipients and
 * not a GAL Search: it matches the address exactly, and answers each address by itself.
 * Each answer is kept in the `meta` store (key `galphoto:<account>:<address>`), a photo
 * or "none", and not asked again for PHOTO_TTL_MS; removed with the account. Below 14.1
 * nothing is asked (the server has no photos to give).
 */
import { atLeast } from '../eas/version.ts';
import { putOp, type WriteOp } from '../store/db.ts';
import { keptPhoto, photoKey, type SenderPhoto } from '../store/photos.ts';
import type { AccountRun } from './context.ts';
import { resolveRecipients } from './recipients.ts';

/** Addresses per request, and MaxPictures (MS-ASCMD 2.2.3.100.2). */
export const PHOTOS_PER_ASK = 20;
/** MaxSize (MS-ASCMD 2.2.3.99.2): a small avatar, not a full portrait. */
const PHOTO_MAX_BYTES = 36_864;
/** Picture Status 175: MaxPictures reached, the photo exists but was not sent (MS-ASCMD 2.2.2). */
const TOO_MANY_PICTURES = 175;

/** One address (lower-cased) and its directory photo; `data` absent: none. */
export interface SenderPhotoAnswer {
  readonly email: string;
  readonly data?: Uint8Array;
}

/**
 * The directory photos of the addresses (lower-cased): kept answers
 * first, the rest asked in one request (at most PHOTOS_PER_ASK; the others wait for a later call).
 */
export async function senderPhotos(run: AccountRun, emails: readonly string[]): Promise<SenderPhotoAnswer[]> {
  const now = run.clock.now();
  const accountId = run.session.account.id;
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes('@')))];
  const out: SenderPhotoAnswer[] = [];
  const ask: string[] = [];
  for (const email of wanted) {
    const kept = await keptPhoto(run.store.db, accountId, email, now);
    if (kept) out.push({ email, data: kept.data });
    else ask.push(email);
  }
  const to = ask.slice(0, PHOTOS_PER_ASK);
  if (to.length === 0 || !atLeast(run.session.ctx.version, '14.1')) return out;
  const res = await resolveRecipients(run, { to, picture: { maxSize: PHOTO_MAX_BYTES, maxPictures: PHOTOS_PER_ASK } });
  const ops: WriteOp[] = [];
  for (const email of to) {
    const response = res.responses.find((r) => r.to.trim().toLowerCase() === email);
    // Only an address resolved to one directory entry (Type 1, MS-ASCMD 2.2.3.186.5) has the directory's photo.
    const one = response?.status === 1 ? response.recipients[0] : undefined;
    const picture = one?.type === 1 ? one.picture : undefined;
    if (picture?.status === TOO_MANY_PICTURES) continue;
    const data = picture?.status === 1 && picture.data && picture.data.length > 0 ? picture.data : undefined;
    out.push({ email, data });
    ops.push(putOp('meta', { key: photoKey(accountId, email), value: { checkedAt: now, data } satisfies SenderPhoto }));
  }
  if (ops.length > 0) await run.store.commit(ops);
  return out;
}
