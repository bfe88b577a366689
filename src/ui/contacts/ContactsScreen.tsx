/**
 * Contacts: the list (virtual, any size), a search that merges the Global Address List
 * into the local matches, the detail card, and the editor.
 */
import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { GalEntry } from '../../eas/commands/search.ts';
import type { Contact } from '../../eas/items/contact.ts';
import type { Db } from '../../store/db.ts';
import type { ItemRecord } from '../../store/schema.ts';
import { ofClass } from '../../store/item.ts';
import { Avatar, pictureUrl } from '../components/Avatar.tsx';
import { Field } from '../components/Field.tsx';
import { Icon } from '../components/Icon.tsx';
import { VirtualList } from '../components/VirtualList.tsx';
import { refOf, type ItemRef } from '../../runtime/engine-client.ts';
import { useApp, useLive } from '../data/live.ts';
import { getItem, listAccounts, listAllFolders, listFolderItems } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';
import { FolderSelect, folderKey, loadFolderChoice, saveFolderChoice, targetFolder } from '../components/FolderSelect.tsx';
import { classOf, folderName, folderTree, type TreeRow } from '../mail/folders.ts';
import { href, navigate, type Route } from '../router.ts';
import { SyncButton } from '../status/Status.tsx';
import {
  applyContactEdits,
  CONTACT_FIELDS,
  contactFromGal,
  displayName,
  formFromContact,
  sortContacts,
  type ContactForm,
  type ContactFormField,
} from './contact-edit.ts';

type ContactsRoute = Extract<Route, { name: 'contacts' }>;

async function loadContacts(db: Db): Promise<ItemRecord[]> {
  const folders = (await listAllFolders(db)).filter((f) => classOf(f) === 'Contacts' && f.enabled);
  const lists = await Promise.all(folders.map((f) => listFolderItems(db, f.accountId, f.serverId)));
  return lists.flat();
}

export function ContactsScreen({ route }: { route: ContactsRoute }) {
  if (route.create) return <ContactEditor />;
  if (route.ref) return <ContactPage contactRef={route.ref} edit={route.edit} />;
  return <ContactList />;
}

