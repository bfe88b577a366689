/**
 * A request that met a connection the server had already closed.
 *
 * Servers close idle keep-alive connections without a word (SOGo behind Apache after
 * a few seconds); the next request written to such a socket fails before any answer
 * byte. undici (Node's fetch) reports it as `TypeError: fetch failed` caused by a
 * SocketError 'other side closed' (code UND_ERR_SOCKET) or an ECONNRESET/EPIPE.
 * Browsers retry such requests on a fresh connection themselves and only say
 * "Failed to fetch", so this never matches there.
 *
 * The session sends such a request once more at once, on a new connection, when
 * repeating it cannot double an effect (`safeToRepeat`). The same rule bounds its
 * back-off retries: a network failure that may have reached the server is retried
 * only for such requests; any other goes to the caller, whose durable queue keeps
 * the item and decides (edit-commands.ts for MoveItems and MeetingResponse, outbox.ts for
 * 12.1 mail).
 */
import type { EasRequest } from '../eas/command.ts';
import { EasNetworkError } from '../eas/response.ts';
import { atLeast, type EasVersion } from '../eas/version.ts';
import { kid, kids } from '../wbxml/tree.ts';

/** A stale connection fails as soon as the request is written; a later cut is something else (a middlebox, a crash). */
export const QUICK_CLOSE_MS = 2000;

const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const CLOSED_TEXT = /other side closed|socket hang up/i;

/** True when the transport failed with a closed socket before the response began. */
export function closedUnanswered(e: unknown): boolean {
  if (!(e instanceof EasNetworkError) || e.answered) return false;
  return causesOf(e).some((c) => CLOSED_CODES.has(codeOf(c) ?? '') || (c instanceof Error && CLOSED_TEXT.test(c.message)));
}

/** The first few causes under a network error (undici nests the socket error in `cause`). */
function causesOf(e: EasNetworkError): unknown[] {
  const out: unknown[] = [];
  for (let c: unknown = e.cause; c !== undefined && c !== null && out.length < 4; c = c instanceof Error ? c.cause : undefined) out.push(c);
  return out;
}

function codeOf(c: unknown): string | undefined {
  const code = (c as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Failures of the connection set-up (refused, no such host, no route, TLS handshake
 * timeout): the request was never written, so the server cannot have acted on it.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * False only when the transport failed before the request left (see NOT_SENT_CODES).
 * Anything else, a browser's bare "Failed to fetch" included, may have reached the
 * server: it may have applied the command and lost only the answer.
 */
export function mayHaveArrived(e: unknown): boolean {
  if (!(e instanceof EasNetworkError)) return true;
  return !causesOf(e).some((c) => NOT_SENT_CODES.has(codeOf(c) ?? ''));
}

/**
 * Whether a request the server may or may not have acted on can be sent again:
 *
 * - Sync: yes. The server keeps the last answer for a SyncKey and sends it again when
 *   the client repeats that key (MS-ASCMD 3.1.5.9, recovery by repeating the last
 *   sync); Changes and Deletes are idempotent and Adds carry a ClientId (2.2.3.28.2).
 * - FolderSync, GetItemEstimate, Ping, Search, Find, ResolveRecipients, ValidateCert,
 *   GetAttachment: they read; FolderSync with the same key gets the same changes.
 * - Settings: a Set writes the same values again (DeviceInformation, Oof).
 * - ItemOperations: only when every operation is a Fetch (a Move or
 *   EmptyFolderContents is not repeated blindly).
 * - SendMail, SmartReply, SmartForward: from 14.0 with a ClientId, which the server
 *   uses to drop a copy it already sent (MS-ASCMD 2.2.3.28.1, Status 118). At 12.1
 *   the MIME goes bare: a second request could mean a second mail.
 * - MoveItems, MeetingResponse, FolderCreate/Delete/Update, Provision: no (a second
 *   move fails and loses the new ServerId; a second meeting answer mails the
 *   organizer twice; a Provision acknowledgement consumes its temporary key).
 */
export function safeToRepeat(req: EasRequest, version: EasVersion): boolean {
  const body = req.body && !('mime' in req.body) ? req.body : undefined;
  switch (req.cmd) {
    case 'Sync':
    case 'FolderSync':
    case 'GetItemEstimate':
    case 'Ping':
    case 'Search':
    case 'Find':
    case 'ResolveRecipients':
    case 'ValidateCert':
    case 'GetAttachment':
    case 'Settings':
      return true;
    case 'ItemOperations':
      return body !== undefined && kids(body).every((op) => op.name === 'Fetch');
    case 'SendMail':
    case 'SmartReply':
    case 'SmartForward':
      return atLeast(version, '14.0') && body !== undefined && kid(body, 'ClientId') !== undefined;
    default:
      return false;
  }
}
