/**
 * Pieces shared by SendMail, SmartReply and SmartForward (MS-ASCMD 2.2.1.17,
 * 2.2.1.20, 2.2.1.19): the ComposeMail request elements, the pre-14.0 request
 * form, the response parser and the status codes.
 *
 * Two request forms exist:
 * - 14.0 and later: a WBXML body in the ComposeMail namespace, the message itself
 *   in `Mime` as OPAQUE bytes.
 * - 12.1 and earlier: the body is the raw message (Content-Type message/rfc822)
 *   and everything else travels in the query string (MS-ASHTTP 2.2.1.1.1.2.5).
 */
import { el, intAt, ns, type El } from '../../wbxml/tree.ts';
import { EasProtocolError, type EasContext, type EasRequest } from '../command.ts';
import { formatEasDateTime } from '../items/dates.ts';
import type { EasCommonStatus } from '../status.ts';
import { atLeast, type EasVersion } from '../version.ts';

export type ComposeMailCommand = 'SendMail' | 'SmartReply' | 'SmartForward';

const cm = ns('ComposeMail');

/**
 * ComposeMail has no status table of its own: MS-ASCMD 2.2.3.177.14 (SendMail)
 * and 2.2.3.177.16 (SmartForward, SmartReply) refer to the common codes of
 * MS-ASCMD 2.2.2 (src/eas/status.ts; describeStatus gives the text). Those that
 * concern composing: 107 InvalidMIME, 115 SendQuotaExceeded, 116-121 (recipient
 * unresolved, reply not allowed, previously sent, no recipient, submission
 * failed, reply failed), 122 AttachmentIsTooLarge, 150 ItemNotFound (the
 * Source), 166/167 (AccountId), 168-172 (IRM), 178/179/183 (16.x calendar forward).
 */
export type ComposeMailStatus = EasCommonStatus;

/** Fields every ComposeMail request has. */
export interface ComposeMailBase {
  /** Unique per message, up to 40 characters; the server uses it to drop duplicates (MS-ASCMD 2.2.3.28.1). 14.0+. */
  readonly clientId: string;
  /** Save a copy in Sent Items (MS-ASCMD 2.2.3.157). */
  readonly saveInSentItems?: boolean;
  /** Send from this account (a settings:AccountId, MS-ASCMD 2.2.3.3.1). 14.1+. */
  readonly accountId?: string;
  /** Protect the message with this IRM template (rm:TemplateID, MS-ASRM 2.2.2.19.3). 14.1+. */
  readonly templateId?: string;
}

/**
 * The message being replied to or forwarded (MS-ASCMD 2.2.3.173). Either its
 * server id (with the folder, which MUST be given unless it is the Inbox,
 * MS-ASCMD 2.2.3.93) or the LongId of a Search result; never both.
 */
export type ComposeSource =
  | {
      readonly itemId: string;
      readonly folderId?: string;
      /** One occurrence of a recurring item: its original start time (MS-ASCMD 2.2.3.92.2). */
      readonly instanceId?: Date;
    }
  | { readonly longId: string };

/** airsyncbase:Type of a body the client sends (MS-ASAIRS 2.2.2.41.1): 1 plain text, 2 HTML, 3 RTF. */
export type RequestBodyType = 1 | 2 | 3;

/** A body the client sends as airsyncbase:Body (MS-ASAIRS 2.2.2.9). */
export interface RequestBody {
  readonly type: RequestBodyType;
  readonly data: string;
}

/** <airsyncbase:Body><Type/><Data/></airsyncbase:Body> */
export function bodyElement(body: RequestBody): El {
  return el('AirSyncBase', 'Body', el('AirSyncBase', 'Type', body.type), el('AirSyncBase', 'Data', body.data));
}

/** The outcome of a ComposeMail command: success, or the failure status. */
export type ComposeMailResponse =
  | { readonly ok: true }
  /** A common status code (ComposeMailStatus); other values are passed through. */
  | { readonly ok: false; readonly status: number };

/** True when the negotiated version uses the WBXML form (14.0 and later). */
export function usesWbxmlForm(version: EasVersion): boolean {
  return atLeast(version, '14.0');
}

/** Throws when a request asks for something the negotiated version cannot express. */
export function requireVersion(ctx: EasContext, min: EasVersion, what: string, cmd: ComposeMailCommand): void {
  if (!atLeast(ctx.version, min)) {
    throw new EasProtocolError(`${what} needs protocol ${min} or later (negotiated ${ctx.version})`, cmd);
  }
}

