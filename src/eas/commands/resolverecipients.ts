/**
 * ResolveRecipients (MS-ASCMD 2.2.1.15): resolves names or addresses against
 * the user's contacts and the GAL, optionally with S/MIME certificates,
 * free/busy data (14.0+) and contact photos (14.1+).
 *
 * <ResolveRecipients><To/>...<Options><CertificateRetrieval/><MaxCertificates/>
 * <MaxAmbiguousRecipients/><Availability><StartTime/><EndTime/></Availability>
 * <Picture><MaxSize/><MaxPictures/></Picture></Options></ResolveRecipients>
 */
import type { El } from '../../wbxml/tree.ts';
import { intAt, kid, kids, ns, opt, textAt, textOf } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { formatEasDateTime } from '../items/dates.ts';
import { atLeast } from '../version.ts';
import { missing, requireRoot, requireText, statusText } from './common.ts';
import { pictureElement, pictureResult, type GalPicture, type PictureOptions } from './search.ts';

const rr = ns('ResolveRecipients');

/**
 * ResolveRecipients status codes (MS-ASCMD 2.2.3.177.12). The command, each
 * Response and each Certificates element carry one; Availability and Picture
 * use 1 or the common codes 160-163 and 173-175 (MS-ASCMD 2.2.2).
 */
export type ResolveRecipientsStatus =
  /** Success (command); the recipient was resolved (Response); certificates returned (Certificates). */
  | 1
  /** Response: ambiguous; the Recipients are suggestions, no certificates. Let the user pick. */
  | 2
  /** Response: ambiguous and the suggestions are partial; RecipientCount has the total. */
  | 3
  /** Response: the recipient did not resolve to any contact or GAL entry. */
  | 4
  /** Command: protocol error (an invalid parameter, or a range beyond the limits). */
  | 5
  /** Command: an error occurred on the server; retry. */
  | 6
  /** Certificates: the recipient has no valid S/MIME certificate. */
  | 7
  /** Certificates: the global certificate limit was reached; CertificateCount has the number not returned. */
  | 8;

export const describeResolveRecipientsStatus: Readonly<Record<ResolveRecipientsStatus, string>> = {
  1: 'Success',
  2: 'Ambiguous recipient',
  3: 'Ambiguous recipient, partial list of suggestions',
  4: 'Recipient not found',
  5: 'Protocol error',
  6: 'Server error',
  7: 'No valid certificate',
  8: 'Certificate limit reached',
};

/** Short English text for a ResolveRecipients status code. */
export function resolveRecipientsStatusText(code: number): string {
  return statusText(describeResolveRecipientsStatus, code, 'ResolveRecipients');
}

/** CertificateRetrieval (MS-ASCMD 2.2.3.22): 1 none (default), 2 full certificates, 3 mini certificates. */
export type CertificateRetrieval = 1 | 2 | 3;

export interface ResolveRecipientsRequest {
  /** Names or addresses to resolve (To elements). */
  readonly to: readonly string[];
  readonly certificateRetrieval?: CertificateRetrieval;
  /** Most certificates to return per recipient (MS-ASCMD 2.2.3.101). */
  readonly maxCertificates?: number;
  /** Most suggestions per ambiguous recipient (MS-ASCMD 2.2.3.100). */
  readonly maxAmbiguousRecipients?: number;
  /** Free/busy window, 14.0+. */
  readonly availability?: { readonly startTime: Date; readonly endTime: Date };
  /** 14.1+. */
  readonly picture?: PictureOptions;
}

/** Recipient Type (MS-ASCMD 2.2.3.186.5): 1 a GAL entry, 2 one of the user's contacts. */
export type RecipientType = 1 | 2;

export interface RecipientCertificates {
  /** 1, 7 or 8. */
  readonly status: number;
  readonly certificateCount?: number;
  readonly recipientCount?: number;
  /** Full X.509 certificates, base64 as sent (MS-ASCMD 2.2.3.19.1). */
  readonly certificates: readonly string[];
  /** The mini certificate, base64 as sent (MS-ASCMD 2.2.3.112). */
  readonly miniCertificate?: string;
}

export interface RecipientAvailability {
  /** 1, or 160-163 (common codes). */
  readonly status: number;
  /**
   * One digit per 30-minute slot from StartTime (MergedFreeBusy, MS-ASCMD 2.2.3.107):
   * 0 free, 1 tentative, 2 busy, 3 out of office, 4 no data.
   */
  readonly mergedFreeBusy?: string;
}

