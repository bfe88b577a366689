/**
 * The outbox: each queued mail with the state its pending record holds (the engine's
 * OutboxPayload.state, src/sync/outbox.ts): waiting to send (with the last passing
 * error, if a try failed for a reason that clears by itself), being sent, or failed
 * for good, with a Retry action. The engine's reason is English and technical: it is
 * folded under "Technical details" (error-text.tsx), never part of the sentence. Any of them can be discarded.
 */
import type { PendingOf } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import { useApp } from '../data/live.ts';
import type { OutboxState, OutgoingMail } from '../../runtime/engine-client.ts';
import { useI18n } from '../i18n/index.ts';
import { Details } from '../status/error-text.tsx';

export interface OutboxLine {
  readonly state: OutboxState;
  /** Why the last try did not send it (for 'queued': a passing reason). */
  readonly error?: string;
  readonly attempts: number;
}

/** What a 'send' record says about its mail; a missing or unknown state reads as queued. */
export function outboxLine(p: PendingOf<'send'>): OutboxLine {
  // A record written by an older version may lack a state, or hold one no longer used.
  const state: string | undefined = p.payload?.state;
  return { state: state === 'sending' || state === 'failed' ? state : 'queued', error: p.lastError, attempts: p.attempts };
}

/** `drafts`: 16.x drafts sent from the server's Drafts folder whose Send waits in the queue (store/drafts.ts sendsDraft). */
export function OutboxList({ pending, drafts = [] }: { pending: readonly PendingOf<'send'>[]; drafts?: readonly PendingOf<'change'>[] }) {
  const { t } = useI18n();
  if (pending.length + drafts.length === 0) return <p class="empty">{t('mail.outboxEmpty')}</p>;
  return (
    <ul class="plain-list outbox">
      {pending.map((p) => (
        <OutboxItem key={p.id} p={p} />
      ))}
      {drafts.map((p) => (
        <DraftSendItem key={p.id} p={p} />
      ))}
    </ul>
  );
}

/** A draft's Send waiting to go: it can no longer be discarded here (the draft has left the list). */
function DraftSendItem({ p }: { p: PendingOf<'change'> }) {
  const { t, dateTime } = useI18n();
  const mail = p.payload.class === 'Draft' ? p.payload.next : undefined;
  const line: OutboxLine = { state: 'queued', error: p.lastError, attempts: p.attempts };
  return (
    <li class="outbox-item queued">
      <div class="mail-row">
        <div class="line1">
          <span class="who">{(mail?.to ?? []).map((a) => a.name || a.email).join(', ')}</span>
          <time dateTime={new Date(p.createdAt).toISOString()}>{dateTime(new Date(p.createdAt))}</time>
        </div>
        <div class="line2">
          <span class="subject">{mail?.subject || t('common.noSubject')}</span>
        </div>
        <div class="line3" role="status">
          {stateText(line, t)}
        </div>
        <Details detail={line.error} />
      </div>
    </li>
  );
}

function OutboxItem({ p }: { p: PendingOf<'send'> }) {
  const { client } = useApp();
  const { t, dateTime } = useI18n();
  const mail: Partial<OutgoingMail> = p.payload;
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
        <Details detail={line.error} />
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
      return t('mail.outboxFailedPlain') + tries;
    case 'sending':
      return t('mail.outboxSending');
    case 'queued':
      return t('mail.outboxQueued') + (line.error ? ` · ${t('mail.outboxLastTryFailed')}` : '') + tries;
  }
}
