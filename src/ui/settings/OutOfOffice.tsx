/**
 * Settings → automatic replies (Out of Office) of one account: on or off, an optional
 * period, one reply for the organisation and one for everyone else. They live on the
 * server (Settings Oof, MS-ASCMD 2.2.1.18): read when the section is opened, written
 * by Save; both need the connection, and say so when it is not there.
 */
import { useState } from 'preact/hooks';
import type { AccountRecord } from '../../store/schema.ts';
import type { OutOfOffice } from '../../runtime/engine-client.ts';
import { dateTimeInput, fromDateTimeInput } from '../calendar/event-edit.ts';
import { useApp } from '../data/live.ts';
import { useI18n } from '../i18n/index.ts';
import { Details, errorKey, technical } from '../status/error-text.tsx';

interface Form {
  readonly enabled: boolean;
  readonly timed: boolean;
  /** datetime-local values. */
  readonly start: string;
  readonly end: string;
  readonly internal: string;
  readonly external: string;
}

type Load =
  | { readonly kind: 'idle' | 'loading' | 'offline' }
  | { readonly kind: 'error'; readonly failure: Failure }
  | { readonly kind: 'ready'; readonly form: Form };

export function toForm(o: OutOfOffice, now = Date.now()): Form {
  const timed = o.start !== undefined && o.end !== undefined;
  return {
    enabled: o.enabled,
    timed,
    start: dateTimeInput(new Date(o.start ?? now)),
    end: dateTimeInput(new Date(o.end ?? now + 7 * 86_400_000)),
    internal: o.internal,
    external: o.external,
  };
}

export function fromForm(f: Form): OutOfOffice {
  const timed = f.enabled && f.timed;
  return {
    enabled: f.enabled,
    start: timed ? fromDateTimeInput(f.start).getTime() : undefined,
    end: timed ? fromDateTimeInput(f.end).getTime() : undefined,
    internal: f.internal,
    external: f.external,
  };
}

/** Why the server failed, in the user's words, and the engine's own message for the folded details. */
interface Failure {
  readonly reason: string;
  readonly detail: string;
}

/**
 * A refusal by policy or rights (Settings status 3, 7: MS-ASCMD 2.2.3.177.15) and a server
 * without Oof (sync/oof.ts) have their own sentences; other errors their kind's.
 */
function failure(e: unknown, t: ReturnType<typeof useI18n>['t']): Failure {
  const detail = technical(e);
  if (/does not offer automatic replies/.test(detail)) return { reason: t('oof.unsupported'), detail };
  return { reason: /Settings status [37]\b/.test(detail) ? t('oof.denied') : t(errorKey(e)), detail };
}

export function OutOfOfficeSection({ account }: { account: AccountRecord }) {
  const { client } = useApp();
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ kind: 'idle' });
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string; detail?: string } | undefined>();
  const offline = () => !navigator.onLine;

  const open = async () => {
    if (offline()) return setLoad({ kind: 'offline' });
    setLoad({ kind: 'loading' });
    try {
      setLoad({ kind: 'ready', form: toForm(await client.getOutOfOffice(account.id)) });
    } catch (e) {
      setLoad(offline() ? { kind: 'offline' } : { kind: 'error', failure: failure(e, t) });
    }
  };

  const form = load.kind === 'ready' ? load.form : undefined;
  const set = (patch: Partial<Form>) => {
    if (form) setLoad({ kind: 'ready', form: { ...form, ...patch } });
    setNote(undefined);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    if (form.enabled && form.timed && fromDateTimeInput(form.end) <= fromDateTimeInput(form.start))
      return setNote({ ok: false, text: t('oof.badPeriod') });
    if (offline()) return setNote({ ok: false, text: t('oof.offline') });
    setSaving(true);
    try {
      await client.setOutOfOffice(account.id, fromForm(form));
      setNote({ ok: true, text: t('oof.saved') });
    } catch (err) {
      if (offline()) return setNote({ ok: false, text: t('oof.offline') });
      const why = failure(err, t);
      setNote({ ok: false, text: t('oof.saveFailed', { reason: why.reason }), detail: why.detail });
    } finally {
      setSaving(false);
    }
  };

  const id = `oof-${account.id}`;
  return (
    <details style={{ marginTop: '12px' }} onToggle={(e) => e.currentTarget.open && load.kind !== 'ready' && void open()}>
      <summary>{t('oof.title')}</summary>
      {load.kind === 'loading' && <p class="hint">{t('common.loading')}</p>}
      {load.kind === 'offline' && (
        <p class="hint" role="status">
          {t('oof.offline')}{' '}
          <button type="button" class="btn small" onClick={() => void open()}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {load.kind === 'error' && (
        <div class="error-text" role="alert">
          {t('oof.loadFailed', { reason: load.failure.reason })}{' '}
          <button type="button" class="btn small" onClick={() => void open()}>
            {t('common.retry')}
          </button>
          <Details detail={load.failure.detail} />
        </div>
      )}
      {form && (
        <form class="form" onSubmit={save} aria-label={t('oof.title')}>
          <label class="check">
            <input type="checkbox" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            {t('oof.enabled')}
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={form.timed}
              disabled={!form.enabled}
              onChange={(e) => set({ timed: e.currentTarget.checked })}
            />
            {t('oof.timed')}
          </label>
          {form.enabled && form.timed && (
            <>
              <label class="field">
                <span>{t('oof.start')}</span>
                <input
                  type="datetime-local"
                  id={`${id}-start`}
                  value={form.start}
                  onInput={(e) => set({ start: e.currentTarget.value })}
                  required
                />
              </label>
              <label class="field">
                <span>{t('oof.end')}</span>
                <input
                  type="datetime-local"
                  id={`${id}-end`}
                  value={form.end}
                  onInput={(e) => set({ end: e.currentTarget.value })}
                  required
                />
              </label>
            </>
          )}
          <label class="field">
            <span>{t('oof.internal')}</span>
            <textarea rows={4} value={form.internal} onInput={(e) => set({ internal: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>{t('oof.external')}</span>
            <textarea rows={4} value={form.external} onInput={(e) => set({ external: e.currentTarget.value })} />
          </label>
          <div class="button-row">
            <button type="submit" class="btn primary" disabled={saving}>
              {t('oof.save')}
            </button>
          </div>
          {note && (
            <div class={note.ok ? 'hint' : 'error-text'} role={note.ok ? 'status' : 'alert'}>
              {note.text}
              <Details detail={note.detail} />
            </div>
          )}
        </form>
      )}
    </details>
  );
}
