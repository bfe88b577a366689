/**
 * SendMail (MS-ASCMD 2.2.1.17): sends a MIME message.
 *
 * 14.0+: <SendMail><ClientId/><AccountId/>?<SaveInSentItems/>?<Mime/><rm:TemplateID/>?</SendMail>
 * (schema MS-ASCMD 6.36). 12.1: the MIME message is the body and SaveInSent=T
 * goes in the query. Success is an empty response body in both forms.
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
  templateElement,
  usesWbxmlForm,
  type ComposeMailBase,
  type ComposeMailResponse,
} from './composemail.ts';

export interface SendMailRequest extends ComposeMailBase {
  /** The complete RFC 5322 message, recipients included (MS-ASCMD 2.2.3.109). */
  readonly mime: Uint8Array;
}

export type SendMailResponse = ComposeMailResponse;

export function buildSendMail(req: SendMailRequest, ctx: EasContext): EasRequest {
  if (!usesWbxmlForm(ctx.version)) {
    rejectWbxmlOnlyFields(req, 'SendMail', ctx);
    return legacyRequest('SendMail', req.mime, req.saveInSentItems);
  }
  const body: El = el(
    'ComposeMail',
    'SendMail',
    headElements(req, ctx, 'SendMail'),
    mimeElement(req.mime),
    templateElement(req, ctx, 'SendMail'),
  );
  return { cmd: 'SendMail', body };
}

/** `root` is null for the empty body that means success (MS-ASCMD 2.2.1.17). */
export function parseSendMail(root: El | null, _ctx: EasContext): SendMailResponse {
  return parseComposeMailResponse('SendMail', root);
}
