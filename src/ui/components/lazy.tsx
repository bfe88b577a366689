/** A screen loaded on first use (its own chunk), so the first load stays small. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/index.ts';

export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function Lazy(props: P) {
    const { t } = useI18n();
    const [Screen, setScreen] = useState<ComponentType<P> | undefined>(() => loaded);
    const [error, setError] = useState<string | undefined>();
    useEffect(() => {
      if (Screen) return;
      load().then(
        (c) => {
          loaded = c;
          setScreen(() => c);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      );
    }, []);
    if (error) return <p role="alert">{error}</p>;
    return Screen ? (
      <Screen {...props} />
    ) : (
      <p class="loading" role="status">
        {t('common.loading')}
      </p>
    );
  };
}
