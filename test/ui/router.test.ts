import { describe, expect, it } from 'vitest';
import { href, parseRoute } from '../../src/ui/router.ts';

describe('routes', () => {
  it('round-trips ServerIds with slashes and colons', () => {
    const ref = { accountId: 'a1', folderId: 'mail/INBOX', serverId: '5:12/x' };
    expect(parseRoute(href.mail(ref.accountId, ref.folderId, ref.serverId))).toEqual({ name: 'mail', ...ref });
    expect(parseRoute(href.event(ref, true))).toEqual({ name: 'event', ref, edit: true });
    expect(parseRoute(href.compose('replyAll', ref))).toEqual({ name: 'compose', mode: 'replyAll', ref, to: undefined });
  });
  it('reads views, new items and searches', () => {
    expect(parseRoute('#/calendar/week/2025-03-10')).toEqual({ name: 'calendar', view: 'week', date: '2025-03-10' });
    expect(parseRoute('#/calendar/bogus')).toEqual({ name: 'calendar', view: 'agenda', date: undefined });
    expect(parseRoute('#/contacts/new')).toMatchObject({ name: 'contacts', create: true, edit: true });
    expect(parseRoute(href.mailSearch('見積 & co'))).toEqual({ name: 'mailSearch', query: '見積 & co' });
    expect(parseRoute('')).toEqual({ name: 'mail' });
  });
});
