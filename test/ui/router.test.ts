import { describe, expect, it } from 'vitest';
import { href, parseRoute } from '../../src/ui/router.ts';

describe('routes', () => {
  it('round-trips ids with slashes and colons', () => {
    const ref = { accountId: 'a1', itemId: '5:12/x' };
    expect(parseRoute(href.mail(ref.accountId, 'mail/INBOX', ref.itemId))).toEqual({
      name: 'mail',
      accountId: 'a1',
      folderId: 'mail/INBOX',
      itemId: '5:12/x',
    });
    expect(parseRoute(href.event(ref, true))).toEqual({ name: 'event', ref, edit: true });
    const at = new Date('2025-03-13T00:30:00Z');
    expect(parseRoute(href.event(ref, false, at))).toEqual({ name: 'event', ref, edit: false, instance: at });
    expect(parseRoute(`${href.event(ref)}?at=nonsense`)).toEqual({ name: 'event', ref, edit: false });
    expect(parseRoute(href.compose('replyAll', ref))).toEqual({ name: 'compose', mode: 'replyAll', ref, to: undefined, draft: undefined });
    expect(parseRoute(href.draft({ accountId: 'a/1', id: 'd9', mode: 'reply', source: ref }))).toEqual({
      name: 'compose',
      mode: 'reply',
      ref,
      to: undefined,
      draft: { accountId: 'a/1', id: 'd9' },
    });
    expect(parseRoute(href.drafts('a1'))).toEqual({ name: 'drafts', accountId: 'a1' });
  });
  it('reads views, new items and searches', () => {
    expect(parseRoute('#/calendar/week/2025-03-10')).toEqual({ name: 'calendar', view: 'week', date: '2025-03-10' });
    expect(parseRoute('#/calendar/bogus')).toEqual({ name: 'calendar', view: 'agenda', date: undefined });
    expect(parseRoute('#/contacts/new')).toMatchObject({ name: 'contacts', create: true, edit: true });
    expect(parseRoute(href.mailSearch('見積 & co'))).toEqual({ name: 'mailSearch', query: '見積 & co' });
    expect(parseRoute('')).toEqual({ name: 'mail' });
  });
  it('names a server search hit by LongId, or by folder and ServerId', () => {
    const byLong = { accountId: 'a1', longId: 'RgAAAAD/+x?=&' };
    const byId = { accountId: 'a1', folderId: 'mail/INBOX', serverId: '5:12' };
    expect(parseRoute(href.mailSearch('q r', byLong))).toEqual({ name: 'mailSearch', query: 'q r', hit: byLong });
    expect(parseRoute(href.mailSearch('q', byId))).toEqual({ name: 'mailSearch', query: 'q', hit: byId });
  });
});
