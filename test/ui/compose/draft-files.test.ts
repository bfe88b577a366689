/**
 * A 16.x draft opened offline names some files only by their FileReference on the server
 * of the account it was kept under (store/drafts.ts draftFiles). Sent from another account,
 * that account's outbox could not fetch them and the draft holding them would be deleted:
 * compose refuses, naming the files.
 */
import { describe, expect, it } from 'vitest';
import { filesLeftOnServer, type Draft } from '../../../src/ui/compose/ComposeScreen.tsx';

const here = { name: 'notes.txt', contentType: 'text/plain', bytes: new TextEncoder().encode('mine'), id: 'c1' };
const onServer = {
  name: 'plan.pdf',
  contentType: 'application/octet-stream',
  bytes: new Uint8Array(0),
  id: '7:1',
  notFetched: true,
} as const;
const draft = (accountId: string): Draft => ({
  accountId,
  to: 'bob@example.test',
  cc: '',
  bcc: '',
  subject: 'Plan',
  text: '',
  attachments: [here, onServer],
});

describe('a draft with files not fetched, sent from another account', () => {
  it('names the files left on the other account; none when sent from the account it was kept under, or never kept', () => {
    expect(filesLeftOnServer(draft('work'), 'home')).toEqual(['plan.pdf']);
    expect(filesLeftOnServer(draft('home'), 'home')).toEqual([]);
    expect(filesLeftOnServer(draft('work'), undefined)).toEqual([]);
    expect(filesLeftOnServer({ ...draft('work'), attachments: [here] }, 'home')).toEqual([]);
  });
});
