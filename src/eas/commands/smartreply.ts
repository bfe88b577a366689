/**
 * SmartReply (MS-ASCMD 2.2.1.20): replies to a message; the server adds the
 * original from its own copy unless ReplaceMime is set.
 *
 * 14.0+: <SmartReply><ClientId/><Source/><AccountId/>?<SaveInSentItems/>?<ReplaceMime/>?
 * <Mime/><rm:TemplateID/>?</SmartReply> (schema MS-ASCMD 6.43). 12.1: the MIME
 * message is the body; ItemId, CollectionId, LongId, Occurrence and SaveInSent
 * go in the query.
 */
import type { El } from '../../wbxml/tree.ts';
import { el } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import {
  headElements,
  legacyRequest,
  mimeElement,
  parseComposeMailResponse,
  rejectWbxmlOnlyFields,
  requireVersion,
  sourceElement,
  templateElement,
  usesWbxmlForm,
  type ComposeMailBase,
  type ComposeMailResponse,
  type ComposeSource,
} from './composemail.ts';

export interface SmartReplyRequest extends ComposeMailBase {
  /** The message being replied to. */
  readonly source: ComposeSource;
  /** The reply, as a complete RFC 5322 message. */
  readonly mime: Uint8Array;
  /**
   * The client already quoted the original in `mime`: the server MUST NOT add
   * the original body and attachments (MS-ASCMD 2.2.3.148). 14.0+.
   */
  readonly replaceMime?: boolean;
}

export type SmartReplyResponse = ComposeMailResponse;

export function buildSmartReply(req: SmartReplyRequest, ctx: EasContext): EasRequest {
  if (!usesWbxmlForm(ctx.version)) {
    rejectWbxmlOnlyFields(req, 'SmartReply', ctx);
    if (req.replaceMime) requireVersion(ctx, '14.0', 'ReplaceMime', 'SmartReply');
    return legacyRequest('SmartReply', req.mime, req.saveInSentItems, req.source);
  }
  const [clientId, ...rest] = headElements(req, ctx, 'SmartReply');
  const body: El = el(
    'ComposeMail',
    'SmartReply',
    clientId,
    sourceElement(req.source),
    rest,
    req.replaceMime && el('ComposeMail', 'ReplaceMime'),
    mimeElement(req.mime),
    templateElement(req, ctx, 'SmartReply'),
  );
  return { cmd: 'SmartReply', body };
}

/** `root` is null for the empty body that means success (MS-ASCMD 2.2.3.177.16). */
export function parseSmartReply(root: El | null, _ctx: EasContext): SmartReplyResponse {
  return parseComposeMailResponse('SmartReply', root);
}
