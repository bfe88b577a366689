/**
 * The outbox: each queued mail with the state its pending record holds (the engine's
 * OutboxPayload.state, src/sync/outbox.ts): waiting to send (with the last passing
 * error, if a try failed for a reason that clears by itself), being sent, or failed
 * for good with the server's reason and a Retry action. Any of them can be discarded.
 */
import type { PendingRecord } from '../../store/schema.ts';
import type { OutboxPayload, OutboxState } from '../../sync/outbox.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp } from '../data/live.ts';
import type { OutgoingMail } from '../engine-client.ts';
import { useI18n } from '../i18n/index.ts';

export interface OutboxLine {
  readonly state: OutboxState;
  /** Why the last try did not send it (for 'queued': a passing reason). */
  readonly error?: string;
  readonly attempts: number;
}

/** What a 'send' record says about its mail; a missing or unknown state reads as queued. */
export function outboxLine(p: PendingRecord): OutboxLine {
  const state = (p.payload as Partial<OutboxPayload> | undefined)?.state;
  return { state: state === 'sending' || state === 'failed' ? state : 'queued', error: p.lastError, attempts: p.attempts };
}

export function OutboxList({ pending }: { pending: readonly PendingRecord[] }) {
  const { t } = useI18n();
  if (pending.length === 0) return <p class="empty">{t('mail.outboxEmpty')}</p>;
  return (
    <ul class="plain-list outbox">
      {pending.map((p) => (
        <OutboxItem key={p.id} p={p} />
      ))}
    </ul>
  );
}

function OutboxItem({ p }: { p: PendingRecord }) {
  const { client } = useApp();
  const { t, dateTime } = useI18n();
  const mail = p.payload as Partial<OutgoingMail>;
  const line = outboxLine(p);
  const id = p.id;
  return (
    <li class={'outbox-item ' + line.state}>
      <div class="mail-row">
        <div class="line1">
          <span class="who">{(mail.to ?? []).map((a) => a.name || a.email).join(', ')}</span>
          <time dateTime={new Date(p.createdAt).toISOString()}>{dateTime(new Date(p.createdAt))}</time>
        </div>
        <div class="line2">
          <span class="subject">{mail.subject || t('common.noSubject')}</span>
        </div>
        <div class={'line3' + (line.state === 'failed' ? ' error-text wrap' : '')} role="status">
          {stateText(line, t)}
        </div>
      </div>
      {id !== undefined && line.state === 'failed' && (
        <button type="button" class="btn small" onClick={() => void client.retryOutgoing(id)}>
          {t('common.retry')}
        </button>
      )}
      {id !== undefined && (
        <button type="button" class="icon-btn" onClick={() => void client.discardOutgoing(id)} aria-label={t('common.delete')}>
          <Icon name="trash" />
        </button>
      )}
    </li>
  );
}

function stateText(line: OutboxLine, t: ReturnType<typeof useI18n>['t']): string {
  const tries = line.attempts > 0 ? ` · ${t('mail.outboxAttempts', { count: line.attempts })}` : '';
  switch (line.state) {
    case 'failed':
      return (line.error ? t('mail.outboxFailed', { error: line.error }) : t('mail.outboxFailedPlain')) + tries;
    case 'sending':
      return t('mail.outboxSending');
    case 'queued':
      return t('mail.outboxQueued') + (line.error ? ` · ${t('mail.outboxLastTry', { error: line.error })}` : '') + tries;
  }
}