/** A resolved (or suggested) recipient. */
export interface Recipient {
  readonly type: RecipientType;
  readonly displayName: string;
  readonly emailAddress: string;
  readonly availability?: RecipientAvailability;
  readonly certificates?: RecipientCertificates;
  readonly picture?: GalPicture;
}

/** The answer for one To (a Response element). */
export interface RecipientResolution {
  readonly to: string;
  /** A ResolveRecipientsStatus (1-4), or a common status code. */
  readonly status: number;
  /** How many recipients matched, when the list is partial. */
  readonly recipientCount?: number;
  readonly recipients: readonly Recipient[];
}

export interface ResolveRecipientsResponse {
  /** A ResolveRecipientsStatus (1, 5, 6), or a common status code. */
  readonly status: number;
  readonly responses: readonly RecipientResolution[];
}

export function buildResolveRecipients(req: ResolveRecipientsRequest, ctx: EasContext): EasRequest {
  if (req.to.length === 0) throw new EasProtocolError('no recipient to resolve', 'ResolveRecipients');
  const options = rr(
    'Options',
    opt('ResolveRecipients', 'CertificateRetrieval', req.certificateRetrieval),
    opt('ResolveRecipients', 'MaxCertificates', req.maxCertificates),
    opt('ResolveRecipients', 'MaxAmbiguousRecipients', req.maxAmbiguousRecipients),
    req.availability && availabilityElement(req.availability, ctx),
    req.picture && pictureElement('ResolveRecipients', req.picture, ctx.version, 'ResolveRecipients'),
  );
  return {
    cmd: 'ResolveRecipients',
    body: rr(
      'ResolveRecipients',
      req.to.map((t) => rr('To', t)),
      options.children.length > 0 && options,
    ),
  };
}

function availabilityElement(a: { readonly startTime: Date; readonly endTime: Date }, ctx: EasContext): El {
  if (!atLeast(ctx.version, '14.0')) {
    throw new EasProtocolError(`Availability needs protocol 14.0 or later (negotiated ${ctx.version})`, 'ResolveRecipients');
  }
  // StartTime and EndTime are dateTime, e.g. 2026-01-05T09:00:00.000Z (MS-ASCMD 2.2.3.176, 2.2.3.61).
  return rr('Availability', rr('StartTime', formatEasDateTime(a.startTime)), rr('EndTime', formatEasDateTime(a.endTime)));
}

export function parseResolveRecipients(root: El | null, _ctx: EasContext): ResolveRecipientsResponse {
  const r = requireRoot(root, 'ResolveRecipients', 'ResolveRecipients');
  return { status: requiredStatus(r, 'ResolveRecipients'), responses: kids(r, 'Response').map(resolution) };
}

function resolution(e: El): RecipientResolution {
  return {
    to: requireText(e, 'To', 'ResolveRecipients'),
    status: requiredStatus(e, 'Response'),
    recipientCount: intAt(e, 'RecipientCount'),
    recipients: kids(e, 'Recipient').map(recipient),
  };
}

function recipient(e: El): Recipient {
  const type = intAt(e, 'Type');
  if (type === undefined) missing('ResolveRecipients', 'Recipient/Type');
  const availability = kid(e, 'Availability');
  const certificates = kid(e, 'Certificates');
  const picture = kid(e, 'Picture');
  return {
    type: type as RecipientType,
    displayName: requireText(e, 'DisplayName', 'ResolveRecipients'),
    emailAddress: requireText(e, 'EmailAddress', 'ResolveRecipients'),
    availability: availability && {
      status: requiredStatus(availability, 'Availability'),
      mergedFreeBusy: textAt(availability, 'MergedFreeBusy'),
    },
    certificates: certificates && certificatesResult(certificates),
    picture: picture && pictureResult(picture, 'ResolveRecipients'),
  };
}

function certificatesResult(e: El): RecipientCertificates {
  return {
    status: requiredStatus(e, 'Certificates'),
    certificateCount: intAt(e, 'CertificateCount'),
    recipientCount: intAt(e, 'RecipientCount'),
    certificates: kids(e, 'Certificate').map((c) => textOf(c)),
    miniCertificate: textAt(e, 'MiniCertificate'),
  };
}

function requiredStatus(e: El, where: string): number {
  const status = intAt(e, 'Status');
  if (status === undefined) missing('ResolveRecipients', `${where}/Status`);
  return status;
}
