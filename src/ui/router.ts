/**
 * Hash routes, so the app works from any static server and offline:
 *   #/mail[/account/folder[/itemId]]   #/mail/search?q=…[&a=account&l=longId | &a=…&f=folder&s=serverId]   #/compose/new | /reply|replyAll|forward/account/itemId
 *   #/calendar[/agenda|day|week|month[/YYYY-MM-DD]]   #/event/new | #/event/account/itemId[/edit][?at=ISO]
 *   (`at`: one occurrence of a series, by its original start, the InstanceId of MS-ASCAL 2.2.2.25)
 *   #/drafts/account (the account's drafts)   #/compose/…?account=…&draft=id (a draft opened again)
 *   #/contacts[/account/itemId[/edit]] | #/contacts/new   #/tasks[/…same]   #/settings   #/setup   #/inspector
 * Items are named by their stable id (ItemRecord.id), never by ServerId, which changes
 * when an add is confirmed or a mail moved: a route stays good as long as the item lives.
 * (A server search hit not in the store has no id: it is named by LongId or ServerId.)
 * Path segments are URI-encoded (folder ServerIds may hold ':' or '/').
 */
import { useEffect, useState } from 'preact/hooks';
import type { ItemRef } from '../runtime/engine-client.ts';

export type CalendarView = 'agenda' | 'day' | 'week' | 'month';
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward';

export type Route =
  /** `folderId`: the list shown; `itemId`: the mail open beside it (which may have moved out of it since). */
  | { readonly name: 'mail'; readonly accountId?: string; readonly folderId?: string; readonly itemId?: string }
  | { readonly name: 'outbox'; readonly accountId?: string }
  | { readonly name: 'drafts'; readonly accountId?: string }
  | { readonly name: 'mailSearch'; readonly query: string; readonly hit?: SearchHitRef }
  | {
      readonly name: 'compose';
      readonly mode: ComposeMode;
      readonly ref?: ItemRef;
      readonly to?: string;
      readonly draft?: { readonly accountId: string; readonly id: string };
    }
  | { readonly name: 'calendar'; readonly view: CalendarView; readonly date?: string }
  | { readonly name: 'event'; readonly ref?: ItemRef; readonly edit: boolean; readonly date?: string; readonly instance?: Date }
  | { readonly name: 'contacts'; readonly ref?: ItemRef; readonly edit: boolean; readonly create: boolean }
  | { readonly name: 'tasks'; readonly ref?: ItemRef; readonly edit: boolean; readonly create: boolean }
  | { readonly name: 'settings' }
  | { readonly name: 'setup' }
  | { readonly name: 'inspector' };

/** A server search hit that is not in the store: by LongId, or by folder and ServerId. */
export type SearchHitRef =
  | { readonly accountId: string; readonly longId: string }
  | { readonly accountId: string; readonly folderId: string; readonly serverId: string };

function hitOf(query: URLSearchParams): SearchHitRef | undefined {
  const [accountId, longId, folderId, serverId] = ['a', 'l', 'f', 's'].map((k) => query.get(k) ?? undefined);
  if (!accountId) return undefined;
  if (longId) return { accountId, longId };
  return folderId && serverId ? { accountId, folderId, serverId } : undefined;
}

const VIEWS: readonly CalendarView[] = ['agenda', 'day', 'week', 'month'];
const MODES: readonly ComposeMode[] = ['new', 'reply', 'replyAll', 'forward'];

