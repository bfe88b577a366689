/**
 * "Deleted 3 mails · Undo": the offer kept by undo.ts, shown for its time left (again
 * after a reload), never timing out while the keyboard is on it (WCAG 2.2.1).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FolderRecord } from '../../store/schema.ts';
import { useApp } from '../data/live.ts';
import { useI18n } from '../i18n/index.ts';
import { errorKey } from '../status/error-text.tsx';
import { folderName } from './folders.ts';
import { currentUndo, endUndo, movedByFolder, offerUndo, watchUndo, type UndoOffer } from './undo.ts';

/** More time (ms) when the offer ends while it has the focus. */
const FOCUS_GRACE_MS = 3000;

export function UndoBar({ folders }: { folders: readonly FolderRecord[] }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const [offer, setOffer] = useState<UndoOffer | undefined>(() => currentUndo());
  const [failed, setFailed] = useState<unknown>(undefined);
  const bar = useRef<HTMLDivElement>(null);
  useEffect(() => watchUndo(() => setOffer(currentUndo())), []);
  useEffect(() => {
    if (!offer) return;
    const timer = setTimeout(
      () => {
        if (bar.current?.contains(document.activeElement)) offerUndo({ ...offer, until: Date.now() + FOCUS_GRACE_MS });
        else endUndo();
      },
      Math.max(0, offer.until - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [offer]);

  const undo = async (o: UndoOffer) => {
    endUndo();
    setFailed(undefined);
    for (const [fromFolderId, itemIds] of movedByFolder(o.moved))
      await client.undoMove(
        itemIds.map((itemId) => ({ accountId: o.accountId, itemId })),
        fromFolderId,
      );
  };

  if (failed !== undefined)
    return (
      <div class="snackbar" role="alert">
        <span>{t('mail.undoFailed', { reason: t(errorKey(failed)) })}</span>
        <button type="button" class="btn" onClick={() => setFailed(undefined)}>
          {t('common.close')}
        </button>
      </div>
    );
  const to = offer && folders.find((f) => f.accountId === offer.accountId && f.serverId === offer.toFolderId);
  const count = offer?.moved.length ?? 0;
  const text =
    offer?.kind === 'delete' ? t('mail.undoDeleted', { count }) : t('mail.undoMoved', { count, folder: to ? folderName(to, i18n) : '' });
  // One live region that stays, so that each new offer is read out.
  return (
    <div ref={bar} role="status" class="undo-region">
      {offer && (
        <div class="snackbar">
          <span>{text}</span>
          <button type="button" class="btn" onClick={() => void undo(offer).catch(setFailed)}>
            {t('mail.undo')}
          </button>
        </div>
      )}
    </div>
  );
}
