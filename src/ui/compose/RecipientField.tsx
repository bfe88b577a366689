/**
 * A recipient field (To, Cc, Bcc, attendees): the people chosen as chips (name and
 * address) and a text box that suggests people as the user types, following the ARIA
 * combobox pattern (WAI-ARIA APG "Combobox": role=combobox, aria-expanded,
 * aria-controls, aria-activedescendant on a listbox of options). Arrows move, Enter or
 * Tab picks, Escape closes; a comma, Enter or leaving the box makes a chip of what was typed.
 *
 * The field's value stays one address list (RFC 5322, as drafts and sending take it):
 * the chips, then the text still being typed.
 */
import { useEffect, useId, useMemo, useState } from 'preact/hooks';
import { parseAddressList, type Address } from '../../eas/items/addresses.ts';
import type { Contact } from '../../eas/items/contact.ts';
import type { Db } from '../../store/db.ts';
import { recentKey, type RecentRecipient } from '../../store/recents.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { useApp, useLive } from '../data/live.ts';
import { listAllFolders, listFolderItems } from '../data/read.ts';
import { useI18n, type I18n } from '../i18n/index.ts';
import { classOf } from '../mail/folders.ts';
import { looksLikeEmail } from '../setup/user-name.ts';
import { galLookup, type GalState } from './gal-lookup.ts';
import {
  addressKey,
  contactPeople,
  fieldChips,
  fieldValue,
  galPeople,
  localSuggestions,
  matchRank,
  mergePeople,
  recentPeople,
  withGal,
  type Person,
} from './suggest.ts';
import { busiest, type Busy } from './free-busy.ts';

export interface RecipientFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** The account whose contacts, recent recipients and directory are asked. */
  readonly accountId: string | undefined;
  readonly hint?: string;
  readonly hintId?: string;
  /** Attendees: free/busy of each chosen person for this time (ResolveRecipients Availability). */
  readonly when?: { readonly start: Date; readonly end: Date };
}

/** The account's contacts and recent recipients, as people to suggest. */
async function loadPeople(db: Db, accountId: string | undefined): Promise<Person[]> {
  if (!accountId) return [];
  const folders = (await listAllFolders(db)).filter((f) => f.accountId === accountId && classOf(f) === 'Contacts' && f.enabled);
  const items = (await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)))).flat();
  const contacts = items.flatMap((i) => (i.class === 'Contacts' ? contactPeople(i.data as Contact) : []));
  const recents = ((await db.get('meta', recentKey(accountId)))?.value ?? []) as RecentRecipient[];
  return mergePeople(contacts, recentPeople(recents));
}

/** Typed text as addresses; a name without an address keeps its text as the address, so sending names what is wrong. */
function typed(text: string): Address[] {
  return parseAddressList(text)
    .map((a) => (a.email ? a : { email: a.name ?? '' }))
    .filter((a) => a.email !== '');
}

const IDLE: GalState = { query: '', status: 'idle', people: [] };

