/**
 * What the cases share during one probe run: the EAS client, what OPTIONS and
 * FolderSync taught, one sync state per probed folder, and the helpers the
 * cases are written with (sync a folder, send a mail to self and wait for it).
 *
 * Environment-free: the network is the Transport given in the options.
 */
import type { EasCommandName, EasContext, EasRequest } from '../eas/command.ts';
import type { FolderEntry } from '../eas/commands/foldersync.ts';
import { buildSendMail, parseSendMail } from '../eas/commands/sendmail.ts';
import {
  buildSync,
  parseSync,
  syncStatusText,
  type FilterType,
  type SyncClientCommand,
  type SyncCollectionResult,
} from '../eas/commands/sync.ts';
import { EasClient } from '../eas/http.ts';
import { endpointUrl, EAS_PATH, type Transport } from '../eas/endpoint.ts';
import { decodeCalendar } from '../eas/items/calendar.ts';
import { decodeContact } from '../eas/items/contact.ts';
import { decodeEmail } from '../eas/items/email.ts';
import { decodeTask } from '../eas/items/task.ts';
import { describeStatus } from '../eas/status.ts';
import { atLeast, type EasVersion } from '../eas/version.ts';
import type { El } from '../wbxml/tree.ts';
import { buildMessage } from './mime.ts';
import { expectStatus, fail, ProbeSkipped } from './outcome.ts';
import type { TraceExchange } from './trace.ts';

export type ProbeClass = 'Email' | 'Calendar' | 'Contacts' | 'Tasks';
export const PROBE_CLASSES: readonly ProbeClass[] = ['Email', 'Calendar', 'Contacts', 'Tasks'];

/** The default folder probed per class (MS-ASCMD 2.2.3.186.3): Inbox, Calendar, Contacts, Tasks. */
export const CLASS_FOLDER_TYPE: Readonly<Record<ProbeClass, number>> = { Email: 2, Calendar: 8, Contacts: 9, Tasks: 7 };

/** Time bounds and pauses; tests shrink them. */
export interface ProbeTiming {
  /** Bound of an ordinary case, ms. */
  readonly caseMs: number;
  /** Bound of an initial Sync (all pages of a folder), ms. */
  readonly syncMs: number;
  /** How long a mail sent to self may take to arrive, ms. */
  readonly deliveryMs: number;
  /** Pause between polls (delivery, mailbox search), ms. */
  readonly pollMs: number;
  /** The Ping HeartbeatInterval asked for, seconds (raised to the server's minimum on Status 5). */
  readonly heartbeat: number;
  /** Pause between starting the Ping and sending the mail that should wake it, ms. */
  readonly pingDelayMs: number;
}

export const DEFAULT_TIMING: ProbeTiming = {
  caseMs: 60_000,
  syncMs: 300_000,
  deliveryMs: 60_000,
  pollMs: 1_000,
  heartbeat: 60,
  pingDelayMs: 2_000,
};

export interface ProbeOptions {
  /** Server base URL, or the full .../Microsoft-Server-ActiveSync (CONTRACTS.md). */
  readonly url: string;
  readonly user: string;
  readonly domain?: string;
  readonly password: string;
  /** Protocol version to use; default the highest both sides speak. */
  readonly version?: EasVersion;
  /** The user's address; default from Settings UserInformation, else the user name. */
  readonly email?: string;
  readonly transport: Transport;
  /** Names the scratch items (`eas-probe-<runId>`); a replay passes the recorded one. Default random. */
  readonly runId?: string;
  /** Default `EasProbe<runId>`: a fresh device, so every sync state starts empty. */
  readonly deviceId?: string;
  /** Items per Sync page of the initial sync (MS-ASCMD 2.2.3.199 WindowSize). Default 25. */
  readonly windowSize?: number;
  readonly timing?: Partial<ProbeTiming>;
  /** Every HTTP exchange, for --trace. */
  readonly onExchange?: (exchange: TraceExchange) => void;
  /** Clock (ms); default Date.now. */
  readonly now?: () => number;
}

