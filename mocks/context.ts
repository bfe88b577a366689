/**
 * What a command handler receives and returns. Handlers read the request tree
 * with the generic tree helpers and build the response tree themselves.
 */
import type { EasVersion } from '../src/eas/version.ts';
import type { El } from '../src/wbxml/tree.ts';
import type { Mailbox, User, World } from './model.ts';
import type { DeviceRegistry, DeviceState } from './state.ts';

export interface MockConfig {
  /** Ping/Sync HeartbeatInterval bounds in seconds (MS-ASCMD 2.2.3.86.1; Status 5 / 14 outside). */
  readonly minHeartbeat: number;
  readonly maxHeartbeat: number;
  /** Most folders one Ping may watch (MS-ASCMD 2.2.3.101: Status 6 with MaxFolders). */
  readonly maxPingFolders: number;
  /** Demand Provision before other commands (HTTP 449 for 12.1, Status 142 from 14.0). */
  readonly requireProvisioning: boolean;
  /** Scales heartbeat/wait timers (1 = real seconds); tests use small values. */
  readonly timeScale: number;
}

export const DEFAULT_CONFIG: MockConfig = {
  minHeartbeat: 60,
  maxHeartbeat: 3540,
  maxPingFolders: 300,
  requireProvisioning: false,
  timeScale: 1,
};

export interface Mock {
  readonly world: World;
  readonly devices: DeviceRegistry;
  config: MockConfig;
}

export interface CommandContext {
  readonly mock: Mock;
  readonly user: User;
  readonly mailbox: Mailbox;
  readonly device: DeviceState;
  readonly version: EasVersion;
  /** Command parameters of the query (ItemId, CollectionId, SaveInSent, LongId, Occurrence, AttachmentName). */
  readonly params: Readonly<Record<string, string>>;
  /** The decoded WBXML body, or null when the body is empty or not WBXML. */
  readonly body: El | null;
  /** The raw body bytes (message/rfc822 for 12.1 SendMail/Smart*). */
  readonly raw: Uint8Array;
  readonly headers: Headers;
  readonly signal: AbortSignal;
}

export type CommandResult =
  | { readonly tree: El }
  /** HTTP 200 with an empty body (empty Sync response, 14.x SendMail success). */
  | { readonly empty: true }
  | { readonly http: number; readonly headers?: Readonly<Record<string, string>> }
  | { readonly bytes: Uint8Array; readonly contentType: string };

export type Handler = (ctx: CommandContext) => CommandResult | Promise<CommandResult>;

/** Resolves after `seconds` (scaled), or at once when `signal` aborts. */
export function sleep(mock: Mock, seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, seconds * 1000 * mock.config.timeScale);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