function refOf(parts: readonly string[], at: number): ItemRef | undefined {
  const [accountId, itemId] = parts.slice(at, at + 2);
  return accountId && itemId ? { accountId, itemId } : undefined;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [head, ...rest] = parts;
  switch (head) {
    case 'mail':
      if (rest[0] === 'search') return { name: 'mailSearch', query: query.get('q') ?? '', hit: hitOf(query) };
      return { name: 'mail', accountId: rest[0], folderId: rest[1], itemId: rest[2] };
    case 'outbox':
    case 'drafts':
      return { name: head, accountId: rest[0] };
    case 'compose': {
      const mode = MODES.find((m) => m === rest[0]) ?? 'new';
      const accountId = query.get('account');
      const id = query.get('draft');
      return {
        name: 'compose',
        mode,
        ref: refOf(rest, 1),
        to: query.get('to') ?? undefined,
        draft: accountId && id ? { accountId, id } : undefined,
      };
    }
    case 'calendar':
      return { name: 'calendar', view: VIEWS.find((v) => v === rest[0]) ?? 'agenda', date: rest[1] };
    case 'event':
      return rest[0] === 'new'
        ? { name: 'event', edit: true, date: query.get('date') ?? undefined }
        : { name: 'event', ref: refOf(rest, 0), edit: rest[2] === 'edit', instance: instanceOf(query.get('at')) };
    case 'contacts':
    case 'tasks':
      return { name: head, ref: refOf(rest, 0), edit: rest[2] === 'edit' || rest[0] === 'new', create: rest[0] === 'new' };
    case 'settings':
    case 'setup':
    case 'inspector':
      return { name: head };
    default:
      return { name: 'mail' };
  }
}

function instanceOf(at: string | null): Date | undefined {
  const d = at ? new Date(at) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const enc = encodeURIComponent;

export function refPath(ref: ItemRef): string {
  return `${enc(ref.accountId)}/${enc(ref.itemId)}`;
}

/** Hrefs for links and buttons. */
export const href = {
  mail: (accountId?: string, folderId?: string, itemId?: string) =>
    '#/mail' +
    [accountId, folderId, itemId]
      .filter((x): x is string => x !== undefined)
      .map((x) => '/' + enc(x))
      .join(''),
  outbox: (accountId: string) => `#/outbox/${enc(accountId)}`,
  drafts: (accountId: string) => `#/drafts/${enc(accountId)}`,
  draft: (d: { accountId: string; id: string; mode: ComposeMode; source?: ItemRef }) =>
    `#/compose/${d.mode}${d.source ? '/' + refPath(d.source) : ''}?account=${enc(d.accountId)}&draft=${enc(d.id)}`,
  mailSearch: (q: string, hit?: SearchHitRef) => {
    const params = new URLSearchParams({ q });
    const ids: Record<string, string> = !hit
      ? {}
      : 'longId' in hit
        ? { a: hit.accountId, l: hit.longId }
        : { a: hit.accountId, f: hit.folderId, s: hit.serverId };
    for (const [k, v] of Object.entries(ids)) params.set(k, v);
    return `#/mail/search?${params.toString()}`;
  },
  compose: (mode: ComposeMode, ref?: ItemRef, to?: string) =>
    `#/compose/${mode}${ref ? '/' + refPath(ref) : ''}${to ? '?to=' + enc(to) : ''}`,
  calendar: (view: CalendarView, date?: string) => `#/calendar/${view}${date ? '/' + date : ''}`,
  event: (ref: ItemRef, edit = false, instance?: Date) =>
    `#/event/${refPath(ref)}${edit ? '/edit' : ''}${instance ? '?at=' + instance.toISOString() : ''}`,
  newEvent: (date?: string) => `#/event/new${date ? '?date=' + date : ''}`,
  contacts: (ref?: ItemRef, edit = false) => `#/contacts${ref ? '/' + refPath(ref) : ''}${edit ? '/edit' : ''}`,
  newContact: () => '#/contacts/new',
  tasks: (ref?: ItemRef, edit = false) => `#/tasks${ref ? '/' + refPath(ref) : ''}${edit ? '/edit' : ''}`,
  newTask: () => '#/tasks/new',
  settings: () => '#/settings',
  setup: () => '#/setup',
  inspector: () => '#/inspector',
};

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else location.hash = to;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [first] = useState(() => location.hash);
  const [route, setRoute] = useState(() => parseRoute(first));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    // The hash may have changed between the first render and this effect (a link followed
    // while the app was still starting): its hashchange fired before anyone listened.
    if (location.hash !== first) on();
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
