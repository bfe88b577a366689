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

/** thenBack on work that ends when told, the page at `start`; `backs` lists the pages it went back from. */
function started(start: string) {
  const page = { hash: start };
  const work = deferred();
  const backs: string[] = [];
  const done = thenBack(
    () => work.promise,
    () => backs.push(page.hash),
    () => page.hash,
  );
  return { page, backs, finish: () => (work.resolve(), done) };
}

describe('thenBack', () => {
  it('goes back once the work is done when the user stayed', async () => {
    const t = started('#/mail/a/inbox/m1');
    expect(t.backs).toEqual([]);
    await t.finish();
    expect(t.backs).toEqual(['#/mail/a/inbox/m1']);
  });

  it('stays where the user went while the work was under way', async () => {
    const t = started('#/mail/a/inbox/m1');
    t.page.hash = '#/mail/a/archive';
    await t.finish();
    expect(t.backs).toEqual([]);
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
