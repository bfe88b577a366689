// @vitest-environment happy-dom
/**
 * The outbox view reads each send's state from its pending record: 'failed' (with the
 * reason and Retry) only for state 'failed'; a queued mail whose last try hit a passing
 * error still waits to be sent.
 */
import { h, render } from 'preact';
import { describe, expect, it } from 'vitest';
import type { PendingOf } from '../../../src/store/schema.ts';
import type { OutboxState } from '../../../src/sync/outbox.ts';
import { AppContext, type AppHandles } from '../../../src/ui/data/live.ts';
import type { EngineClient } from '../../../src/runtime/engine-client.ts';
import { OutboxList, outboxLine } from '../../../src/ui/mail/OutboxList.tsx';
import { createI18n, I18nContext } from '../../../src/ui/i18n/index.ts';

/** A send as the list may find it: payloads of older versions or half-written ones lack fields. */
function send(id: number, state: OutboxState | undefined, extra: Partial<PendingOf<'send'>> = {}): PendingOf<'send'> {
  return <PendingOf<'send'>>(<unknown>{
    id,
    accountId: 'a1',
    kind: 'send',
    createdAt: Date.UTC(2025, 10, 25, 9),
    attempts: 0,
    payload: {
      to: [{ name: 'Bob', email: 'bob@example.test' }],
      cc: [],
      bcc: [],
      subject: `Mail ${id}`,
      text: '',
      attachments: [],
      ...(state && { state }),
    },
    ...extra,
  });
}

describe('outboxLine', () => {
  it('takes the state from the payload, queued when absent or unknown', () => {
    expect(outboxLine(send(1, 'queued', { lastError: 'Sync status 111', attempts: 2 }))).toEqual({
      state: 'queued',
      error: 'Sync status 111',
      attempts: 2,
    });
    expect(outboxLine(send(2, 'sending')).state).toBe('sending');
    expect(outboxLine(send(3, 'failed', { lastError: 'SendMail status 115' })).state).toBe('failed');
    expect(outboxLine(send(4, undefined)).state).toBe('queued');
    expect(outboxLine(<PendingOf<'send'>>(<unknown>{ ...send(5, undefined), payload: { state: 'weird' } })).state).toBe('queued');
  });
});

describe('OutboxList', () => {
  function mount(pending: PendingOf<'send'>[], lang: 'en' | 'ja' = 'en') {
    const calls: string[] = [];
    const client = {
      retryOutgoing: async (id: number) => void calls.push(`retry ${id}`),
      discardOutgoing: async (id: number) => void calls.push(`discard ${id}`),
    } as unknown as EngineClient;
    const root = document.createElement('div');
    const app = h(AppContext.Provider, { value: { db: {} as AppHandles['db'], client } }, h(OutboxList, { pending }));
    render(h(I18nContext.Provider, { value: createI18n(lang) }, app), root);
    const items = [...root.querySelectorAll('li')].map((li) => ({
      status: li.querySelector('[role=status]')?.textContent ?? '',
      details: li.querySelector('details code')?.textContent ?? '',
      failed: li.querySelector('.error-text') !== null,
      buttons: [...li.querySelectorAll('button')].map((b) => b.getAttribute('aria-label') ?? b.textContent),
      li,
    }));
    return { items, calls, root };
  }

  it('shows failed, with its reason and Retry, only for state failed', () => {
    const { items, calls } = mount([
      send(1, 'queued', { lastError: 'SendMail status 111: the server is busy', attempts: 1 }),
      send(2, 'sending'),
      send(3, 'failed', { lastError: 'SendMail status 115: the recipient is unknown', attempts: 1 }),
    ]);
    expect(items.map(({ status, details, failed, buttons }) => ({ status, details, failed, buttons }))).toEqual([
      {
        status: 'Waiting to send · the last try did not go through · Tried once',
        details: 'SendMail status 111: the server is busy',
        failed: false,
        buttons: ['Delete'],
      },
      { status: 'Sending…', details: '', failed: false, buttons: ['Delete'] },
      {
        status: 'Not sent. · Tried once',
        details: 'SendMail status 115: the recipient is unknown',
        failed: true,
        buttons: ['Retry', 'Delete'],
      },
    ]);
    items[2]?.li.querySelector('button')?.click();
    expect(calls).toEqual(['retry 3']);
  });

  it("words every state in Japanese, the engine's English reason only in the folded details", () => {
    const { items } = mount([send(1, 'failed', { lastError: 'SendMail status 115: the recipient is unknown', attempts: 1 })], 'ja');
    expect(items[0]?.status).toBe('送信できませんでした。 · 1 回試行');
    expect(items[0]?.status).not.toMatch(/[A-Za-z]/);
    expect(items[0]?.details).toBe('SendMail status 115: the recipient is unknown');
  });

  it('says the outbox is empty', () => {
    expect(mount([]).root.textContent).toBe('The outbox is empty.');
  });
});
