/** What a swipe on a mail row does, per side, as the user chose in Settings (kept in localStorage). */

export type SwipeAction = 'delete' | 'read' | 'flag' | 'none' | `move:${string}`;
export type { SwipeSide } from './gestures.ts';

export interface SwipePrefs {
  readonly left: SwipeAction;
  readonly right: SwipeAction;
}

const KEY = 'eas-pwa.mail.swipe';
export const DEFAULT_SWIPE: SwipePrefs = { left: 'delete', right: 'read' };

const isAction = (v: unknown): v is SwipeAction =>
  v === 'delete' || v === 'read' || v === 'flag' || v === 'none' || (typeof v === 'string' && v.startsWith('move:'));

export function loadSwipe(): SwipePrefs {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<SwipePrefs>;
    return { left: isAction(v.left) ? v.left : DEFAULT_SWIPE.left, right: isAction(v.right) ? v.right : DEFAULT_SWIPE.right };
  } catch {
    return DEFAULT_SWIPE;
  }
}

export function saveSwipe(prefs: SwipePrefs): void {
  localStorage.setItem(KEY, JSON.stringify(prefs));
}

/** A move action names its folder as `move:<accountId>/<folder ServerId>`. */
export function moveAction(accountId: string, folderId: string): SwipeAction {
  return `move:${encodeURIComponent(accountId)}/${encodeURIComponent(folderId)}`;
}

export function moveTarget(action: SwipeAction): { accountId: string; folderId: string } | undefined {
  if (!action.startsWith('move:')) return undefined;
  const [a, f] = action.slice(5).split('/');
  return a !== undefined && f !== undefined ? { accountId: decodeURIComponent(a), folderId: decodeURIComponent(f) } : undefined;
}
