import type { El } from '../wbxml/tree.ts';
import type { EasVersion } from './version.ts';

/** Command names as they appear in the Cmd query parameter (MS-ASHTTP 2.2.1.1.1.1.2). */
export type EasCommandName =
  | 'Sync'
  | 'SendMail'
  | 'SmartForward'
  | 'SmartReply'
  | 'GetAttachment'
  | 'GetHierarchy'
  | 'CreateCollection'
  | 'DeleteCollection'
  | 'MoveCollection'
  | 'FolderSync'
  | 'FolderCreate'
  | 'FolderDelete'
  | 'FolderUpdate'
  | 'MoveItems'
  | 'GetItemEstimate'
  | 'MeetingResponse'
  | 'Search'
  | 'Settings'
  | 'Ping'
  | 'ItemOperations'
  | 'Provision'
  | 'ResolveRecipients'
  | 'ValidateCert'
  | 'Find';

/**
 * One request ready for the transport. Builders in src/eas/commands/ return this;
 * the HTTP layer (src/eas/request.ts, sent by http.ts) turns it into a POST.
 */
export interface EasRequest {
  readonly cmd: EasCommandName;
  /** WBXML body as a tree, raw MIME (message/rfc822, EAS 12.x SendMail/Smart*), or none. */
  readonly body?: El | { readonly mime: Uint8Array };
  /** Extra query parameters: ItemId, CollectionId, SaveInSent, AttachmentName, Occurrence... */
  readonly params?: Readonly<Record<string, string>>;
}

/** Context that builders and parsers need: mostly the negotiated version. */
export interface EasContext {
  readonly version: EasVersion;
}

/** Thrown by parsers when a response does not have the shape the spec requires. */
export class EasProtocolError extends Error {
  override readonly name = 'EasProtocolError';
  constructor(
    message: string,
    readonly command?: EasCommandName,
  ) {
    super(command ? `${command}: ${message}` : message);
  }
}
