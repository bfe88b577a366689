/**
 * Renders one mail through the real MessageView (store, in-page engine client, sanitizer, sandboxed
 * iframe) for the hostile-mail test. `window.__showMail(html)` stores the body and mounts
 * the view; it resolves when the iframe has loaded the result.
 */
import { render } from 'preact';
import { openStore } from '../../../src/store/db.ts';
import type { Email } from '../../../src/eas/items/email.ts';
import type { ItemRecord } from '../../../src/store/schema.ts';
import { AppContext } from '../../../src/ui/data/live.ts';
import { openEngine } from '../../../src/runtime/engine-adapter.ts';
import { createI18n, I18nContext } from '../../../src/ui/i18n/index.ts';
import { MessageView } from '../../../src/ui/mail/MessageView.tsx';
import '../../../src/ui/styles.css';
import { demoAccount, PIXEL_PNG } from './demo-data.ts';

const ACCOUNT = 'hostile';
const FOLDER = 'inbox';
let n = 0;

declare global {
  interface Window {
    __showMail(html: string): Promise<string>;
    __ready: boolean;
  }
}

async function main(): Promise<void> {
  const store = await openStore({ name: 'hostile-harness' });
  // No server: the body and the inline part come from the store.
  const { client } = openEngine({ store, transport: () => Promise.reject(new TypeError('no network in the harness')) });
  const root = document.getElementById('app');
  if (!root) return;
  // The engine answers attachments for known accounts only (from its cache here).
  await store.db.put('accounts', { ...demoAccount(Date.now()), id: ACCOUNT });
  await store.db.put('attachments', {
    accountId: ACCOUNT,
    fileReference: 'logo',
    contentType: 'image/png',
    bytes: PIXEL_PNG,
    size: PIXEL_PNG.length,
    lastUsed: Date.now(),
  });
  window.__showMail = async (html: string) => {
    const serverId = `h${++n}`;
    const data: Email = {
      to: [{ email: 'alice@example.test' }],
      cc: [],
      replyTo: [],
      bcc: [],
      from: { name: 'Mallory', email: 'mallory@evil.test' },
      subject: `hostile ${n}`,
      dateReceived: new Date(),
      read: true,
      attachments: [{ fileReference: 'logo', displayName: 'logo.png', contentId: '<logo@hostile>', isInline: true }],
    };
    const item: ItemRecord = {
      accountId: ACCOUNT,
      folderId: FOLDER,
      serverId,
      id: serverId,
      class: 'Email',
      data,
      sortKey: '',
      read: 1,
      updatedAt: Date.now(),
    };
    await store.db.put('items', item);
    await store.db.put('bodies', { accountId: ACCOUNT, folderId: FOLDER, serverId, type: 2, data: html, fetchedAt: Date.now() });
    render(
      <AppContext.Provider value={{ db: store.db, client }}>
        <I18nContext.Provider value={createI18n('en')}>
          <MessageView key={serverId} item={item} folders={[]} />
        </I18nContext.Provider>
      </AppContext.Provider>,
      root,
    );
    return serverId;
  };
  window.__ready = true;
}

void main();
