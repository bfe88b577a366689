/**
 * The worker side of the page <-> worker protocol (protocol.ts): opens the engine on
 * first use (again after the browser stopped the worker: all state is in IndexedDB),
 * answers calls and steps, and relays engine events to every tab.
 *
 * After an edit the host pushes it at once (a sync of the folders it touched); after a
 * send it registers Background Sync and flushes the outbox, inside the same
 * `waitUntil`. The browser fires the sync when it is online, tab or no tab; the
 * handler throws while mail still waits, so the browser tries again later.
 *
 * A Web Push from the proxy's relay (push.ts) syncs the folders it names, then the rest of the
 * account, inside the push event's `waitUntil`; tabs hear of it as of any sync, and the push
 * ends with a notification (the new mail, or a silent "No new mail").
 */
import { sendsDraft } from '../store/drafts.ts';
import type { AccountRecord, PendingRecord } from '../store/schema.ts';
import type { SyncEvent } from '../sync/events.ts';
import type { EngineClient, ItemRef, LocalDraft, NewMailSummary, OutgoingMail } from './engine-client.ts';
import { toWire, type Broadcast, type CallMethod, type FromWorker, type StepKind, type ToWorker } from './protocol.ts';
import type { Demo } from '../demo/demo.ts';
import { mayNotify, noticeFor, readPrefs, watchNewMail, type NewMailWatch, type Notice, type NotifyPrefs } from './new-mail.ts';
import type { Hosted } from './engine-adapter.ts';
import { Scheduler, outboxWaiting } from './schedule.ts';
import { parsePushMessage, pushTargets, quietNotice, readRelays, relayedAccounts, type PushTarget } from './push.ts';

export interface OpenHooks {
  /** To be called with every engine event (openEngine's `onSyncEvent`). */
  onSyncEvent(event: SyncEvent): void;
}

export interface HostDeps {
  /** Opens the store and the engine (called once per worker life). */
  open(hooks: OpenHooks): Promise<Hosted>;
  broadcast(message: Broadcast): void;
  /** The connection as this worker sees it. */
  online(): boolean;
  /** Asks the browser to run the outbox flush later (Background Sync), when it can. */
  requestBackgroundSync(): Promise<void>;
  /** The demo server, loaded on first use. */
  readonly demo?: () => Promise<Demo>;
  /** Shows a new-mail notification (the worker's registration, or a page Notification). */
  readonly showNotice?: (notice: Notice) => Promise<void>;
  /** The browser's notification permission where the host runs ('granted', 'denied', 'default'). */
  readonly permission?: () => string;
}

export interface Host {
  /** One incoming message; the promise is what the worker passes to `waitUntil`. */
  handle(message: unknown, port: MessagePort | undefined): Promise<void>;
  /** The Background Sync handler: flush; throws while mail still waits (the browser retries). */
  backgroundSync(): Promise<void>;
  /** The push handler: `data` is the decrypted payload's text (undefined without one). */
  push(data: string | undefined): Promise<void>;
  hosted(): Promise<Hosted>;
}

/** The longest a step waits for its new-mail notification (the schedule must not hang on it). */
const NOTICE_WAIT_MS = 5_000;

const EDITS: ReadonlySet<CallMethod> = new Set([
  'markRead',
  'setFlag',
  'moveItems',
  'undoMove',
  'deleteItems',
  'createItem',
  'updateItem',
  'respondToMeeting',
  'saveDraft',
  'deleteDraft',
  'sendDraft',
]);

function isMessage(m: unknown): m is ToWorker {
  return typeof m === 'object' && m !== null && typeof (m as { kind?: unknown }).kind === 'string';
}

/** The folders of queued records, by account. */
function byAccount(records: readonly PendingRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const p of records)
    if (p.folderId !== undefined) (out.get(p.accountId) ?? out.set(p.accountId, new Set()).get(p.accountId))?.add(p.folderId);
  return out;
}

/** The item a draft call names: at 16.x a draft's item has the draft's id (sync/drafts.ts). */
function draftRef(method: CallMethod, args: readonly unknown[]): ItemRef | undefined {
  if (method === 'saveDraft') {
    const d = args[0] as LocalDraft;
    return { accountId: d.accountId, itemId: d.id };
  }
  if (method === 'deleteDraft') return { accountId: String(args[0]), itemId: String(args[1]) };
  if (method === 'sendDraft') return { accountId: (args[0] as OutgoingMail).accountId, itemId: String(args[1]) };
  return undefined;
}

