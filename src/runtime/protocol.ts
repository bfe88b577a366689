/**
 * Messages between the pages and the service worker that runs the engine.
 *
 * Page -> worker: `postMessage(message, [port])`; the worker answers on the port
 * (setup steps while `addAccount` runs, then `done` or `error`). Each message is one
 * `event.waitUntil` in the worker, so the browser keeps the worker alive while it works.
 * Worker -> every page: engine events on the BroadcastChannel `CHANNEL`.
 */
import type { ClientStatus, EngineClient, EngineEvent, SetupStep } from './engine-client.ts';
import type { DemoAction } from '../demo/demo.ts';

export const CHANNEL = 'eas-pwa';

export type CallMethod = Exclude<keyof EngineClient, 'status' | 'subscribe'>;

/** Every call the worker answers (a Record, so a method added to EngineClient is not forgotten). */
export const CALL_METHODS: Readonly<Record<CallMethod, true>> = {
  discover: true,
  addAccount: true,
  removeAccount: true,
  updateAccount: true,
  setPassword: true,
  setFolderEnabled: true,
  syncNow: true,
  fullResync: true,
  markRead: true,
  setFlag: true,
  moveItems: true,
  undoMove: true,
  deleteItems: true,
  sendMail: true,
  discardOutgoing: true,
  retryOutgoing: true,
  fetchBody: true,
  fetchAttachment: true,
  searchMailbox: true,
  openSearchHit: true,
  createItem: true,
  updateItem: true,
  respondToMeeting: true,
  searchGal: true,
  freeBusy: true,
  senderPhotos: true,
  getOutOfOffice: true,
  setOutOfOffice: true,
  saveDraft: true,
  deleteDraft: true,
  sendDraft: true,
};

/**
 * - `sync`: push and pull every account now (the leader tab's first step, and after
 *   the connection comes back).
 * - `tick`: what the schedule asks for: one Ping round for push accounts (heartbeat
 *   under 270 s), a sync for interval accounts that are due.
 * - `outbox`: send what waits in the outbox.
 */
export type StepKind = 'sync' | 'tick' | 'outbox';

export interface StepResult {
  /** When the leader should send the next `tick`. */
  readonly nextInMs: number;
}

export type ToWorker =
  | { readonly kind: 'call'; readonly id: string; readonly method: CallMethod; readonly args: readonly unknown[] }
  | { readonly kind: 'step'; readonly id: string; readonly step: StepKind }
  /** Is the message `id` still being worked on? (false after the worker was restarted) */
  | { readonly kind: 'alive'; readonly id: string }
  | { readonly kind: 'status' }
  | { readonly kind: 'demo'; readonly action: DemoAction; readonly user?: string };

export interface WireError {
  readonly name: string;
  readonly message: string;
  /** A SetupError's kind, or a SyncError's (an ErrorKind): the page words it in the user's language. */
  readonly kind?: string;
}

export type FromWorker =
  | { readonly kind: 'setupStep'; readonly step: SetupStep }
  | { readonly kind: 'done'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: WireError };

/** Worker -> one tab (its `navigator.serviceWorker` message event): show this route (a notification was clicked). */
export interface OpenRoute {
  readonly kind: 'open';
  readonly hash: string;
}

export type Broadcast =
  | { readonly kind: 'event'; readonly event: EngineEvent }
  | { readonly kind: 'status'; readonly status: ClientStatus };

export function toWire(e: unknown): WireError {
  if (e instanceof Error) {
    const kind = (e as { kind?: unknown }).kind;
    return { name: e.name, message: e.message, kind: typeof kind === 'string' ? kind : undefined };
  }
  return { name: 'Error', message: String(e) };
}
