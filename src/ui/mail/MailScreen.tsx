/**
 * Mail: folders, the message list and the reader. On a phone one pane shows at a time
 * (the folders in a drawer); from 900 px the three sit side by side.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { sendsDraft, serverDrafts } from '../../store/drafts.ts';
import type { FolderRecord, ItemRecord, PendingOf } from '../../store/schema.ts';
import { Icon } from '../components/Icon.tsx';
import type { MailSearchHit, OpenedHit } from '../../runtime/engine-client.ts';
import { useApp, useLive } from '../data/live.ts';
import { getItem, listAccounts, listAllFolders, listPending, searchLocalMail } from '../data/read.ts';
import { useI18n } from '../i18n/index.ts';
import { href, navigate, type Route, type SearchHitRef } from '../router.ts';
import { Details, errorKey, technical } from '../status/error-text.tsx';
import { SyncButton, useOnline } from '../status/Status.tsx';
import { FOLDER_TYPE, folderName, foldersOfClass, inboxOf } from './folders.ts';
import { FolderTree } from './FolderTree.tsx';
import { MailRow, MessageList } from './MessageList.tsx';
import type { Selection } from './selection.ts';
import { SelectionBar } from './SelectionBar.tsx';
import { UndoBar } from './UndoBar.tsx';
import { useMailRows, type SelectionProps } from './mail-rows.tsx';
import { Addresses, BodyFrame, MessageView } from './MessageView.tsx';
import { DraftList } from './DraftList.tsx';
import { OutboxList } from './OutboxList.tsx';
import { loadThreaded, saveThreaded, ThreadList } from './ThreadList.tsx';

type MailRoute = Extract<Route, { name: 'mail' | 'outbox' | 'drafts' | 'mailSearch' }>;

export function MailScreen({ route }: { route: MailRoute }) {
  const i18n = useI18n();
  const { t } = i18n;
  const accounts = useLive(listAccounts, [], ['accounts']).value ?? [];
  const folders = useLive(listAllFolders, [], ['folders']).value ?? [];
  const pending = useLive((db) => listPending(db), [], ['pending']).value ?? [];
  const [drawer, setDrawer] = useState(false);
  const [threaded, setThreaded] = useState(loadThreaded);
  const routeKey = JSON.stringify(route);
  const [selection, setSelection] = useSelection(routeKey);
  const [failed, setFailed] = useState<unknown>(undefined);
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
  const itemId = route.name === 'mail' ? route.itemId : undefined;
  const hit = route.name === 'mailSearch' ? route.hit : undefined;
  // ConversationId comes with protocol 14.0 and later (MS-ASEMAIL 2.2.2.21).
  const account = accounts.find((a) => a.id === accountId);
  const canThread = route.name === 'mail' && !!account && Number.parseFloat(account.version ?? '0') >= 14;
  const toggleThreads = () => {
    saveThreaded(!threaded);
    setThreaded(!threaded);
  };
  // At 16.x the drafts list is the server's Drafts folder, under its name.
  const drafts =
    account &&
    serverDrafts(
      account,
      folders.filter((f) => f.accountId === account.id),
    );
  const draftsTitle = drafts ? folderName(drafts, i18n) : t('drafts.title');
  const title =
    route.name === 'outbox'
      ? t('mail.outbox')
      : route.name === 'drafts'
        ? draftsTitle
        : route.name === 'mailSearch'
          ? t('common.search')
          : folder
            ? folderName(folder, i18n)
            : t('nav.mail');

  return (
    <div class={'mail-layout' + (itemId || hit ? ' has-message' : '') + (drawer ? ' drawer-open' : '')}>
      <aside class="pane folders" id="folder-drawer">
        <FolderTree
          accounts={accounts}
          folders={folders}
          pending={pending}
          current={accountId ? { accountId, folderId, outbox: route.name === 'outbox', drafts: route.name === 'drafts' } : undefined}
          onPick={() => setDrawer(false)}
        />
      </aside>
      {drawer && <div class="backdrop" onClick={() => setDrawer(false)} aria-hidden="true" />}
      <section class="pane list" aria-label={title}>
        {selection ? (
          <SelectionBar items={[...selection.values()]} folders={folders} onLeave={() => setSelection(null)} onFailed={setFailed} />
        ) : (
          <header class="bar">
            <button
              type="button"
              class="icon-btn drawer-btn"
              onClick={() => setDrawer(!drawer)}
              aria-expanded={drawer}
              aria-controls="folder-drawer"
              aria-label={t('mail.folders')}
            >
              <Icon name="menu" />
            </button>
            <h1>{title}</h1>
            {canThread && (
              <button
                type="button"
                class="icon-btn toggle"
                aria-pressed={threaded}
                onClick={toggleThreads}
                aria-label={t('mail.conversations')}
                title={t('mail.conversations')}
              >
                <Icon name="threads" />
              </button>
            )}
            <SyncButton />
            <a class="icon-btn" href={href.compose('new')} aria-label={t('mail.compose')} title={t('mail.compose')}>
              <Icon name="compose" />
            </a>
          </header>
        )}
        {failed !== undefined && (
          <div role="alert" class="banner">
            <span>{t('mail.actionFailed', { reason: t(errorKey(failed)) })}</span>
            <button type="button" class="btn" onClick={() => setFailed(undefined)}>
              {t('common.close')}
            </button>
          </div>
        )}
        <div class="search-row">
          <SearchBox initial={route.name === 'mailSearch' ? route.query : ''} />
          {(route.name === 'mail' || route.name === 'mailSearch') && (
            <button
              type="button"
              class="icon-btn"
              aria-pressed={!!selection}
              onClick={() => setSelection(selection ? null : new Map())}
              aria-label={t('mail.select')}
              title={t('mail.select')}
            >
              <Icon name="check" />
            </button>
          )}
        </div>
        {route.name === 'outbox' && accountId && (
          <OutboxList
            pending={pending.filter((p): p is PendingOf<'send'> => p.accountId === accountId && p.kind === 'send')}
            drafts={pending.filter((p) => p.accountId === accountId).filter(sendsDraft)}
          />
        )}
        {route.name === 'drafts' && accountId && <DraftList accountId={accountId} />}
        {route.name === 'mailSearch' && (
          <SearchResults
            query={route.query}
            accountId={accountId}
            folders={folders}
            selection={selection}
            onSelection={setSelection}
            onFailed={setFailed}
          />
        )}
        {route.name === 'mail' && accountId && folderId && canThread && threaded && (
          <ThreadList
            accountId={accountId}
            folderId={folderId}
            label={title}
            showRecipients={folder?.type === FOLDER_TYPE.sent || folder?.type === FOLDER_TYPE.drafts}
            selected={itemId}
            folders={folders}
            selection={selection}
            onSelection={setSelection}
            onFailed={setFailed}
          />
        )}
        {route.name === 'mail' && accountId && folderId && !(canThread && threaded) && (
          <MessageList
            accountId={accountId}
            folderId={folderId}
            label={title}
            showRecipients={folder?.type === FOLDER_TYPE.sent || folder?.type === FOLDER_TYPE.drafts}
            selected={itemId}
            onOpen={(item) =>
              navigate(
                folder === drafts
                  ? href.draft({ accountId: item.accountId, id: item.id, mode: 'new' })
                  : href.mail(item.accountId, item.folderId, item.id),
              )
            }
            folders={folders}
            selection={selection}
            onSelection={setSelection}
          />
        )}
      </section>
      <section class="pane reader" aria-label={t('mail.messages')}>
        {hit && route.name === 'mailSearch' ? (
          <HitReader key={JSON.stringify(hit)} hit={hit} onBack={() => navigate(href.mailSearch(route.query))} />
        ) : itemId && accountId && folderId ? (
          <Reader accountId={accountId} folderId={folderId} itemId={itemId} folders={folders} />
        ) : (
          <p class="empty">{t('mail.selectMessage')}</p>
        )}
      </section>
      <UndoBar folders={folders} />
    </div>
  );
}

/**
 * Mails selected in the list (null: not selecting), left with Escape or the browser's
 * back (the selection pushes a history entry, as a phone's back button expects), and
 * when the list shown changes.
 */
