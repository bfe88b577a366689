/** Settings → what a swipe on a mail does, per side (swipe-prefs.ts). */
import { useState } from 'preact/hooks';
import type { AccountRecord, FolderRecord } from '../../store/schema.ts';
import { useI18n } from '../i18n/index.ts';
import { folderName, mailFolderTree } from '../mail/folders.ts';
import { loadSwipe, moveAction, saveSwipe, type SwipeAction, type SwipePrefs } from '../mail/swipe-prefs.ts';

export function SwipeSettings({ accounts, folders }: { accounts: readonly AccountRecord[]; folders: readonly FolderRecord[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [prefs, setPrefs] = useState(loadSwipe);
  const set = (side: keyof SwipePrefs, action: SwipeAction) => {
    const next = { ...prefs, [side]: action };
    saveSwipe(next);
    setPrefs(next);
  };
  // "Move to" each mail folder; with several accounts, the account's name says which.
  const moves = accounts.flatMap((a) =>
    mailFolderTree(folders.filter((f) => f.accountId === a.id)).map(({ folder }) => ({
      value: moveAction(a.id, folder.serverId),
      label: t('settings.swipeMove', { folder: folderName(folder, i18n) }) + (accounts.length > 1 ? ` (${a.displayName ?? a.email})` : ''),
    })),
  );
  const select = (side: keyof SwipePrefs, label: string) => (
    <label class="field">
      <span>{label}</span>
      <select value={prefs[side]} onChange={(e) => set(side, e.currentTarget.value as SwipeAction)}>
        <option value="delete">{t('settings.swipeDelete')}</option>
        <option value="read">{t('settings.swipeRead')}</option>
        <option value="flag">{t('settings.swipeFlag')}</option>
        {moves.map((m) => (
          <option key={m.value} value={m.value}>
            {m.label}
          </option>
        ))}
        <option value="none">{t('settings.swipeNone')}</option>
      </select>
    </label>
  );
  return (
    <section class="card" aria-labelledby="swipe-title">
      <h2 id="swipe-title">{t('settings.swipe')}</h2>
      {select('right', t('settings.swipeRight'))}
      {select('left', t('settings.swipeLeft'))}
    </section>
  );
}
