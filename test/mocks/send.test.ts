/** SendMail, SmartReply and SmartForward: delivery to local users, Sent Items, originals included. */
import { describe, expect, it } from 'vitest';
import { ns, textAt, type El } from '../../src/wbxml/tree.ts';
import { mailContent, type Mail, type Mailbox } from '../../mocks/model.ts';
import { TestClient, folderId, testServer } from './helpers.ts';

const CM = ns('ComposeMail');
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function mime(subject: string, to: string, ...extraHeaders: string[]): string {
  const headers = [
    'From: Alice Sato <alice@example.test>',
    `To: ${to}`,
    ...extraHeaders,
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  return [...headers, '', `Hello from Alice: ${subject}`, ''].join('\r\n');
}

function mails(s: ReturnType<typeof testServer>, user: string, type: number): Mail[] {
  const box = s.mock.world.mailboxes.get(user) as Mailbox;
  const folder = [...box.folders.values()].find((f) => f.type === type && !f.shared);
  return [...(folder?.store.items.values() ?? [])].flatMap((i) => (i.data.kind === 'mail' ? [i.data] : []));
}

const sendMail = (c: TestClient, m: string, clientId: string, save = true): Promise<{ status: number; tree: El | null }> =>
  c.post('SendMail', CM('SendMail', CM('ClientId', clientId), save && CM('SaveInSentItems'), CM('Mime', enc(m))));

describe('SendMail', () => {
  it('delivers to another user’s Inbox, hides Bcc, and keeps a copy in Sent Items', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const before = mails(s, 'bob', 2).length;
    const r = await sendMail(c, mime('Lunch? ランチ', 'Bob Becker <bob@example.test>', 'Bcc: carol@example.test'), 'm-1');
    expect(r.status).toBe(200);
    expect(r.tree).toBeNull(); // 14.x success: empty body
    const inbox = mails(s, 'bob', 2);
    expect(inbox).toHaveLength(before + 1);
    const got = inbox.find((m) => m.subject === 'Lunch? ランチ') as Mail;
    expect(mailContent(got).text).toContain('Hello from Alice');
    expect(new TextDecoder().decode(got.raw)).not.toMatch(/^Bcc:/im);
    expect(mails(s, 'carol', 2).some((m) => m.subject === 'Lunch? ランチ')).toBe(true);
    expect(mails(s, 'alice', 5).some((m) => m.subject === 'Lunch? ランチ' && new TextDecoder().decode(m.raw).includes('Bcc:'))).toBe(true);
  });

  it('does not save to Sent Items without SaveInSentItems, and refuses a repeated ClientId with 118', async () => {
    const s = testServer();
    const c = new TestClient(s);
    const sent = mails(s, 'alice', 5).length;
    await sendMail(c, mime('no copy', 'bob@example.test'), 'm-2', false);
    expect(mails(s, 'alice', 5)).toHaveLength(sent);
    const again = await sendMail(c, mime('no copy', 'bob@example.test'), 'm-2', false);
    expect(textAt(again.tree as El, 'Status')).toBe('118');
    expect(mails(s, 'bob', 2).filter((m) => m.subject === 'no copy')).toHaveLength(1);
  });

  it('takes the raw MIME with SaveInSent=T in 12.1', async () => {
    const s = testServer();
    const c = new TestClient(s, { version: '12.1' });
    const r = await c.server.handle(
      new Request(c.url('SendMail', { SaveInSent: 'T' }), {
        method: 'POST',
        headers: { ...c.headers(), 'Content-Type': 'message/rfc822' },
        body: mime('via 12.1', 'bob@example.test'),
      }),
    );
    expect(r.status).toBe(200);
    expect(mails(s, 'bob', 2).some((m) => m.subject === 'via 12.1')).toBe(true);
    expect(mails(s, 'alice', 5).some((m) => m.subject === 'via 12.1')).toBe(true);
  });

  it('answers a message without recipients with 119', async () => {
    const c = new TestClient(testServer());
    const r = await sendMail(c, 'From: alice@example.test\r\nSubject: nobody\r\n\r\nx\r\n', 'm-3');
    expect(textAt(r.tree as El, 'Status')).toBe('119');
  });
});

describe('SmartReply and SmartForward', () => {
  async function original(): Promise<{ s: ReturnType<typeof testServer>; c: TestClient; inbox: string; id: string; mail: Mail }> {
    const s = testServer();
    const c = new TestClient(s);
    const fs = await c.folderSync();
    const inbox = folderId(fs.adds, 'Inbox');
    const store = s.mock.world.mailboxes.get('alice')?.folders.get(inbox)?.store;
    const item = [...(store?.items.values() ?? [])].find(
      (i) => i.data.kind === 'mail' && mailContent(i.data).attachments.some((a) => !a.inline),
    );
    if (item?.data.kind !== 'mail') throw new Error('no mail with an attachment');
    return { s, c, inbox, id: item.id, mail: item.data };
  }

  it('SmartReply sends the new text followed by the original, and marks the original replied', async () => {
    const { s, c, inbox, id, mail } = await original();
    const r = await c.post(
      'SmartReply',
      CM(
        'SmartReply',
        CM('ClientId', 'r-1'),
        CM('Source', CM('FolderId', inbox), CM('ItemId', id)),
        CM('SaveInSentItems'),
        CM('Mime', enc(mime(`Re: ${mail.subject}`, 'bob@example.test'))),
      ),
    );
    expect(r.status).toBe(200);
    const got = mails(s, 'bob', 2).find((m) => m.subject === `Re: ${mail.subject}`) as Mail;
    const text = mailContent(got).text;
    expect(text).toContain('Hello from Alice');
    expect(text).toContain(mailContent(mail).text.split('\n')[0]);
    expect(mail.lastVerb?.verb).toBe(1);
  });

  it('SmartForward carries the original attachments; an unknown source gives 150', async () => {
    const { s, c, inbox, id, mail } = await original();
    await c.post(
      'SmartForward',
      CM(
        'SmartForward',
        CM('ClientId', 'f-1'),
        CM('Source', CM('FolderId', inbox), CM('ItemId', id)),
        CM('Mime', enc(mime(`Fw: ${mail.subject}`, 'bob@example.test'))),
      ),
    );
    const got = mails(s, 'bob', 2).find((m) => m.subject === `Fw: ${mail.subject}`) as Mail;
    const names = mailContent(got).attachments.map((a) => a.name);
    for (const a of mailContent(mail).attachments.filter((x) => !x.inline)) expect(names).toContain(a.name);
    expect(mail.lastVerb?.verb).toBe(3);
    const bad = await c.post(
      'SmartForward',
      CM(
        'SmartForward',
        CM('ClientId', 'f-2'),
        CM('Source', CM('FolderId', inbox), CM('ItemId', 'x:1')),
        CM('Mime', enc(mime('Fw: x', 'bob@example.test'))),
      ),
    );
    expect(textAt(bad.tree as El, 'Status')).toBe('150');
  });
});