/** ClientId, AccountId and SaveInSentItems: the head of every 14.0+ request. */
export function headElements(req: ComposeMailBase, ctx: EasContext, cmd: ComposeMailCommand): El[] {
  // MS-ASCMD 2.2.3.28.1: ClientId is 1 to 40 characters.
  if (req.clientId.length < 1 || req.clientId.length > 40) {
    throw new EasProtocolError('ClientId must be 1 to 40 characters', cmd);
  }
  // MS-ASCMD 2.2.3.3.1: AccountId is not supported by 12.1 and 14.0.
  if (req.accountId !== undefined) requireVersion(ctx, '14.1', 'AccountId', cmd);
  const out = [cm('ClientId', req.clientId)];
  if (req.accountId !== undefined) out.push(cm('AccountId', req.accountId));
  // MS-ASCMD 2.2.3.157: an empty tag; present means save.
  if (req.saveInSentItems) out.push(cm('SaveInSentItems'));
  return out;
}

/** The message as OPAQUE bytes (MS-ASCMD 2.2.3.109). */
export function mimeElement(mime: Uint8Array): El {
  return cm('Mime', mime);
}

/** rm:TemplateID (MS-ASRM 2.2.2.19.3), 14.1+; undefined when not asked for. */
export function templateElement(req: ComposeMailBase, ctx: EasContext, cmd: ComposeMailCommand): El | undefined {
  if (req.templateId === undefined) return undefined;
  requireVersion(ctx, '14.1', 'rm:TemplateID', cmd);
  return el('RightsManagement', 'TemplateID', req.templateId);
}

/** The Source container of SmartReply and SmartForward (MS-ASCMD 2.2.3.173). */
export function sourceElement(source: ComposeSource): El {
  // MS-ASCMD 2.2.3.173: with LongId, FolderId and ItemId MUST NOT be present.
  if ('longId' in source) return cm('Source', cm('LongId', source.longId));
  return cm(
    'Source',
    source.folderId !== undefined && cm('FolderId', source.folderId),
    cm('ItemId', source.itemId),
    // MS-ASCMD 2.2.3.92.2: dateTime with punctuation, e.g. 2010-03-20T22:40:00.000Z.
    source.instanceId !== undefined && cm('InstanceId', formatEasDateTime(source.instanceId)),
  );
}

/**
 * The 12.1-and-earlier request: raw MIME body, parameters in the query
 * (MS-ASHTTP 2.2.1.1.1.2.5: SaveInSent, ItemId, CollectionId, LongId, Occurrence;
 * the HTTP layer turns them into the base64 query form where that is used).
 */
export function legacyRequest(
  cmd: ComposeMailCommand,
  mime: Uint8Array,
  saveInSentItems: boolean | undefined,
  source?: ComposeSource,
): EasRequest {
  const params: Record<string, string> = {};
  if (source && 'longId' in source) params['LongId'] = source.longId;
  else if (source) {
    params['ItemId'] = source.itemId;
    if (source.folderId !== undefined) params['CollectionId'] = source.folderId;
    if (source.instanceId !== undefined) params['Occurrence'] = formatEasDateTime(source.instanceId);
  }
  if (saveInSentItems) params['SaveInSent'] = 'T';
  const body = { mime };
  return Object.keys(params).length > 0 ? { cmd, body, params } : { cmd, body };
}

/** Rejects AccountId and TemplateID (14.1+, WBXML only) in a request sent in the pre-14.0 form. */
export function rejectWbxmlOnlyFields(req: ComposeMailBase, cmd: ComposeMailCommand, ctx: EasContext): void {
  if (req.accountId !== undefined) requireVersion(ctx, '14.1', 'AccountId', cmd);
  if (req.templateId !== undefined) requireVersion(ctx, '14.1', 'rm:TemplateID', cmd);
}

/**
 * Parses a SendMail/SmartReply/SmartForward response. Success is an empty body
 * (MS-ASCMD 2.2.3.177.14, 2.2.3.177.16); a failure carries Status.
 */
export function parseComposeMailResponse(cmd: ComposeMailCommand, root: El | null): ComposeMailResponse {
  if (root === null) return { ok: true };
  if (root.ns !== 'ComposeMail' || root.name !== cmd) {
    throw new EasProtocolError(`expected ComposeMail:${cmd}, got ${root.ns}:${root.name}`, cmd);
  }
  const status = intAt(root, 'Status');
  // 1 is not in the ComposeMail list, but it means success in every EAS status
  // table; reporting a sent message as failed would invite a duplicate send.
  if (status === undefined || status === 1) return { ok: true };
  return { ok: false, status };
}