/** What the probe remembers of a synced item. */
export interface ItemSummary {
  readonly serverId: string;
  readonly subject?: string;
  /** Calendar UID, or the UID of an email's meeting request. */
  readonly uid?: string;
  /** Email: a meeting request (MessageClass IPM.Schedule.Meeting.Request, or a MeetingRequest element). */
  readonly meetingRequest?: boolean;
  readonly messageClass?: string;
  readonly fileReferences: readonly string[];
  readonly body?: string;
  readonly bodyTruncated?: boolean;
  /** Why the item could not be decoded (MS-AS* item schema), if it could not. */
  readonly error?: string;
}

/** One folder's sync state. */
export interface Collection {
  readonly cls: ProbeClass;
  readonly folder: FolderEntry;
  /** The FilterType sent with every Sync of it. */
  readonly filterType: FilterType;
  syncKey: string;
  readonly items: Map<string, ItemSummary>;
}

/** What one Sync round brought. */
export interface SyncRound {
  /** The HTTP body was empty: nothing changed (MS-ASCMD 2.2.1.21). */
  readonly empty: boolean;
  readonly result?: SyncCollectionResult;
}

export interface SyncRequestOptions {
  readonly commands?: readonly SyncClientCommand[];
  readonly windowSize?: number;
  readonly deletesAsMoves?: boolean;
}

export class ProbeSession {
  readonly client: EasClient;
  readonly runId: string;
  /** Every scratch item's subject starts with this. */
  readonly prefix: string;
  readonly timing: ProbeTiming;
  readonly windowSize: number;
  readonly now: () => number;
  /** Commands listed by OPTIONS; undefined until it answered. */
  commands?: ReadonlySet<string>;
  serverBuild?: string;
  /** Set once OPTIONS agreed on a version. */
  negotiated = false;
  /** The user's address: --email, Settings UserInformation, or the user name when it is one. */
  private address?: string;
  folders: readonly FolderEntry[] = [];
  readonly collections = new Map<string, Collection>();
  /** GetItemEstimate asked right after priming each class's folder: the estimate, or what went wrong. */
  readonly estimates = new Map<ProbeClass, { readonly estimate: number } | { readonly error: unknown }>();
  private clientIds = 0;
  private lastError?: { readonly status: number; readonly text?: string };

  constructor(readonly options: ProbeOptions) {
    this.runId = options.runId ?? randomId();
    this.prefix = `eas-probe-${this.runId}`;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.windowSize = options.windowSize ?? 25;
    this.now = options.now ?? Date.now;
    this.address = options.email ?? (options.user.includes('@') ? options.user : undefined);
    this.client = new EasClient(
      {
        url: options.url,
        user: options.user,
        domain: options.domain,
        credentials: { kind: 'password', password: options.password },
        deviceId: options.deviceId ?? `EasProbe${this.runId}`,
        deviceType: 'EasProbe',
        userAgent: 'eas-pwa-probe/1',
        version: options.version ?? '14.1',
      },
      options.transport,
      { onExchange: (x) => this.observe(x), now: this.now },
    );
  }

  /** The user's address; cases that need it are skipped while it is unknown. */
  get email(): string {
    if (this.address === undefined)
      throw new ProbeSkipped("needs the user's address: Settings UserInformation gave none (or pass --email)");
    return this.address;
  }

  /** Learnt from Settings UserInformation; --email wins. */
  learnEmail(address: string): void {
    if (this.options.email === undefined) this.address = address;
  }

  /** Every EAS exchange: kept for error details, passed on to the trace. */
  private observe(x: TraceExchange): void {
    if (x.status >= 400) this.lastError = { status: x.status, text: errorPreview(x.responseBytes) };
    this.options.onExchange?.(x);
  }

  /** The text of the latest error answer with this HTTP status (a plain-text or HTML body), for the detail. */
  errorText(status: number): string | undefined {
    return this.lastError?.status === status ? this.lastError.text : undefined;
  }

  get version(): EasVersion {
    return this.client.version;
  }

  get ctx(): EasContext {
    return { version: this.client.version };
  }

  /** The endpoint URL. */
  get endpoint(): string {
    return endpointUrl(this.options.url);
  }

  /** The server's base URL (the endpoint without /Microsoft-Server-ActiveSync). */
  get baseUrl(): string {
    return this.endpoint.slice(0, -EAS_PATH.length);
  }

