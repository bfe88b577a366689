/**
 * SmartForward (MS-ASCMD 2.2.1.19): forwards a message; the server attaches the
 * original from its own copy unless ReplaceMime is set.
 *
 * 14.0+: <SmartForward><ClientId/><Source/><AccountId/>?<SaveInSentItems/>?<ReplaceMime/>?
 * <Mime/><rm:TemplateID/>?</SmartForward> (schema MS-ASCMD 6.41).
 * 16.0+ can forward a calendar item without MIME: airsyncbase:Body and/or
 * Forwardees instead of Mime, SaveInSentItems, ReplaceMime and TemplateID
 * (MS-ASCMD 2.2.3.169). 12.1: the MIME message is the body; ItemId,
 * CollectionId, LongId, Occurrence and SaveInSent go in the query.
 */
import type { El } from '../../wbxml/tree.ts';
import { el, ns } from '../../wbxml/tree.ts';
import { EasProtocolError, type EasContext, type EasRequest } from '../command.ts';
import {
  bodyElement,
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
  type RequestBody,
} from './composemail.ts';

const cm = ns('ComposeMail');

/** A recipient of a forwarded meeting (MS-ASCMD 2.2.3.78). */
export interface Forwardee {
  readonly email: string;
  readonly name?: string;
}

export interface SmartForwardRequest extends ComposeMailBase {
  /** The message or calendar item being forwarded. */
  readonly source: ComposeSource;
  /** The forward as a complete RFC 5322 message. Required unless `body`/`forwardees` are used. */
  readonly mime?: Uint8Array;
  /** The client already included the original in `mime` (MS-ASCMD 2.2.3.148). 14.0+. */
  readonly replaceMime?: boolean;
  /** Text to send with a forwarded calendar item. 16.0+, calendar items only. */
  readonly body?: RequestBody;
  /** Recipients of a forwarded calendar item (MS-ASCMD 2.2.3.79). 16.0+, calendar items only. */
  readonly forwardees?: readonly Forwardee[];
}

export type SmartForwardResponse = ComposeMailResponse;

export function buildSmartForward(req: SmartForwardRequest, ctx: EasContext): EasRequest {
  const calendarForm = req.body !== undefined || req.forwardees !== undefined;
  if (calendarForm) return { cmd: 'SmartForward', body: calendarForward(req, ctx) };
  if (req.mime === undefined) throw new EasProtocolError('mime is required', 'SmartForward');
  if (!usesWbxmlForm(ctx.version)) {
    rejectWbxmlOnlyFields(req, 'SmartForward', ctx);
    if (req.replaceMime) requireVersion(ctx, '14.0', 'ReplaceMime', 'SmartForward');
    return legacyRequest('SmartForward', req.mime, req.saveInSentItems, req.source);
  }
  const [clientId, ...rest] = headElements(req, ctx, 'SmartForward');
  const body: El = el(
    'ComposeMail',
    'SmartForward',
    clientId,
    sourceElement(req.source),
    rest,
    req.replaceMime && cm('ReplaceMime'),
    mimeElement(req.mime),
    templateElement(req, ctx, 'SmartForward'),
  );
  return { cmd: 'SmartForward', body };
}

/** The 16.x calendar forward: Body and/or Forwardees, no MIME. */
function calendarForward(req: SmartForwardRequest, ctx: EasContext): El {
  requireVersion(ctx, '16.0', 'Body/Forwardees', 'SmartForward');
  // MS-ASCMD 2.2.3.169: with Forwardees or Body, Mime, SaveInSentItems,
  // ReplaceMime and rm:TemplateID MUST NOT be present.
  if (req.mime !== undefined || req.saveInSentItems || req.replaceMime || req.templateId !== undefined) {
    throw new EasProtocolError('Body/Forwardees exclude Mime, SaveInSentItems, ReplaceMime and TemplateID', 'SmartForward');
  }
  const [clientId, ...rest] = headElements(req, ctx, 'SmartForward');
  return el(
    'ComposeMail',
    'SmartForward',
    clientId,
    sourceElement(req.source),
    rest,
    req.body !== undefined && bodyElement(req.body),
    req.forwardees !== undefined && forwardeesElement(req.forwardees),
  );
}

/**
 * MS-ASCMD 2.2.3.79. The children are Email and Name as MS-ASCMD 2.2.3.53 and
 * 2.2.3.120.3 name them (ComposeMail.xsd calls them ForwardeeEmail/ForwardeeName).
 */
function forwardeesElement(forwardees: readonly Forwardee[]): El {
  return cm(
    'Forwardees',
    forwardees.map((f) => cm('Forwardee', cm('Email', f.email), f.name !== undefined && cm('Name', f.name))),
  );
}

/** `root` is null for the empty body that means success (MS-ASCMD 2.2.3.177.16). */
export function parseSmartForward(root: El | null, _ctx: EasContext): SmartForwardResponse {
  return parseComposeMailResponse('SmartForward', root);
}
