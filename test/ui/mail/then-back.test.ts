/**
 * After a move, delete, "mark unread" or an answer to an invitation, the reader goes back to
 * the folder, but only if the user is still where they acted: a late answer (the service
 * worker busy, a slow store) used to pull a user who had opened another folder back to the
 * old one (the identity e2e met it: it opened Archive, and the Inbox came back).
 */
import { describe, expect, it } from 'vitest';
import { thenBack } from '../../../src/ui/mail/mail-actions.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('thenBack', () => {
  it('goes back once the work is done when the user stayed', async () => {
    const hash = '#/mail/a/inbox/m1';
    const work = deferred();
    const backs: string[] = [];
    const done = thenBack(
      () => work.promise,
      () => backs.push(hash),
      () => hash,
    );
    expect(backs).toEqual([]);
    work.resolve();
    await done;
    expect(backs).toEqual(['#/mail/a/inbox/m1']);
  });

  it('stays where the user went while the work was under way', async () => {
    let hash = '#/mail/a/inbox/m1';
    const work = deferred();
    const backs: string[] = [];
    const done = thenBack(
      () => work.promise,
      () => backs.push(hash),
      () => hash,
    );
    hash = '#/mail/a/archive';
    work.resolve();
    await done;
    expect(backs).toEqual([]);
  });

  it('does not go back when the work fails: the error is the caller’s to show', async () => {
    const backs: number[] = [];
    await expect(
      thenBack(
        () => Promise.reject(new Error('refused')),
        () => backs.push(1),
        () => '#/x',
      ),
    ).rejects.toThrow('refused');
    expect(backs).toEqual([]);
  });
});
