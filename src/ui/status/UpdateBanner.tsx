/** "A new version is ready" with the button that switches to it (see pwa.ts). */
import { useI18n } from '../i18n/index.ts';
import { useUpdate } from './update.ts';

export function UpdateBanner() {
  const { t } = useI18n();
  const apply = useUpdate();
  if (!apply) return null;
  return (
    <div class="banner info" role="status">
      <span>{t('update.ready')}</span>
      <button type="button" class="btn small primary" onClick={apply}>
        {t('update.apply')}
      </button>
    </div>
  );
}
