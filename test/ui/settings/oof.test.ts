// @vitest-environment happy-dom
/**
 * Automatic replies the server will not give or save: the reason in the user's language
 * (never the engine's English inside the Japanese screen), the engine's message folded away.
 */
import { h, render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../../src/runtime/engine-client.ts';
import type { AccountRecord } from '../../../src/store/schema.ts';
import { AppContext, type AppHandles } from '../../../src/ui/data/live.ts';
import { createI18n, I18nContext, type Lang } from '../../../src/ui/i18n/index.ts';
import { OutOfOfficeSection } from '../../../src/ui/settings/OutOfOffice.tsx';

const account = { id: 'a1', email: 'alice@example.test', user: 'alice', domain: '' } as AccountRecord;

/** What a refusal looks like after crossing the service worker: an Error with the engine's kind. */
function engineError(kind: string, message: string): Error {
  return Object.assign(new Error(message), { kind });
}

function mount(lang: Lang, error: Error) {
  const client = { getOutOfOffice: async () => Promise.reject(error) } as unknown as EngineClient;
  const root = document.createElement('div');
  document.body.append(root);
  const app = h(AppContext.Provider, { value: { db: {} as AppHandles['db'], client } }, h(OutOfOfficeSection, { account }));
  render(h(I18nContext.Provider, { value: createI18n(lang) }, app), root);
  const details = root.querySelector('details') as HTMLDetailsElement;
  details.open = true;
  details.dispatchEvent(new Event('toggle'));
  const alert = async (): Promise<{ text: string; detail: string }> => {
    await vi.waitFor(() => expect(root.querySelector('[role=alert]')).not.toBeNull());
    const shown = root.querySelector('[role=alert]') as HTMLElement;
    const detail = shown.querySelector('code')?.textContent ?? '';
    return { text: (shown.firstChild?.textContent ?? '').trim(), detail };
  };
  return { alert };
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('automatic replies the server refuses', () => {
  it.each([
    ['en', 'The server did not give the automatic replies. Your organization does not allow changing them from this device.'],
    ['ja', 'サーバーから自動応答を取得できませんでした。この端末からの変更は組織で許可されていません。'],
  ] as const)('a refusal by policy (Settings status 3) is said in %s, the engine message only in the details', async (lang, text) => {
    const shown = await mount(lang, engineError('server', 'Settings status 3: Access denied')).alert();
    expect(shown).toEqual({ text, detail: 'Settings status 3: Access denied' });
  });

  it.each([
    [
      'en',
      'The server did not give the automatic replies. This server does not offer automatic replies to apps on your phone; set them in its web mail.',
    ],
    [
      'ja',
      'サーバーから自動応答を取得できませんでした。このサーバーはスマートフォンのアプリからの自動応答に対応していません。ウェブメールで設定してください。',
    ],
  ] as const)('a server without Oof (SOGo with vacation off) is said so in %s, not as a bare server error', async (lang, text) => {
    const message = 'Settings: the server does not offer automatic replies (no Oof in its answer)';
    const shown = await mount(lang, engineError('server', message)).alert();
    expect(shown).toEqual({ text, detail: message });
  });

  it('a busy server is said as busy, in Japanese, with no English outside the details', async () => {
    const shown = await mount('ja', engineError('busy', 'Settings status 4: Server busy')).alert();
    expect(shown.text).toMatch(/^サーバーから自動応答を取得できませんでした。/);
    expect(shown.text).not.toMatch(/[A-Za-z]/);
    expect(shown.detail).toBe('Settings status 4: Server busy');
  });
});
