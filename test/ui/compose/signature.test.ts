// @vitest-environment happy-dom
/**
 * The signature in compose: after "-- " above the quote of a reply or forward, alone in
 * a new mail; an HTML signature shown as its text and sent as its HTML (scripts out);
 * another From account swaps it.
 */
import { describe, expect, it } from 'vitest';
import type { Email } from '../../../src/eas/items/email.ts';
import type { AccountRecord, ItemRecord } from '../../../src/store/schema.ts';
import { initialDraft, switchSignature } from '../../../src/ui/compose/ComposeScreen.tsx';
import { cleanSignatureHtml, htmlWithSignature, signatureBlock } from '../../../src/ui/compose/signature.ts';
import { createI18n } from '../../../src/ui/i18n/index.ts';

const account = (signature?: AccountRecord['signature'], id = 'a1'): AccountRecord => ({
  id,
  email: `${id}@example.test`,
  url: 'https://x',
  user: id,
  deviceId: 'd',
  deviceType: 't',
  folderSyncKey: '0',
  classes: { Email: true, Calendar: true, Contacts: true, Tasks: true },
  filters: { Email: 3, Calendar: 0, Contacts: 0, Tasks: 0 },
  push: 'push',
  intervalMinutes: 15,
  state: { kind: 'ok' },
  createdAt: 0,
  signature,
});

const original: ItemRecord = {
  accountId: 'a1',
  folderId: 'inbox',
  serverId: '1:1',
  id: 'm1',
  class: 'Email',
  sortKey: '',
  updatedAt: 0,
  data: {
    from: { name: 'Ann', email: 'ann@example.test' },
    to: [{ email: 'a1@example.test' }],
    cc: [],
    bcc: [],
    replyTo: [],
    attachments: [],
    subject: 'Lunch',
    dateReceived: new Date(Date.UTC(2026, 11, 1, 3)),
  } satisfies Email,
};
const body = { accountId: 'a1', folderId: 'inbox', serverId: '1:1', type: 1, data: 'Noon?', fetchedAt: 0 };
const i18n = createI18n('en');
const plain = account({ text: 'Alice Example\nSales', html: false });

describe('signature in compose', () => {
  it('a new mail starts with the signature after a blank line', () => {
    expect(initialDraft('new', plain, undefined, undefined, i18n).text).toBe('\n\n-- \nAlice Example\nSales');
  });

  it('a reply has it above the quote', () => {
    const text = initialDraft('reply', plain, original, body, i18n).text;
    expect(text.split('\n')).toEqual([
      '',
      '',
      '-- ',
      'Alice Example',
      'Sales',
      '',
      expect.stringMatching(/^On .*, Ann wrote:$/),
      '> Noon?',
    ]);
  });

  it('a forward has it above the forwarded header', () => {
    const lines = initialDraft('forward', plain, original, body, i18n).text.split('\n');
    expect(lines.slice(0, 7)).toEqual(['', '', '-- ', 'Alice Example', 'Sales', '', i18n.t('mail.forwardHeader')]);
  });

  it('no signature, no dashes', () => {
    expect(initialDraft('new', account(), undefined, undefined, i18n).text).toBe('');
    expect(initialDraft('reply', account(), original, body, i18n).text.startsWith('\n\nOn ')).toBe(true);
  });

  it('an HTML signature shows as text and goes as its HTML, without scripts', () => {
    const sig = { text: '<p><b>Alice</b> Example</p><p onclick="x()">Sales<script>alert(1)</script></p>', html: true };
    expect(signatureBlock(sig)).toBe('-- \nAlice Example\n\nSales');
    const text = `Hi Bob & co\n\n${signatureBlock(sig)}\n\n> quoted <b>`;
    const html = htmlWithSignature(text, sig) ?? '';
    expect(html).toContain(
      '<div style="white-space:pre-wrap">Hi Bob &amp; co\n\n</div><div class="signature">-- <br><p><b>Alice</b> Example</p><p>Sales</p></div>',
    );
    expect(html).toContain('&gt; quoted &lt;b&gt;');
    expect(html).not.toMatch(/script|onclick/);
    expect(
      cleanSignatureHtml(
        '<a href="javascript:alert(1)" onmouseover="x()">me</a> <a href="mailto:a@b.test">mail</a><iframe src="https://x.test"></iframe><form>f</form>',
      ),
    ).toBe('<a>me</a> <a href="mailto:a@b.test">mail</a>');
  });

  it('no HTML part when the signature is plain or its block was edited', () => {
    const sig = { text: '<b>Alice</b>', html: true };
    expect(htmlWithSignature('Hi\n\n-- \nAlice', plain.signature)).toBeUndefined();
    expect(htmlWithSignature('Hi\n\n-- \nAlicia', sig)).toBeUndefined();
    expect(htmlWithSignature('Hi\n\n-- \nAlice', sig)).toContain('<b>Alice</b>');
  });

  it('another From account swaps the signature, or takes it away', () => {
    const work = account({ text: 'Bob at Work', html: false }, 'a2');
    const text = initialDraft('reply', plain, original, body, i18n).text;
    const swapped = switchSignature(text, plain, work);
    expect(swapped.startsWith('\n\n-- \nBob at Work\n\nOn ')).toBe(true);
    expect(switchSignature(swapped, work, account(undefined, 'a3')).startsWith('\n\nOn ')).toBe(true);
    expect(switchSignature('', account(undefined, 'a3'), work)).toBe('\n\n-- \nBob at Work');
  });
});