/**
 * The folders an edit call touched, by account: the folder it names, or those of the
 * queued edits of the items it names (refs name items by id, not by folder).
 */
export function touched(method: CallMethod, args: readonly unknown[], queue: readonly PendingRecord[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (accountId: string, folderId: string) => (out.get(accountId) ?? out.set(accountId, new Set()).get(accountId))?.add(folderId);
  const first = draftRef(method, args) ?? args[0];
  if (method === 'createItem') add(String(first), String(args[1]));
  else {
    for (const r of (Array.isArray(first) ? first : [first]) as ItemRef[]) {
      if (!r || typeof r !== 'object') continue;
      for (const p of queue)
        if (p.accountId === r.accountId && p.itemId === r.itemId && p.folderId !== undefined) add(r.accountId, p.folderId);
    }
  }
  if ((method === 'moveItems' || method === 'undoMove') && typeof args[1] === 'string') for (const set of out.values()) set.add(args[1]);
  return out;
}

export function createHost(deps: HostDeps): Host {
  let opening: Promise<Hosted> | undefined;
  let scheduler: Scheduler | undefined;
  let watch: NewMailWatch | undefined;
  const working = new Set<string>();
  /** New-mail notifications shown in this worker's life (a push checks whether it showed one). */
  let shown = 0;

  const hosted = (): Promise<Hosted> =>
    (opening ??= deps.open({ onSyncEvent: (e) => watch?.onSyncEvent(e) }).then((h) => {
      watch = watchNewMail(h.store, announce);
      h.client.subscribe((event) => deps.broadcast({ kind: 'event', event }));
      scheduler = new Scheduler(h, relayedAccounts);
      return h;
    }));

  /** New mail: every tab hears of it; one notification when the user and the browser allow it. */
  async function announce(accountId: string, folderId: string, mails: readonly NewMailSummary[]): Promise<void> {
    deps.broadcast({ kind: 'event', event: { type: 'newMail', accountId, folderId, mails } });
    const prefs = await readPrefs();
    if (!deps.showNotice || !mayNotify(prefs, deps.permission?.() ?? 'default')) return;
    const notice = noticeFor(accountId, folderId, mails, prefs.lang);
    if (!notice) return;
    await deps.showNotice(notice).then(
      () => shown++,
      () => undefined,
    );
  }

  /** Waits for the new-mail watch, but never holds a step or call longer than NOTICE_WAIT_MS for it. */
  async function noticesShown(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([watch?.settled(), new Promise<void>((ok) => (timer = setTimeout(ok, NOTICE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  const reply = (port: MessagePort | undefined, m: FromWorker): void => port?.postMessage(m);

  async function call(h: Hosted, method: CallMethod, args: readonly unknown[], port: MessagePort | undefined): Promise<unknown> {
    const client = h.client as unknown as Record<CallMethod, (...a: unknown[]) => Promise<unknown>>;
    if (method === 'sendMail' || method === 'sendDraft') await watch?.sent(args[0] as OutgoingMail);
    if (method === 'addAccount') {
      return h.client.addAccount(args[0] as Parameters<EngineClient['addAccount']>[0], (step) => reply(port, { kind: 'setupStep', step }));
    }
    return client[method](...args);
  }

  /** What a call leaves to do after it answered: push the edit, send the mail. */
  async function after(h: Hosted, method: CallMethod, args: readonly unknown[]): Promise<void> {
    if (method === 'sendMail' || method === 'retryOutgoing' || method === 'sendDraft') {
      // Registered first: if this worker is stopped while the send retries, the browser
      // still sends the mail when it is online again, with or without a tab.
      await deps.requestBackgroundSync().catch(() => undefined);
      await h.sendOutbox(method === 'retryOutgoing' ? undefined : (args[0] as OutgoingMail).accountId);
    }
    if (EDITS.has(method) && deps.online()) {
      const queue = await h.store.db.getAll('pending');
      for (const [accountId, folders] of touched(method, args, queue))
        await h.engine.syncFolders(accountId, [...folders]).catch(() => undefined);
    }
  }

  async function handle(message: unknown, port: MessagePort | undefined): Promise<void> {
    if (!isMessage(message)) return;
    switch (message.kind) {
      case 'alive':
        return reply(port, { kind: 'done', value: working.has(message.id) });
      case 'status': {
        const h = opening ? await opening : undefined;
        return reply(port, { kind: 'done', value: h ? h.client.status() : { online: deps.online(), syncing: [] } });
      }
      case 'demo':
        if (!deps.demo) return reply(port, { kind: 'error', error: { name: 'Error', message: 'no demo here' } });
        return run(
          undefined,
          port,
          async () => {
            reply(port, { kind: 'done', value: await (await deps.demo?.())?.act(message.action, message.user) });
            // The demo's "connection" is back or the server has news: sync now, in this waitUntil.
            if (message.action === 'network-up' || message.action === 'new-mail') await stepLater('sync');
          },
          true,
        );
      case 'call':
        return run(
          message.id,
          port,
          async () => {
            const h = await hosted();
            const value = await call(h, message.method, message.args, port);
            reply(port, { kind: 'done', value });
            await after(h, message.method, message.args);
            await noticesShown();
            return undefined;
          },
          true,
        );
      case 'step':
        return run(message.id, port, async () => step(message.step));
    }
  }

  async function step(kind: StepKind): Promise<unknown> {
    await hosted();
    const result = await scheduler?.run(kind);
    await noticesShown(); // the notification is shown inside this step's waitUntil
    return result;
  }

  /** The folders named first (the notification comes from them), then the whole account: calendar changes come along. */
  async function syncTarget(h: Hosted, t: PushTarget): Promise<void> {
    const known = await Promise.all(t.folders.map(async (f) => ((await h.store.db.get('folders', [t.accountId, f])) ? f : undefined)));
    const folders = known.filter((f): f is string => f !== undefined);
    if (folders.length) await h.engine.syncFolders(t.accountId, folders).catch(() => undefined);
    await noticesShown();
    await h.client.syncNow(t.accountId).catch(() => undefined);
  }

  /** Syncs what the push names; the accounts it was for. */
  async function pushSync(data: string | undefined): Promise<AccountRecord[]> {
    const h = await hosted();
    const accounts = await h.engine.accounts();
    const targets = pushTargets(parsePushMessage(data), accounts, await readRelays().catch(() => []));
    for (const t of targets) await syncTarget(h, t);
    await noticesShown();
    return accounts.filter((a) => targets.some((t) => t.accountId === a.id));
  }

  /** Even when the sync failed (no store, no network) the push ends with a notification. */
  async function push(data: string | undefined): Promise<void> {
    const before = shown;
    const accounts = await pushSync(data).catch(() => undefined);
    if (shown > before || !deps.showNotice) return;
    const prefs = await readPrefs().catch((): NotifyPrefs => ({ enabled: true, lang: 'en' }));
    await deps.showNotice(quietNotice(accounts ?? [], prefs.lang, accounts === undefined)).catch(() => undefined);
  }

  /** A sync the worker starts by itself (after the demo network returns): errors stay here. */
  async function stepLater(kind: StepKind): Promise<void> {
    await step(kind).catch(() => undefined);
  }

  /** Runs `work`, answering on the port unless it answered itself (`answered`). */
  async function run(id: string | undefined, port: MessagePort | undefined, work: () => Promise<unknown>, answered = false): Promise<void> {
    if (id) working.add(id);
    try {
      const value = await work();
      if (!answered) reply(port, { kind: 'done', value });
    } catch (e) {
      reply(port, { kind: 'error', error: toWire(e) });
    } finally {
      if (id) working.delete(id);
    }
  }

  return {
    handle,
    hosted,
    push,
    async backgroundSync() {
      const h = await hosted();
      await h.sendOutbox();
      // 16.x drafts sent offline go by a Sync of their Drafts folder (sync/drafts.ts).
      const drafts = (await h.store.db.getAll('pending')).filter(sendsDraft);
      for (const [accountId, folders] of byAccount(drafts)) await h.engine.syncFolders(accountId, [...folders]).catch(() => undefined);
      if (await outboxWaiting(h.store)) throw new Error('mail still waits in the outbox');
    },
  };
}