function matches(c: Contact, q: string): boolean {
  const text = [
    c.fileAs,
    c.firstName,
    c.lastName,
    c.yomiFirstName,
    c.yomiLastName,
    c.companyName,
    c.email1Address,
    c.email2Address,
    c.email3Address,
    c.mobilePhoneNumber,
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return text.includes(q);
}

function useGal(query: string): { results: GalEntry[]; searching: boolean } {
  const { client } = useApp();
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const [results, setResults] = useState<GalEntry[]>([]);
  const [searching, setSearching] = useState(false);
  useEffect(() => {
    setResults([]);
    if (query.trim().length < 2 || accounts.length === 0) return;
    let alive = true;
    const timer = setTimeout(() => {
      setSearching(true);
      Promise.all(accounts.map((a) => client.searchGal(a.id, query.trim()).catch(() => [])))
        .then((lists) => alive && setResults(lists.flat()))
        .finally(() => alive && setSearching(false));
    }, 300);
    return () => {
      alive = false;
      clearTimeout(timer);
    };
  }, [query, accounts.length]);
  return { results, searching };
}

function ContactRow({ c }: { c: Contact }) {
  const name = displayName(c);
  return (
    <div class="contact-row">
      <Avatar name={name} picture={pictureUrl(c.picture)} />
      <span class="contact-main">
        <span>{name}</span>
        <br />
        <span class="sub">{[c.companyName, c.email1Address].filter(Boolean).join(' · ')}</span>
      </span>
    </div>
  );
}

/** MS-ASCMD 2.2.3.186.3 Type 9: the default Contacts folder; 14 a user-created one. */
const DEFAULT_CONTACTS = 9;
const SCREEN = 'contacts';

/** The synced contact folders as a tree: the default one, its subfolders (家族 Family), shared ones. */
function useContactFolders(): TreeRow[] {
  const folders = useLive(listAllFolders, [], ['folders']).value ?? [];
  return folderTree(
    folders.filter((f) => f.enabled),
    'Contacts',
  );
}

function ContactList() {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const contacts = useLive(loadContacts, [], ['items', 'folders']);
  const rows = useContactFolders();
  const [folder, setFolder] = useState(loadFolderChoice(SCREEN));
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const q = query.trim().toLowerCase();
  const shownFolder = rows.some((r) => folderKey(r.folder) === folder) ? folder : '';
  const list = useMemo(
    () =>
      sortContacts(
        (contacts.value ?? [])
          .filter(ofClass('Contacts'))
          .filter((i) => !shownFolder || folderKey({ accountId: i.accountId, serverId: i.folderId }) === shownFolder),
        (i) => i.data,
        locale,
      ),
    [contacts.value, locale, shownFolder],
  );
  const pick = (key: string) => {
    setFolder(key);
    saveFolderChoice(SCREEN, key);
  };
  const shown = useMemo(() => (q ? list.filter((i) => matches(i.data, q)) : list), [list, q]);
  const gal = useGal(query);
  const known = new Set(shown.flatMap((i) => [i.data.email1Address?.toLowerCase()]).filter(Boolean));
  const directory = gal.results.filter((g) => !g.emailAddress || !known.has(g.emailAddress.toLowerCase()));

  return (
    <div class="screen-col">
      <header class="bar">
        <h1 tabIndex={-1}>{t('nav.contacts')}</h1>
        <SyncButton />
        <a class="icon-btn" href={href.newContact()} aria-label={t('contacts.new')} title={t('contacts.new')}>
          <Icon name="plus" />
        </a>
      </header>
      <form class="search" role="search" onSubmit={(e) => e.preventDefault()}>
        <Icon name="search" />
        <input
          type="search"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
          placeholder={t('contacts.search')}
          aria-label={t('contacts.search')}
        />
      </form>
      {rows.length > 1 && (
        <div class="folder-filter">
          <FolderSelect
            label={t('contacts.folder')}
            rows={rows}
            value={shownFolder}
            onChange={pick}
            name={(f) => folderName(f, i18n)}
            all={t('contacts.allFolders')}
          />
        </div>
      )}
      {q ? (
        <div class="screen-body">
          <ul class="plain-list">
            {shown.slice(0, 200).map((i) => (
              <li key={i.id}>
                <a href={href.contacts(refOf(i))}>
                  <ContactRow c={i.data} />
                </a>
              </li>
            ))}
          </ul>
          {(directory.length > 0 || gal.searching) && <h2 class="section-title">{t('contacts.directory')}</h2>}
          {gal.searching && <p class="hint padded">{t('contacts.searchingDirectory')}</p>}
          <ul class="plain-list">
            {directory.map((g, n) => (
              <GalRow key={(g.emailAddress ?? '') + n} entry={g} />
            ))}
          </ul>
          {shown.length === 0 && directory.length === 0 && !gal.searching && <p class="empty">{t('mail.searchNone')}</p>}
        </div>
      ) : (
        <VirtualList
          count={shown.length}
          rowHeight={60}
          label={t('nav.contacts')}
          idPrefix="contact"
          active={active}
          onActive={setActive}
          onOpen={(i) => {
            const item = shown[i];
            if (item) navigate(href.contacts(refOf(item)));
          }}
          empty={contacts.loading ? null : <p class="empty">{t('contacts.empty')}</p>}
          renderRow={(i) => {
            const item = shown[i];
            return item ? <ContactRow c={item.data} /> : null;
          }}
        />
      )}
    </div>
  );
}

function GalRow({ entry }: { entry: GalEntry }) {
  const { client, db } = useApp();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const add = async () => {
    const folder = (await listAllFolders(db)).find((f) => classOf(f) === 'Contacts' && f.type === 9);
    if (!folder) return;
    const ref = await client.createItem(folder.accountId, folder.serverId, contactFromGal(entry));
    navigate(href.contacts(ref));
  };
  const name = entry.displayName ?? [entry.firstName, entry.lastName].filter(Boolean).join(' ');
  return (
    <li>
      <button
        type="button"
        class="contact-row"
        style={{ width: '100%', border: 'none', background: 'none', textAlign: 'start' }}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <Avatar name={name} picture={entry.picture?.status === 1 ? pictureUrl(entry.picture.data) : undefined} />
        <span class="contact-main">
          <span>{name}</span>
          <br />
          <span class="sub">{[entry.title, entry.company, entry.emailAddress].filter(Boolean).join(' · ')}</span>
        </span>
      </button>
      {open && (
        <div class="padded">
          <dl class="kv">
            {entry.emailAddress && (
              <>
                <dt>{t('contacts.email')}</dt>
                <dd>
                  <a href={href.compose('new', undefined, entry.emailAddress)}>{entry.emailAddress}</a>
                </dd>
              </>
            )}
            {entry.phone && (
              <>
                <dt>{t('contacts.work')}</dt>
                <dd>
                  <a href={`tel:${entry.phone}`}>{entry.phone}</a>
                </dd>
              </>
            )}
            {entry.mobilePhone && (
              <>
                <dt>{t('contacts.mobile')}</dt>
                <dd>
                  <a href={`tel:${entry.mobilePhone}`}>{entry.mobilePhone}</a>
                </dd>
              </>
            )}
          </dl>
          <div class="button-row">
            <button type="button" class="btn small" onClick={() => void add()}>
              {t('contacts.addToContacts')}
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

function ContactPage({ contactRef, edit }: { contactRef: ItemRef; edit: boolean }) {
  const item = useLive((db) => getItem(db, contactRef), [contactRef.accountId, contactRef.itemId], ['items']);
  if (item.value?.class !== 'Contacts') return item.loading ? null : <p class="empty">—</p>;
  const c = item.value.data;
  return edit ? (
    <ContactEditor key={contactRef.itemId} contactRef={contactRef} previous={c} />
  ) : (
    <ContactDetail contactRef={contactRef} folderId={item.value.folderId} c={c} />
  );
}

function ContactDetail({ contactRef, folderId, c }: { contactRef: ItemRef; folderId: string; c: Contact }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t, lang } = i18n;
  const rows = useContactFolders();
  const folder = rows.find((r) => r.folder.accountId === contactRef.accountId && r.folder.serverId === folderId)?.folder;
  const name = displayName(c);
  const emails = [c.email1Address, c.email2Address, c.email3Address].filter((x): x is string => !!x);
  const phones: [string, string | undefined][] = [
    [t('contacts.mobile'), c.mobilePhoneNumber],
    [t('contacts.work'), c.businessPhoneNumber],
    [t('contacts.home'), c.homePhoneNumber],
  ];
  const address = [
    c.businessAddressPostalCode,
    c.businessAddressState,
    c.businessAddressCity,
    c.businessAddressStreet,
    c.businessAddressCountry,
  ]
    .filter(Boolean)
    .join(' ');
  const remove = async () => {
    if (!confirm(t('common.confirmDelete'))) return;
    await client.deleteItems([contactRef]);
    navigate(href.contacts());
  };
  const birthday = c.birthday
    ? new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en', { dateStyle: 'long', timeZone: 'UTC' }).format(c.birthday)
    : undefined;
  return (
    <div class="screen-col">
      <header class="bar">
        <a class="icon-btn" href={href.contacts()} aria-label={t('common.back')}>
          <Icon name="back" />
        </a>
        <h1 tabIndex={-1}>{t('nav.contacts')}</h1>
        <a class="icon-btn" href={href.contacts(contactRef, true)} aria-label={t('common.edit')} title={t('common.edit')}>
          <Icon name="edit" />
        </a>
        <button type="button" class="icon-btn" onClick={() => void remove()} aria-label={t('common.delete')} title={t('common.delete')}>
          <Icon name="trash" />
        </button>
      </header>
      <div class="screen-body">
        <article class="detail narrow">
          <Avatar name={name} picture={pictureUrl(c.picture)} big />
          <h2>{name}</h2>
          {(c.jobTitle || c.companyName) && <p class="hint">{[c.jobTitle, c.department, c.companyName].filter(Boolean).join(' · ')}</p>}
          <dl class="kv">
            {emails.map((e) => (
              <Fragment key={e}>
                <dt>{t('contacts.email')}</dt>
                <dd>
                  <a href={href.compose('new', undefined, e)}>{e}</a>
                </dd>
              </Fragment>
            ))}
            {phones
              .filter(([, v]) => v)
              .map(([label, v]) => (
                <Fragment key={label}>
                  <dt>{label}</dt>
                  <dd>
                    <a href={`tel:${v}`}>{v}</a>
                  </dd>
                </Fragment>
              ))}
            {address && (
              <>
                <dt>{t('contacts.workAddress')}</dt>
                <dd>{address}</dd>
              </>
            )}
            {birthday && (
              <>
                <dt>{t('contacts.birthday')}</dt>
                <dd>{birthday}</dd>
              </>
            )}
            {c.webPage && (
              <>
                <dt>{t('contacts.webPage')}</dt>
                <dd>{c.webPage}</dd>
              </>
            )}
            {folder && rows.length > 1 && (
              <>
                <dt>{t('contacts.folder')}</dt>
                <dd>{folderName(folder, i18n)}</dd>
              </>
            )}
          </dl>
          {c.body?.data && <p class="notes">{c.body.data}</p>}
        </article>
      </div>
    </div>
  );
}

function ContactEditor({ contactRef, previous }: { contactRef?: ItemRef; previous?: Contact }) {
  const { client } = useApp();
  const i18n = useI18n();
  const { t, lang } = i18n;
  const rows = useContactFolders();
  const [chosen, setChosen] = useState(loadFolderChoice(SCREEN));
  const target = targetFolder(rows, chosen, DEFAULT_CONTACTS);
  const [form, setForm] = useState<ContactForm>(() => formFromContact(previous));
  const [dirty, setDirty] = useState<ReadonlySet<ContactFormField>>(new Set());
  const [error, setError] = useState<string | undefined>();
  const set = (key: ContactFormField, value: string) => {
    setForm({ ...form, [key]: value });
    setDirty(new Set([...dirty, key]));
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (!form.firstName.trim() && !form.lastName.trim() && !form.companyName.trim()) return setError(t('contacts.nameRequired'));
    const next = applyContactEdits(previous, form, dirty, lang);
    if (previous && contactRef) {
      await client.updateItem(contactRef, previous, next);
      navigate(href.contacts(contactRef), true);
      return;
    }
    if (!target) return;
    navigate(href.contacts(await client.createItem(target.accountId, target.serverId, next)), true);
  };
  return (
    <form class="screen-col" onSubmit={save} aria-labelledby="contact-title">
      <header class="bar">
        <button type="button" class="icon-btn" onClick={() => history.back()} aria-label={t('common.cancel')}>
          <Icon name="close" />
        </button>
        <h1 id="contact-title" tabIndex={-1}>
          {previous ? t('contacts.edit') : t('contacts.new')}
        </h1>
        <button type="submit" class="btn primary">
          {t('common.save')}
        </button>
      </header>
      <div class="screen-body padded">
        <div class="form narrow">
          {CONTACT_FIELDS.map(([key, label]) => (
            <Field label={t(label)} key={key}>
              <input
                type="text"
                inputMode={key.startsWith('email') ? 'email' : key.endsWith('PhoneNumber') ? 'tel' : key === 'webPage' ? 'url' : 'text'}
                value={form[key]}
                onInput={(e) => set(key, e.currentTarget.value)}
                autoComplete="off"
              />
            </Field>
          ))}
          <Field label={t('contacts.birthday')}>
            <input type="date" value={form.birthday} onInput={(e) => set('birthday', e.currentTarget.value)} />
          </Field>
          <Field label={t('contacts.notes')}>
            <textarea rows={4} value={form.notes} onInput={(e) => set('notes', e.currentTarget.value)} />
          </Field>
          {!previous && rows.length > 1 && (
            <FolderSelect
              label={t('contacts.folder')}
              rows={rows}
              value={target ? folderKey(target) : ''}
              onChange={setChosen}
              name={(f) => folderName(f, i18n)}
            />
          )}
          {error && (
            <p class="error-text" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </form>
  );
}
