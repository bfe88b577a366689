import { describe, expect, it } from 'vitest';
import type { Email } from '../../../src/eas/items/email.ts';
import { quote, replyRecipients } from '../../../src/ui/compose/ComposeScreen.tsx';

const mail: Email = {
  from: { name: 'Ann', email: 'ann@example.com' },
  to: [{ email: 'me@example.com' }, { name: 'Bob', email: 'bob@example.com' }],
  cc: [{ email: 'ME@example.com' }, { email: 'carol@example.com' }, { email: 'ann@example.com' }],
  replyTo: [],
  bcc: [],
  attachments: [],
};

describe('reply recipients', () => {
  it('reply goes to the sender, or to Reply-To when set', () => {
    expect(replyRecipients(mail, false, 'me@example.com')).toEqual({ to: [mail.from], cc: [] });
    expect(replyRecipients({ ...mail, replyTo: [{ email: 'list@example.com' }] }, false, 'me@example.com').to).toEqual([
      { email: 'list@example.com' },
    ]);
  });
  it('reply-all adds To and Cc without the user and without duplicates', () => {
    expect(replyRecipients(mail, true, 'me@example.com')).toEqual({
      to: [mail.from, { name: 'Bob', email: 'bob@example.com' }],
      cc: [{ email: 'carol@example.com' }],
    });
  });
  it('quotes every line', () => {
    expect(quote('a\n> b\n')).toBe('> a\n>> b');
  });
});
