/**
 * IMAP as the tests' witness for mail (dovecot behind SOGo), on the seeder's small client
 * (test/peers/sogo/seed/imap.ts).
 */
import { Imap, quote, searchCount } from '../../peers/sogo/seed/imap.ts';
import { IMAP_PORT, type PeerUser } from './peer.ts';

export async function withImap<T>(user: PeerUser, work: (imap: Imap) => Promise<T>): Promise<T> {
  const imap = await Imap.open('127.0.0.1', IMAP_PORT);
  try {
    await imap.login(user.login, user.password);
    return await work(imap);
  } finally {
    await imap.logout().catch(() => undefined);
  }
}

/** How many undeleted messages of `mailbox` have `subject` in their Subject (RFC 3501 6.4.4). */
export async function countBySubject(user: PeerUser, mailbox: string, subject: string): Promise<number> {
  return withImap(user, async (imap) => {
    await imap.run(`EXAMINE ${quote(mailbox)}`);
    // The subjects used here are ASCII, so no CHARSET is needed.
    const found = await imap.run(`SEARCH UNDELETED SUBJECT ${quote(subject)}`);
    return searchCount(found.untagged);
  });
}