function useSelection(routeKey: string): [Selection, (next: Selection) => void] {
  const [selection, setState] = useState<Selection>(null);
  const selecting = selection !== null;
  useEffect(() => setState(null), [routeKey]);
  // Before the selection bar is painted: an Escape pressed as soon as it shows must leave.
  useLayoutEffect(() => {
    if (!selecting) return;
    history.pushState({ ...(history.state as object | null), selecting: true }, '');
    const onPop = () => setState(null);
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || document.querySelector('dialog[open], [role=dialog]')) return;
      e.preventDefault();
      setState(null);
    };
    addEventListener('popstate', onPop);
    addEventListener('keydown', onKey);
    return () => {
      removeEventListener('popstate', onPop);
      removeEventListener('keydown', onKey);
      // Left another way than back: take back the entry it pushed.
      if ((history.state as { selecting?: boolean } | null)?.selecting) history.back();
    };
  }, [selecting]);
  return [selection, setState];
}

/** The open mail, by its stable id: it stays open while a move or a resync changes its ServerId. `folderId` is the list beside it. */
function Reader({
  accountId,
  folderId,
  itemId,
  folders,
}: {
  accountId: string;
  folderId: string;
  itemId: string;
  folders: readonly FolderRecord[];
}) {
  const item = useLive((db) => getItem(db, { accountId, itemId }), [accountId, itemId], ['items']);
  const back = () => navigate(href.mail(accountId, folderId));
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => heading.current?.focus(), [itemId]);
  if (item.value?.class !== 'Email') return item.loading ? null : <GoneMail onBack={back} />;
  return (
    <div ref={heading} tabIndex={-1} class="reader-focus">
      <MessageView item={item.value} folders={folders} onBack={back} />
    </div>
  );
}