  /** A ClientId unique in this run (MS-ASCMD 2.2.3.28: up to 40 characters). */
  nextClientId(): string {
    this.clientIds += 1;
    return `${this.runId}-${this.clientIds}`;
  }

  /** Sends one command and parses the answer. */
  async call<T>(req: EasRequest, parse: (root: El | null, ctx: EasContext) => T, signal: AbortSignal): Promise<T> {
    return parse(await this.client.send(req, { signal }), this.ctx);
  }

  advertises(cmd: EasCommandName): boolean {
    return this.commands === undefined || this.commands.has(cmd);
  }

  folderOfType(type: number): FolderEntry | undefined {
    return this.folders.find((f) => f.type === type);
  }

  /** The folder a class is probed in, or undefined when the server has none of that default type. */
  classFolder(cls: ProbeClass): FolderEntry | undefined {
    return this.folderOfType(CLASS_FOLDER_TYPE[cls]);
  }

  // ------------------------------------------------------------------ sync

  /** A fresh sync state for a folder (SyncKey 0), replacing any older one. */
  collection(cls: ProbeClass, folder: FolderEntry, filterType: FilterType = 0): Collection {
    const c: Collection = { cls, folder, filterType, syncKey: '0', items: new Map() };
    this.collections.set(folder.serverId, c);
    return c;
  }

  /** The probed folder of a class after its initial Sync, or a fail. */
  synced(cls: ProbeClass): Collection {
    const folder = this.classFolder(cls);
    const c = folder && this.collections.get(folder.serverId);
    if (!c || c.syncKey === '0') fail(`no ${cls} folder has been synced`);
    return c;
  }

  /** One Sync round trip of one collection; fails on a Status other than 1. */
  async syncOnce(c: Collection, signal: AbortSignal, o: SyncRequestOptions = {}): Promise<SyncRound> {
    const initial = c.syncKey === '0';
    const legacy = !atLeast(this.version, '14.0');
    const req = buildSync(
      {
        collections: [
          {
            syncKey: c.syncKey,
            collectionId: c.folder.serverId,
            // MS-ASCMD 2.2.3.27.6: the class goes in the Collection in 12.x, in Options from 14.0 (not needed there).
            class: legacy ? c.cls : undefined,
            deletesAsMoves: o.deletesAsMoves,
            getChanges: initial ? undefined : true,
            windowSize: initial ? undefined : (o.windowSize ?? this.windowSize),
            options: [{ filterType: c.filterType, bodyPreferences: [{ type: 1, truncationSize: 4096 }] }],
            commands: o.commands,
          },
        ],
      },
      this.ctx,
    );
    const res = await this.call(req, parseSync, signal);
    if (res.empty) return { empty: true };
    expectStatus('Sync', res.status, syncStatusText);
    const result = res.collections.find((r) => r.collectionId === c.folder.serverId) ?? res.collections[0];
    if (!result) return { empty: false };
    expectStatus(`Sync of ${c.folder.displayName}`, result.status, syncStatusText);
    if (result.syncKey !== undefined) c.syncKey = result.syncKey;
    this.apply(c, result);
    return { empty: false, result };
  }

  private apply(c: Collection, r: SyncCollectionResult): void {
    for (const cmd of r.commands) {
      if (cmd.kind === 'Add' || cmd.kind === 'Change') {
        const previous = c.items.get(cmd.serverId);
        const next = summarize(c.cls, cmd.serverId, cmd.applicationData, this.ctx);
        // A Change may carry only the changed properties (an email's Read flag): keep what it left out.
        c.items.set(cmd.serverId, cmd.kind === 'Change' && previous ? merge(previous, next) : next);
      } else {
        c.items.delete(cmd.serverId);
      }
    }
  }

  /** Incremental Syncs until the server has nothing more (MoreAvailable absent). */
  async syncUntilQuiet(c: Collection, signal: AbortSignal): Promise<number> {
    let changes = 0;
    for (let round = 0; round < 1000; round++) {
      const r = await this.syncOnce(c, signal);
      changes += r.result?.commands.length ?? 0;
      if (!r.result?.moreAvailable) return changes;
    }
    return fail(`${c.folder.displayName}: MoreAvailable in 1000 Sync rounds in a row`);
  }

