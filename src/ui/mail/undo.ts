/**
 * The undo offer after a delete or move of mail, kept in localStorage so that a reload
 * while it shows loses nothing: the page shows it again for the time left, and Undo
 * still takes the move back (the engine's undoMove; the move itself is in the engine's
 * durable queue). One offer at a time: a newer one replaces it.
 */

const KEY = 'eas-pwa.mail.undo';
/** How long the offer shows (ms). */
export const UNDO_MS = 10_000;

export interface MovedMail {
  readonly itemId: string;
  readonly fromFolderId: string;
}

export interface UndoOffer {
  /** 'delete': moved to Deleted Items. */
  readonly kind: 'delete' | 'move';
  readonly accountId: string;
  readonly toFolderId: string;
  /** Each mail and the folder it left (search results mix folders). */
  readonly moved: readonly MovedMail[];
  /** When the offer ends (ms since epoch). */
  readonly until: number;
}

const listeners = new Set<() => void>();

export function offerUndo(offer: UndoOffer): void {
  localStorage.setItem(KEY, JSON.stringify(offer));
  for (const l of listeners) l();
}

/** The offer still open at `now`, if any. */
export function currentUndo(now = Date.now()): UndoOffer | undefined {
  const raw = localStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    const offer = JSON.parse(raw) as UndoOffer;
    return offer.until > now && Array.isArray(offer.moved) ? offer : undefined;
  } catch {
    return undefined;
  }
}

/** The moved mails by the folder each left, for one undoMove per folder. */
export function movedByFolder(moved: readonly MovedMail[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const m of moved) groups.set(m.fromFolderId, [...(groups.get(m.fromFolderId) ?? []), m.itemId]);
  return groups;
}

/** Ends the offer (used, timed out or replaced by a failure). */
export function endUndo(): void {
  localStorage.removeItem(KEY);
  for (const l of listeners) l();
}

/** Called when the offer changes in this page or another tab. */
export function watchUndo(listener: () => void): () => void {
  const onStorage = (e: StorageEvent) => e.key === KEY && listener();
  listeners.add(listener);
  addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', onStorage);
  };
}
