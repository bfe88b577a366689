/**
 * What the engine tells its listener (src/runtime/engine-adapter.ts, which turns them
 * into the screens' EngineEvent of src/runtime/engine-client.ts, and the new-mail
 * watch). Events are plain data, so they can be posted as is.
 */
import type { AccountState } from '../store/schema.ts';
import type { ErrorKind } from './errors.ts';

export type SyncEvent =
  /** The account's state changed (ok, auth, blocked, error). */
  | { readonly type: 'account'; readonly accountId: string; readonly state: AccountState }
  /** The folder hierarchy changed (FolderSync applied). */
  | { readonly type: 'folders'; readonly accountId: string }
  /** A folder's sync is under way: items held so far and the server's estimate. */
  | {
      readonly type: 'progress';
      readonly accountId: string;
      readonly folderId: string;
      readonly count: number;
      readonly estimate?: number;
      readonly done: boolean;
    }
  /** Items of a folder changed in the store (server changes or local edits). */
  | {
      readonly type: 'changes';
      readonly accountId: string;
      readonly folderId: string;
      readonly added: number;
      readonly changed: number;
      readonly deleted: number;
    }
  /** Something failed; `folderId` when it concerns one folder only. */
  | {
      readonly type: 'error';
      readonly accountId: string;
      readonly folderId?: string;
      readonly kind: ErrorKind;
      readonly message: string;
    }
  /** A local edit lost to the server's version; it is kept in the `conflicts` store. */
  | { readonly type: 'conflict'; readonly accountId: string; readonly folderId: string; readonly serverId: string }
  /** A sync of the account ended. */
  | { readonly type: 'synced'; readonly accountId: string; readonly at: number }
  /** The server ordered a remote wipe; the account and its data are gone. */
  | { readonly type: 'wiped'; readonly accountId: string }
  /** A queued mail changed state (record `id` of `pending`); 'sent' and 'discarded' ones have left the queue. */
  | {
      readonly type: 'outbox';
      readonly accountId: string;
      readonly id: number;
      readonly state: 'queued' | 'sending' | 'sent' | 'failed' | 'discarded';
      /** Why the last try did not send it. */
      readonly error?: string;
    }
  /** The push loop's state, for a status line: waiting on a Ping, backing off, or stopped. */
  | {
      readonly type: 'push';
      readonly accountId: string;
      readonly state: 'ping' | 'backoff' | 'stopped';
      /** With 'ping': the heartbeat in seconds. */
      readonly heartbeat?: number;
      /** With 'backoff': when the next try is due (ms since the epoch). */
      readonly retryAt?: number;
    };

export type Emit = (event: SyncEvent) => void;
