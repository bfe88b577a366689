import { describe, expect, it } from 'vitest';
import type { Email } from '../../../src/eas/items/email.ts';
import type { ItemRecord } from '../../../src/store/schema.ts';
import { groupThreads, threadSenders } from '../../../src/ui/mail/threads.ts';

const mail = (serverId: string, subject: string, day: number, opts: { conv?: number; read?: boolean; from?: string } = {}): ItemRecord =>
  ({
    accountId: 'a',
    folderId: '1',
    serverId,
    id: `id-${serverId}`,
    class: 'Email',
    read: opts.read === false ? 0 : 1,
    data: {
      subject,
      dateReceived: new Date(Date.UTC(2025, 10, day)),
      from: { name: opts.from ?? 'Bob', email: 'bob@example.test' },
      to: [],
      cc: [],
      bcc: [],
      replyTo: [],
      attachments: [],
      ...(opts.conv !== undefined ? { conversationId: new Uint8Array(16).fill(opts.conv) } : {}),
    } as Email,
  }) as unknown as ItemRecord;

describe('conversations', () => {
  it('groups by ConversationId, newest conversation first, with its unread count and newest date', () => {
    const threads = groupThreads([
      mail('1', 'Plan', 1, { conv: 1, from: 'Bob' }),
      mail('2', 'Lunch', 3, { conv: 2, read: false }),
      mail('3', 'Re: Plan', 5, { conv: 1, read: false, from: '田中 博' }),
      mail('4', 'Re: Plan', 4, { conv: 1, read: false, from: 'Bob' }),
      mail('5', 'Old server', 2),
      mail('6', 'Old server', 2),
    ]);
    expect(threads.map((t) => [t.items.map((i) => i.serverId).join(','), t.unread, t.newest?.getUTCDate()])).toEqual([
      ['3,4,1', 2, 5],
      ['2', 1, 3],
      ['5', 0, 2],
      ['6', 0, 2],
    ]);
    expect(threadSenders(threads[0] as (typeof threads)[number])).toEqual(['田中 博', 'Bob']);
  });
});
