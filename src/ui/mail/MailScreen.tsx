/**
 * Mail: folders, the message list and the reader. On a phone one pane shows at a time
 * (the folders in a drawer); from 900 px the three sit side by side.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FolderRecord, ItemRecord } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import type { MailSearchHit } from '../engine-client.ts';
import { useApp, useLive } from '../data/live.ts';
import { getItem, listAccounts, listAllFolders, listPending, searchLocalMail } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';
import { href, navigate, type Route } from '../router.ts';
import { SyncButton } from '../status/Status.tsx';
import { FOLDER_TYPE, foldersOfClass, inboxOf } from './folders.ts';
import { FolderTree } from './FolderTree.tsx';
import { MailRow, MessageList } from './MessageList.tsx';
import { MessageView } from './MessageView.tsx';
import { OutboxList } from './OutboxList.tsx';

type MailRoute = Extract<Route, { name: 'mail' | 'outbox' | 'mailSearch' }>;

export function MailScreen({ route }: { route: MailRoute }) {
  const { t } = useI18n();
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const folders = useLive(listAllFolders, [], ['folders']).value ?? [];
  const pending = useLive((db) => listPending(db), [], ['pending']).value ?? [];
  const [drawer, setDrawer] = useState(false);
  const routeKey = JSON.stringify(route);
  useEffect(() => setDrawer(false), [routeKey]);
  useEffect(() => {
    if (!drawer) return;
    document.querySelector<HTMLElement>('#folder-drawer a')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setDrawer(false);
      document.querySelector<HTMLElement>('.drawer-btn')?.focus();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [drawer]);

  const accountId = ('accountId' in route ? route.accountId : undefined) ?? accounts[0]?.id;
  const folderId = route.name === 'mail' ? (route.folderId ?? (accountId ? inboxOf(folders, accountId)?.serverId : undefined)) : undefined;
  const folder = folders.find((f) => f.accountId === accountId && f.serverId === folderId);
  const serverId = route.name === 'mail' ? route.serverId : undefined;
  const title = route.name === 'outbox' ? t('mail.outbox') : route.name === 'mailSearch' ? t('common.search') : (folder?.displayName ?? t('nav.mail'));

  return (
    <div class={'mail-layout' + (serverId ? ' has-message' : '') + (drawer ? ' drawer-open' : '')}>
      <aside class="pane folders" id="folder-drawer">
        <FolderTree
          accounts={accounts}
          folders={folders}
          pending={pending}
          current={accountId ? { accountId, folderId, outbox: route.name === 'outbox' } : undefined}
          onPick={() => setDrawer(false)}
        />
      </aside>
      {drawer && <div class="backdrop" onClick={() => setDrawer(false)} aria-hidden="true" />}
      <section class="pane list" aria-label={title}>
        <header class="bar">
          <button type="button" class="icon-btn drawer-btn" onClick={() => setDrawer(!drawer)} aria-expanded={drawer} aria-controls="folder-drawer" aria-label={t('mail.folders')}>
            <Icon name="menu" />
          </button>
          <h1>{title}</h1>
          <SyncButton />
          <a class="icon-btn" href={href.compose('new')} aria-label={t('mail.compose')} title={t('mail.compose')}>
            <Icon name="compose" />
          </a>
        </header>
        <SearchBox initial={route.name === 'mailSearch' ? route.query : ''} />
        {route.name === 'outbox' && accountId && <OutboxList pending={pending.filter((p) => p.accountId === accountId && p.kind === 'send')} />}
        {route.name === 'mailSearch' && <SearchResults query={route.query} accountId={accountId} folders={folders} />}
        {route.name === 'mail' && accountId && folderId && (
          <MessageList
            accountId={accountId}
            folderId={folderId}
            label={title}
            showRecipients={folder?.type === FOLDER_TYPE.sent || folder?.type === FOLDER_TYPE.drafts}
            selected={serverId}
            onOpen={(item) => navigate(href.mail(item.accountId, item.folderId, item.serverId))}
          />
        )}
      </section>
      <section class="pane reader" aria-label={t('mail.messages')}>
        {serverId && accountId && folderId ? (
          <Reader accountId={accountId} folderId={folderId} serverId={serverId} folders={folders} />
        ) : (
          <p class="empty">{t('mail.selectMessage')}</p>
        )}
      </section>
    </div>
  );
}

function Reader({ accountId, folderId, serverId, folders }: { accountId: string; folderId: string; serverId: string; folders: readonly FolderRecord[] }) {
  const item = useLive((db) => getItem(db, { accountId, folderId, serverId }), [accountId, folderId, serverId], ['items']);
  const back = () => navigate(href.mail(accountId, folderId));
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), [serverId]);
  if (!item.value) return item.loading ? null : <p class="empty">—</p>;
  return (
    <div ref={heading} tabIndex={-1} class="reader-focus">
      <MessageView item={item.value} folders={folders} onBack={back} />
    </div>
  );
}

function SearchBox({ initial }: { initial: string }) {
  const { t } = useI18n();
  const [q, setQ] = useState(initial);
  return (
    <form
      class="search"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(href.mailSearch(q.trim()));
      }}
    >
      <Icon name="search" />
      <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder={t('mail.searchPlaceholder')} aria-label={t('mail.searchPlaceholder')} />
    </form>
  );
}

/** Local results at once, then the server's Mailbox search merged in (no duplicates). */
function SearchResults({ query, accountId, folders }: { query: string; accountId?: string; folders: readonly FolderRecord[] }) {
  const { client } = useApp();
  const { t } = useI18n();
  const mailFolders = foldersOfClass(folders, 'Email').filter((f) => f.accountId === accountId);
  const local = useLive(
    (db) => (accountId ? searchLocalMail(db, accountId, mailFolders.map((f) => f.serverId), query) : Promise.resolve([])),
    [accountId, query, mailFolders.length],
    ['items'],
  );
  const [remote, setRemote] = useState<MailSearchHit[]>([]);
  useEffect(() => {
    setRemote([]);
    if (!accountId || !query) return;
    let alive = true;
    client.searchMailbox(accountId, query).then((hits) => alive && setRemote(hits), () => undefined);
    return () => {
      alive = false;
    };
  }, [accountId, query]);
  const localItems = local.value ?? [];
  const known = new Set(localItems.map((i) => i.serverId));
  const serverOnly = remote.filter((h) => !h.ref || !known.has(h.ref.serverId));
  return (
    <div class="search-results">
      <h2 class="section-title">{t('mail.searchLocal')}</h2>
      <ResultList items={localItems} />
      {serverOnly.length > 0 && (
        <>
          <h2 class="section-title">{t('mail.searchServer')}</h2>
          <ul class="plain-list">
            {serverOnly.map((h, i) => (
              <li key={h.longId ?? i}>
                {h.ref ? (
                  <a href={href.mail(h.ref.accountId, h.ref.folderId, h.ref.serverId)}>
                    <MailRow item={hitAsItem(h)} showRecipients={false} />
                  </a>
                ) : (
                  <MailRow item={hitAsItem(h)} showRecipients={false} />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {!local.loading && localItems.length === 0 && serverOnly.length === 0 && <p class="empty">{t('mail.searchNone')}</p>}
    </div>
  );
}

function hitAsItem(h: MailSearchHit): ItemRecord {
  return { accountId: '', folderId: h.folderId ?? '', serverId: h.longId ?? '', class: 'Email', data: h.email, sortKey: '', read: h.email.read ? 1 : 0, updatedAt: 0 };
}

function ResultList({ items }: { items: readonly ItemRecord[] }) {
  return (
    <ul class="plain-list">
      {items.map((i) => (
        <li key={i.serverId}>
          <a href={href.mail(i.accountId, i.folderId, i.serverId)}>
            <MailRow item={i} showRecipients={false} />
          </a>
        </li>
      ))}
    </ul>
  );
}