export function RecipientField({ label, value, onChange, accountId, hint, hintId, when }: RecipientFieldProps) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [gal, setGal] = useState<GalState>(IDLE);
  const people = useLive((db) => loadPeople(db, accountId), [accountId], ['items', 'folders', 'meta']).value ?? [];
  const chips = fieldChips(value, text);
  const taken = new Set(chips.map((c) => addressKey(c.email)));
  const local = useMemo(() => localSuggestions(text, people, taken), [text, people, value]);
  // The directory's people that still match what is typed (its last answer stays while the next is awaited).
  const shown = withGal(
    local,
    gal.people.filter((p) => matchRank(p, text) >= 0),
    taken,
  );
  const expanded = open && text.trim() !== '' && shown.length > 0;
  const busy = useFreeBusy(accountId, chips, when);

  const lookup = useMemo(
    () =>
      galLookup({
        search: async (q) => (accountId ? galPeople(await client.searchGal(accountId, q)) : []),
        online: () => client.status().online,
        onState: setGal,
      }),
    [accountId],
  );
  useEffect(() => () => lookup.stop(), [lookup]);
  // Text the parent replaced (another draft) is no longer being typed.
  useEffect(() => {
    if (text && !value.endsWith(text)) setText('');
  }, [value]);

  const update = (nextChips: readonly Address[], nextText: string) => {
    setText(nextText);
    onChange(fieldValue(nextChips, nextText));
  };
  const type = (raw: string) => {
    // A comma or semicolon ends an address: what comes before it becomes chips.
    const cut = Math.max(raw.lastIndexOf(','), raw.lastIndexOf(';'));
    const done = cut >= 0 && !/"[^"]*$/.test(raw.slice(0, cut)) ? typed(raw.slice(0, cut)) : [];
    const rest = cut >= 0 && done.length > 0 ? raw.slice(cut + 1).trimStart() : raw;
    update([...chips, ...done], rest);
    setOpen(true);
    setActive(-1);
    lookup.ask(rest);
  };
  const commit = () => {
    if (text.trim() === '') return;
    update([...chips, ...typed(text)], '');
    lookup.stop();
    setGal(IDLE);
  };
  const pick = (p: Person) => {
    update([...chips, { name: p.name, email: p.email }], '');
    setOpen(false);
    setActive(-1);
    lookup.stop();
    setGal(IDLE);
  };
  const remove = (n: number) =>
    update(
      chips.filter((_, j) => j !== n),
      text,
    );

  const onKeyDown = (e: KeyboardEvent) => {
    const n = shown.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (n === 0) return;
      e.preventDefault();
      setOpen(true);
      setActive(e.key === 'ArrowDown' ? (active + 1) % n : active <= 0 ? n - 1 : active - 1);
    } else if ((e.key === 'Enter' || e.key === 'Tab') && expanded && active >= 0 && shown[active]) {
      e.preventDefault();
      pick(shown[active] as Person);
    } else if (e.key === 'Enter' && text.trim() !== '') {
      e.preventDefault();
      commit();
    } else if (e.key === 'Escape' && expanded) {
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      setActive(-1);
    } else if (e.key === 'Backspace' && text === '' && chips.length > 0) {
      remove(chips.length - 1);
    }
  };

  const listId = `${id}-list`;
  const optionId = (n: number) => `${id}-opt-${n}`;
  const note = noteText(gal, text, i18n);
  return (
    <div class="field recipient-field">
      <label for={`${id}-input`}>{label}</label>
      <div class="recipient-box">
        {chips.length > 0 && (
          <ul class="chips">
            {chips.map((c, n) => (
              <li class={looksLikeEmail(c.email) ? 'chip' : 'chip invalid'} key={`${c.email}-${n}`}>
                <span class="chip-text">
                  <span class="chip-name">{c.name || c.email}</span>
                  {c.name && <span class="chip-address">{c.email}</span>}
                  {busy.get(addressKey(c.email)) !== undefined && (
                    <span class={`chip-busy fb-${busy.get(addressKey(c.email))}`}>
                      {busyText(busy.get(addressKey(c.email)) as Busy, i18n)}
                    </span>
                  )}
                </span>
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t('recipients.remove', { name: c.name || c.email })}
                  onClick={() => remove(n)}
                >
                  <Icon name="close" size={14} />
                </button>
              </li>
            ))}
          </ul>
        )}
        <input
          id={`${id}-input`}
          type="text"
          inputMode="email"
          autoComplete="off"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? optionId(active) : undefined}
          aria-describedby={hintId}
          value={text}
          onInput={(e) => type(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            commit();
            setOpen(false);
          }}
        />
      </div>
      <div class="suggestions" role="listbox" id={listId} aria-label={t('recipients.suggestions')} hidden={!expanded}>
        {expanded &&
          shown.map((p, n) => (
            // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useKeyWithClickEvents: the combobox keeps the focus and the keys; options are reached by aria-activedescendant (WAI-ARIA APG combobox)
            <div
              key={p.email}
              id={optionId(n)}
              role="option"
              aria-selected={n === active}
              class={n === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(p)}
            >
              <Avatar name={p.name || p.email} picture={p.picture} small />
              <span class="suggestion-text">
                <span>{p.name || p.email}</span>
                <span class="sub">
                  {p.name ? `${p.email} · ` : ''}
                  {sourceText(p, i18n)}
                </span>
              </span>
            </div>
          ))}
      </div>
      <span class="hint" role="status">
        {open && note}
      </span>
      {hint !== undefined && (
        <span class="hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}

function sourceText(p: Person, { t }: I18n): string {
  if (p.source === 'gal') return t('recipients.fromDirectory');
  return p.source === 'contact' ? t('recipients.fromContacts') : t('recipients.fromRecent');
}

/** The quiet note under the box: the directory being asked, or not reachable. */
function noteText(gal: GalState, text: string, { t }: I18n): string {
  if (gal.query !== text.trim()) return '';
  if (gal.status === 'waiting') return t('recipients.searching');
  if (gal.status === 'offline') return t('recipients.offline');
  return gal.status === 'unavailable' ? t('recipients.unavailable') : '';
}

function busyText(b: Busy, { t }: I18n): string {
  const keys = { free: 'recipients.free', tentative: 'recipients.tentative', busy: 'recipients.busy', away: 'recipients.away' } as const;
  return t(keys[b]);
}

/** Free/busy of the chosen people for the time, asked again when people or time change; nothing offline. */
function useFreeBusy(
  accountId: string | undefined,
  chips: readonly Address[],
  when: RecipientFieldProps['when'],
): ReadonlyMap<string, Busy> {
  const { client } = useApp();
  const [busy, setBusy] = useState<ReadonlyMap<string, Busy>>(new Map());
  const emails = chips.map((c) => c.email).filter((e) => e.includes('@'));
  const key = `${emails.join(',')}|${when?.start.getTime()}|${when?.end.getTime()}`;
  useEffect(() => {
    if (!accountId || !when || emails.length === 0 || !(when.end > when.start)) return setBusy(new Map());
    let alive = true;
    const timer = setTimeout(() => {
      client
        .freeBusy(accountId, emails, when.start, when.end)
        .then(
          (list) =>
            alive &&
            setBusy(
              new Map(
                list.flatMap((f) => {
                  const b = busiest(f.mergedFreeBusy);
                  return b ? [[addressKey(f.email), b] as const] : [];
                }),
              ),
            ),
        )
        .catch(() => alive && setBusy(new Map()));
    }, 250);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [accountId, key]);
  return busy;
}