  /** Syncs a collection until an item matching `test` is there; fails after timing.deliveryMs. */
  async waitForItem(c: Collection, test: (i: ItemSummary) => boolean, what: string, signal: AbortSignal): Promise<ItemSummary> {
    const deadline = this.now() + this.timing.deliveryMs;
    for (;;) {
      await this.syncUntilQuiet(c, signal);
      const found = [...c.items.values()].find(test);
      if (found) return found;
      if (this.now() >= deadline) fail(`${what} did not appear in ${c.folder.displayName} within ${this.timing.deliveryMs / 1000} s`);
      await sleep(this.timing.pollMs, signal);
    }
  }

  // ------------------------------------------------------------------ mail

  /** SendMail of a message to the user's own address (MS-ASCMD 2.2.1.17); fails unless the server accepts it. */
  async sendToSelf(
    subject: string,
    text: string,
    signal: AbortSignal,
    extra: { attachment?: { name: string; content: string }; calendar?: string } = {},
  ): Promise<void> {
    const id = this.nextClientId();
    const mime = buildMessage({
      from: this.email,
      to: this.email,
      subject,
      text,
      date: new Date(this.now()),
      messageId: `${id}@eas-probe.invalid`,
      boundary: `eas-probe-${id}`,
      ...extra,
    });
    const res = await this.call(buildSendMail({ clientId: id, mime }, this.ctx), parseSendMail, signal);
    if (!res.ok) expectStatus('SendMail', res.status, describeStatus);
  }

  /** Waits for a mail with this exact subject in the Inbox. */
  waitForMail(subject: string, signal: AbortSignal): Promise<ItemSummary> {
    return this.waitForItem(this.synced('Email'), (i) => i.subject === subject, `the mail "${subject}"`, signal);
  }
}

// ------------------------------------------------------------------ item summaries

function summarize(cls: ProbeClass, serverId: string, data: El, ctx: EasContext): ItemSummary {
  try {
    return decodeSummary(cls, serverId, data, ctx);
  } catch (e) {
    return { serverId, fileReferences: [], error: e instanceof Error ? e.message : String(e) };
  }
}

function decodeSummary(cls: ProbeClass, serverId: string, data: El, ctx: EasContext): ItemSummary {
  switch (cls) {
    case 'Email': {
      const m = decodeEmail(data, ctx);
      return {
        serverId,
        subject: m.subject,
        uid: m.meetingRequest?.uid,
        messageClass: m.messageClass,
        meetingRequest: m.meetingRequest !== undefined || /^IPM\.Schedule\.Meeting\.Request/i.test(m.messageClass ?? ''),
        fileReferences: m.attachments.map((a) => a.fileReference).filter((r): r is string => r !== undefined),
        body: m.body?.data,
        bodyTruncated: m.body?.truncated,
      };
    }
    case 'Calendar': {
      const e = decodeCalendar(data, ctx);
      return { serverId, subject: e.subject, uid: e.uid, fileReferences: [] };
    }
    case 'Contacts': {
      const c = decodeContact(data, ctx);
      return { serverId, subject: c.fileAs ?? [c.firstName, c.lastName].filter(Boolean).join(' '), fileReferences: [] };
    }
    case 'Tasks':
      return { serverId, subject: decodeTask(data, ctx).subject, fileReferences: [] };
  }
}

function merge(previous: ItemSummary, next: ItemSummary): ItemSummary {
  const defined = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
  const keepFiles = next.fileReferences.length === 0 ? { fileReferences: previous.fileReferences } : {};
  return { ...previous, ...defined, ...keepFiles } as ItemSummary;
}

// ------------------------------------------------------------------ small helpers

/** The first 120 characters of a text error body, tags and runs of white space removed. */
function errorPreview(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || (bytes[0] === 0x03 && bytes[1] === 0x01)) return undefined;
  const text = new TextDecoder()
    .decode(bytes.subarray(0, 2000))
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 120) : undefined;
}

/** 8 hex digits from the platform's random source (crypto in browsers and Node). */
export function randomId(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Resolves after `ms`, or rejects at once when the case is aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    function stop(): void {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal.addEventListener('abort', stop, { once: true });
  });
}
