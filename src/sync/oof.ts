/**
 * Out of Office ("automatic replies") with Settings Oof Get/Set (MS-ASCMD 2.2.1.18),
 * read from and written to the server only: nothing is kept on the device.
 *
 * The screens see one switch, an optional window and two texts: one for the user's
 * organisation (AppliesToInternal) and one for everyone else, sent as both
 * AppliesToExternalKnown and AppliesToExternalUnknown (MS-ASCMD 2.2.3.118).
 */
import {
  buildSettings,
  parseSettings,
  settingsStatusText,
  type OofMessage,
  type OofReply,
  type OofSettings,
} from '../eas/commands/settings.ts';
import type { AccountRun } from './context.ts';
import { SyncError } from './errors.ts';

export interface OutOfOffice {
  readonly enabled: boolean;
  /** The window (ms); both or neither. Absent: on until switched off. */
  readonly start?: number;
  readonly end?: number;
  /** The reply to senders inside the organisation; empty: none. */
  readonly internal: string;
  /** The reply to everyone else; empty: none. */
  readonly external: string;
}

/** The server's Oof state as the screens show it. */
export function fromReply(r: OofReply): OutOfOffice {
  // The texts even while off, so that switching on again needs no retyping.
  const text = (m: OofMessage | undefined) => m?.replyMessage ?? '';
  const find = (a: OofMessage['appliesTo']) => r.messages.find((m) => m.appliesTo === a);
  // OofState 2: on between StartTime and EndTime (MS-ASCMD 2.2.3.119).
  const timed = r.state === 2 && r.startTime && r.endTime;
  return {
    enabled: r.state === 1 || r.state === 2,
    start: timed ? r.startTime?.getTime() : undefined,
    end: timed ? r.endTime?.getTime() : undefined,
    internal: text(find('Internal')),
    external: text(find('ExternalKnown') ?? find('ExternalUnknown')),
  };
}

/** What Oof Set sends for the screens' state; a window needs OofState 2 (MS-ASCMD 2.2.3.119). */
export function toSettings(o: OutOfOffice): OofSettings {
  const timed = o.enabled && o.start !== undefined && o.end !== undefined;
  const message = (appliesTo: OofMessage['appliesTo'], text: string): OofMessage => ({
    appliesTo,
    enabled: o.enabled && text.trim() !== '',
    replyMessage: text,
    bodyType: 'Text',
  });
  return {
    state: !o.enabled ? 0 : timed ? 2 : 1,
    startTime: timed ? new Date(o.start ?? 0) : undefined,
    endTime: timed ? new Date(o.end ?? 0) : undefined,
    messages: [message('Internal', o.internal), message('ExternalKnown', o.external), message('ExternalUnknown', o.external)],
  };
}

/**
 * A Settings or Oof Status other than 1 (MS-ASCMD 2.2.3.177.15) as a SyncError. A success
 * without the Oof element asked for means the server does not handle Oof: SOGo answers so
 * when SOGoVacationEnabled is off, and drops a Set.
 */
function check(top: number, oof: { readonly status?: number } | undefined): void {
  if (top === 1 && !oof) throw new SyncError('server', 'Settings: the server does not offer automatic replies (no Oof in its answer)');
  const code = top !== 1 ? top : (oof?.status ?? 1);
  if (code === 1) return;
  throw new SyncError(code === 4 ? 'busy' : 'server', `Settings status ${code}: ${settingsStatusText(code)}`);
}

export async function getOof(run: AccountRun): Promise<OutOfOffice> {
  const res = await run.session.run(
    (ctx) => buildSettings({ oof: { get: 'Text' } }, ctx),
    parseSettings,
    (r) => r.status,
  );
  check(res.status, res.oof);
  return fromReply(res.oof?.get ?? { messages: [] });
}

export async function setOof(run: AccountRun, oof: OutOfOffice): Promise<void> {
  if (oof.enabled && oof.start !== undefined && oof.end !== undefined && oof.end <= oof.start) {
    throw new SyncError('server', 'the end of automatic replies must come after their start');
  }
  const res = await run.session.run(
    (ctx) => buildSettings({ oof: { set: toSettings(oof) } }, ctx),
    parseSettings,
    (r) => r.status,
  );
  check(res.status, res.oof);
}