/** The mail is not in the store any more (moved, deleted, an answered invitation): say so, with a way back. */
function GoneMail({ onBack }: { onBack: () => void }) {
  const { t } = useI18n();
  return (
    <div class="empty">
      <p>{t('mail.gone')}</p>
      <button type="button" class="btn" onClick={onBack}>
        {t('mail.backToList')}
      </button>
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
      <input
        type="search"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
        placeholder={t('mail.searchPlaceholder')}
        aria-label={t('mail.searchPlaceholder')}
      />
    </form>
  );
}

/**
 * Local results at once, then the server's Mailbox search merged in (no duplicates).
 * A hit stored on the device acts like a row of its folder (swipes, Delete and Space, a
 * long press selects; the selection bar acts on hits of several folders, with one Undo).
 * A hit only on the server does none of that: the app keeps no copy
 * to move or mark, and acting on a mail the user only sees as a preview, without the queue
 * that survives going offline and the undo, would be the one place where a swipe could lose
 * mail; it opens read-only (HitReader) as before.
 */
function SearchResults({
  query,
  accountId,
  folders,
  selection,
  onSelection,
  onFailed,
}: SelectionProps & {
  query: string;
  accountId?: string;
}) {
  const { client } = useApp();
  const { t } = useI18n();
  const mailFolders = foldersOfClass(folders, 'Email').filter((f) => f.accountId === accountId);
  const local = useLive(
    (db) =>
      accountId
        ? searchLocalMail(
            db,
            accountId,
            mailFolders.map((f) => f.serverId),
            query,
          )
        : Promise.resolve([]),
    [accountId, query, mailFolders.length],
    ['items'],
  );
  const [remote, setRemote] = useState<MailSearchHit[]>([]);
  const [remoteError, setRemoteError] = useState<unknown>();
  useEffect(() => {
    setRemote([]);
    setRemoteError(undefined);
    if (!accountId || !query) return;
    let alive = true;
    client.searchMailbox(accountId, query).then(
      (hits) => alive && setRemote(hits),
      (e: unknown) => alive && setRemoteError(e),
    );
    return () => {
      alive = false;
    };
  }, [accountId, query]);
  const localItems = local.value ?? [];
  const known = new Set(localItems.map((i) => i.id));
  const serverOnly = remote.filter((h) => !h.ref || !known.has(h.ref.itemId));
  // The stored copies of server hits the local search did not find (another field matched on the server).
  const storedHits = useLive(
    (db) => Promise.all(serverOnly.map((h) => (h.ref ? getItem(db, h.ref) : undefined))),
    [remote, local.value],
    ['items'],
  ).value;
  const { row, dialog, container } = useMailRows({ folders, selection, onSelection, onFailed });
  const stored = (item: ItemRecord) =>
    row([item], <MailRow item={item} showRecipients={false} selecting={selection !== null} />, {
      href: href.mail(item.accountId, item.folderId, item.id),
    });
  return (
    <div class="search-results swipe-list" {...container}>
      <h2 class="section-title" id="search-local">
        {t('mail.searchLocal')}
      </h2>
      <ul class="plain-list" aria-labelledby="search-local">
        {localItems.map((i) => (
          <li key={i.id}>{stored(i)}</li>
        ))}
      </ul>
      {serverOnly.length > 0 && (
        <>
          <h2 class="section-title" id="search-server">
            {t('mail.searchServer')}
          </h2>
          <ul class="plain-list" aria-labelledby="search-server">
            {serverOnly.map((h, i) => {
              const copy = storedHits?.[i];
              return (
                <li key={h.longId ?? i}>
                  {copy?.class === 'Email' ? (
                    stored(copy)
                  ) : hitRef(accountId, h) ? (
                    <a href={href.mailSearch(query, hitRef(accountId, h))}>
                      <MailRow item={hitAsItem(h)} showRecipients={false} />
                    </a>
                  ) : (
                    <MailRow item={hitAsItem(h)} showRecipients={false} />
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
      {remoteError !== undefined && (
        <div role="alert">
          <p>{t('mail.searchServerFailed', { reason: t(errorKey(remoteError)) })}</p>
          <Details detail={technical(remoteError)} />
        </div>
      )}
      {!local.loading && localItems.length === 0 && serverOnly.length === 0 && <p class="empty">{t('mail.searchNone')}</p>}
      {dialog}
    </div>
  );
}

/** How a server-only hit is opened: its LongId (Search), else its folder and ServerId (Find). */
function hitRef(accountId: string | undefined, h: MailSearchHit): SearchHitRef | undefined {
  if (!accountId) return undefined;
  if (h.longId) return { accountId, longId: h.longId };
  return h.folderId && h.serverId ? { accountId, folderId: h.folderId, serverId: h.serverId } : undefined;
}

type HitState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'ready'; readonly hit: OpenedHit };

/** A server search hit that is not on the device: fetched whole (ItemOperations), shown read-only, not stored. */
function HitReader({ hit, onBack }: { hit: SearchHitRef; onBack: () => void }) {
  const { client } = useApp();
  const { t } = useI18n();
  const online = useOnline();
  const [state, setState] = useState<HitState>({ kind: 'loading' });
  const heading = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!online) return;
    let alive = true;
    setState({ kind: 'loading' });
    const target = 'longId' in hit ? { longId: hit.longId } : { folderId: hit.folderId, serverId: hit.serverId };
    client.openSearchHit(hit.accountId, target).then(
      (opened) => alive && setState({ kind: 'ready', hit: opened }),
      (error: unknown) => alive && setState({ kind: 'failed', error }),
    );
    return () => {
      alive = false;
    };
  }, [online]);
  useEffect(() => heading.current?.focus(), []);
  const mail = state.kind === 'ready' ? state.hit.email : undefined;
  return (
    <div ref={heading} tabIndex={-1} class="reader-focus">
      <article class="message" aria-labelledby="message-subject">
        <div class="toolbar" role="toolbar" aria-label={t('mail.messages')}>
          <button type="button" class="icon-btn back" onClick={onBack} aria-label={t('common.back')}>
            <Icon name="back" />
          </button>
        </div>
        {!online && <p role="status">{t('mail.bodyOffline')}</p>}
        {online && state.kind === 'loading' && <p role="status">{t('mail.bodyLoading')}</p>}
        {state.kind === 'failed' && (
          <div role="alert">
            <p>{t('mail.bodyFailed', { reason: t(errorKey(state.error)) })}</p>
            <Details detail={technical(state.error)} />
          </div>
        )}
        {mail && state.kind === 'ready' && (
          <>
            <header class="message-head">
              <h2 id="message-subject">{mail.subject || t('common.noSubject')}</h2>
              <Addresses mail={mail} />
              <p class="badge">{t('mail.serverOnly')}</p>
            </header>
            {state.hit.body ? (
              <BodyFrame accountId={hit.accountId} attachments={mail.attachments} body={state.hit.body} />
            ) : (
              <p class="empty">{t('common.none')}</p>
            )}
          </>
        )}
      </article>
    </div>
  );
}

function hitAsItem(h: MailSearchHit): ItemRecord {
  return {
    accountId: '',
    folderId: h.folderId ?? '',
    serverId: h.longId ?? '',
    id: h.longId ?? '',
    class: 'Email',
    data: h.email,
    sortKey: '',
    read: h.email.read ? 1 : 0,
    updatedAt: 0,
  };
}
