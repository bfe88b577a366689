/** The swipe settings' move action names its account and folder and reads back the same (swipe-prefs.ts). */
import { describe, expect, it } from 'vitest';
import { moveAction, moveTarget } from '../../../src/ui/mail/swipe-prefs.ts';

describe('swipe settings', () => {
  it('a move names account and folder, whatever characters they hold', () => {
    const action = moveAction('acc/1', 'folder:7/sub 家族');
    expect(moveTarget(action)).toEqual({ accountId: 'acc/1', folderId: 'folder:7/sub 家族' });
  });

  it('the other actions name no folder', () => {
    expect(['delete', 'read', 'flag', 'none'].map((a) => moveTarget(a as 'delete'))).toEqual([undefined, undefined, undefined, undefined]);
  });
});
