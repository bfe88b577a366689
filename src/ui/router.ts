/**
 * Hash routes, so the app works from any static server and offline:
 *   #/mail[/account/folder[/serverId]]   #/mail/search?q=…   #/compose/new | /reply|replyAll|forward/account/folder/serverId
 *   #/calendar[/agenda|day|week|month[/YYYY-MM-DD]]   #/event/new | #/event/account/folder/serverId[/edit]
 *   #/contacts[/account/folder/serverId[/edit]] | #/contacts/new   #/tasks[/…same]   #/settings   #/setup   #/inspector
 * Path segments are URI-encoded: ServerIds may hold ':' or '/'.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ItemRef } from './engine-client.ts';

export type CalendarView = 'agenda' | 'day' | 'week' | 'month';
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward';

export type Route =
  | { readonly name: 'mail'; readonly accountId?: string; readonly folderId?: string; readonly serverId?: string }
  | { readonly name: 'outbox'; readonly accountId?: string }
  | { readonly name: 'mailSearch'; readonly query: string }
  | { readonly name: 'compose'; readonly mode: ComposeMode; readonly ref?: ItemRef; readonly to?: string }
  | { readonly name: 'calendar'; readonly view: CalendarView; readonly date?: string }
  | { readonly name: 'event'; readonly ref?: ItemRef; readonly edit: boolean; readonly date?: string }
  | { readonly name: 'contacts'; readonly ref?: ItemRef; readonly edit: boolean; readonly create: boolean }
  | { readonly name: 'tasks'; readonly ref?: ItemRef; readonly edit: boolean; readonly create: boolean }
  | { readonly name: 'settings' }
  | { readonly name: 'setup' }
  | { readonly name: 'inspector' };

const VIEWS: readonly CalendarView[] = ['agenda', 'day', 'week', 'month'];
const MODES: readonly ComposeMode[] = ['new', 'reply', 'replyAll', 'forward'];

function refOf(parts: readonly string[], at: number): ItemRef | undefined {
  const [a, f, s] = parts.slice(at, at + 3);
  return a && f && s ? { accountId: a, folderId: f, serverId: s } : undefined;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const query = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  const [head, ...rest] = parts;
  switch (head) {
    case 'mail':
      if (rest[0] === 'search') return { name: 'mailSearch', query: query.get('q') ?? '' };
      return { name: 'mail', accountId: rest[0], folderId: rest[1], serverId: rest[2] };
    case 'outbox':
      return { name: 'outbox', accountId: rest[0] };
    case 'compose': {
      const mode = MODES.find((m) => m === rest[0]) ?? 'new';
      return { name: 'compose', mode, ref: refOf(rest, 1), to: query.get('to') ?? undefined };
    }
    case 'calendar':
      return { name: 'calendar', view: VIEWS.find((v) => v === rest[0]) ?? 'agenda', date: rest[1] };
    case 'event':
      return rest[0] === 'new'
        ? { name: 'event', edit: true, date: query.get('date') ?? undefined }
        : { name: 'event', ref: refOf(rest, 0), edit: rest[3] === 'edit' };
    case 'contacts':
    case 'tasks':
      return { name: head, ref: refOf(rest, 0), edit: rest[3] === 'edit' || rest[0] === 'new', create: rest[0] === 'new' };
    case 'settings':
    case 'setup':
    case 'inspector':
      return { name: head };
    default:
      return { name: 'mail' };
  }
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
  return `${enc(ref.accountId)}/${enc(ref.folderId)}/${enc(ref.serverId)}`;
}

/** Hrefs for links and buttons. */
export const href = {
  mail: (accountId?: string, folderId?: string, serverId?: string) =>
    '#/mail' + [accountId, folderId, serverId].filter((x): x is string => x !== undefined).map((x) => '/' + enc(x)).join(''),
  outbox: (accountId: string) => `#/outbox/${enc(accountId)}`,
  mailSearch: (q: string) => `#/mail/search?q=${enc(q)}`,
  compose: (mode: ComposeMode, ref?: ItemRef, to?: string) =>
    `#/compose/${mode}${ref ? '/' + refPath(ref) : ''}${to ? '?to=' + enc(to) : ''}`,
  calendar: (view: CalendarView, date?: string) => `#/calendar/${view}${date ? '/' + date : ''}`,
  event: (ref: ItemRef, edit = false) => `#/event/${refPath(ref)}${edit ? '/edit' : ''}`,
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
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
