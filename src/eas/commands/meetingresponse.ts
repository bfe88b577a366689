/**
 * MeetingResponse (MS-ASCMD 2.2.1.11): accepts, tentatively accepts or declines
 * meeting requests. One Request per meeting; the response has one Result each.
 *
 * <MeetingResponse><Request><UserResponse/>(<CollectionId/><RequestId/> | <search:LongId/>)
 * <InstanceId/>? <SendResponse/>?</Request>...</MeetingResponse>
 */
import type { El } from '../../wbxml/tree.ts';
import { el, intAt, kids, ns, textAt } from '../../wbxml/tree.ts';
import type { EasContext, EasRequest } from '../command.ts';
import { EasProtocolError } from '../command.ts';
import { formatCompactDateTime, formatEasDateTime } from '../items/dates.ts';
import { atLeast, type EasVersion } from '../version.ts';
import { bodyElement, type RequestBody } from './composemail.ts';
import { missing, requireRoot, statusText } from './common.ts';

const mr = ns('MeetingResponse');

/** UserResponse values (MS-ASCMD 2.2.3.194). */
export const UserResponse = {
  Accepted: 1,
  Tentative: 2,
  Declined: 3,
} as const;

export type UserResponse = (typeof UserResponse)[keyof typeof UserResponse];

/** MeetingResponse status codes (MS-ASCMD 2.2.3.177.9). */
export type MeetingResponseStatus =
  /** Success. */
  | 1
  /** Invalid meeting request (e.g. not a meeting request, or InstanceId sent to 12.1/14.0). */
  | 2
  /** An error occurred on the server mailbox. */
  | 3
  /** An error occurred on the server. */
  | 4;

export const describeMeetingResponseStatus: Readonly<Record<MeetingResponseStatus, string>> = {
  1: 'Success',
  2: 'Invalid meeting request',
  3: 'An error occurred on the server mailbox',
  4: 'An error occurred on the server',
};

/** Short English text for a MeetingResponse status code. */
export function meetingResponseStatusText(code: number): string {
  return statusText(describeMeetingResponseStatus, code, 'MeetingResponse');
}

/**
 * The email sent to the organizer with the response (MS-ASCMD 2.2.3.163), 16.0+.
 * Without SendResponse no email is sent; an empty one sends an email without body.
 */
export interface SendResponse {
  readonly body?: RequestBody;
  /** A new time proposal (MS-ASCMD 2.2.3.141); both times or neither. */
  readonly proposedStartTime?: Date;
  readonly proposedEndTime?: Date;
}

/** Which meeting request: by folder and server id, or by the LongId of a Search result. */
export type MeetingRequestRef = { readonly collectionId: string; readonly requestId: string } | { readonly longId: string };

export type MeetingResponseItem = MeetingRequestRef & {
  readonly userResponse: UserResponse;
  /** One occurrence of a recurring meeting: its original start time (MS-ASCMD 2.2.3.92.1). 14.1+. */
  readonly instanceId?: Date;
  /** 16.0+. */
  readonly sendResponse?: SendResponse;
};

export interface MeetingResponseRequest {
  readonly requests: readonly MeetingResponseItem[];
}

/** One Result (MS-ASCMD 2.2.3.155.2). */
export interface MeetingResponseResult {
  /** Echoed when the request used RequestId (MS-ASCMD 2.2.3.151). */
  readonly requestId?: string;
  /** A MeetingResponseStatus, or a common status code (MS-ASCMD 2.2.2). */
  readonly status: number;
  /** Server id of the calendar item, when the meeting was accepted or tentatively accepted (MS-ASCMD 2.2.3.18). */
  readonly calendarId?: string;
  /** Echoed occurrence, as the server wrote it. */
  readonly instanceId?: string;
}

export interface MeetingResponseResponse {
  readonly results: readonly MeetingResponseResult[];
}

export function buildMeetingResponse(req: MeetingResponseRequest, ctx: EasContext): EasRequest {
  if (req.requests.length === 0) throw new EasProtocolError('no meeting request to answer', 'MeetingResponse');
  return {
    cmd: 'MeetingResponse',
    body: mr(
      'MeetingResponse',
      req.requests.map((r) => requestElement(r, ctx.version)),
    ),
  };
}

function requestElement(r: MeetingResponseItem, version: EasVersion): El {
  // MS-ASCMD 2.2.3.92.1: InstanceId is not supported by 12.1 and 14.0 (Status 2).
  if (r.instanceId !== undefined) requireVersion(version, '14.1', 'InstanceId');
  if (r.sendResponse !== undefined) requireVersion(version, '16.0', 'SendResponse');
  return mr(
    'Request',
    mr('UserResponse', r.userResponse),
    // MS-ASCMD 2.2.3.150.2: with search:LongId, CollectionId and RequestId MUST NOT be present.
    'longId' in r ? el('Search', 'LongId', r.longId) : [mr('CollectionId', r.collectionId), mr('RequestId', r.requestId)],
    r.instanceId !== undefined && mr('InstanceId', formatEasDateTime(r.instanceId)),
    r.sendResponse !== undefined && sendResponseElement(r.sendResponse),
  );
}

function sendResponseElement(s: SendResponse): El {
  // MS-ASCMD 2.2.3.140, 2.2.3.141: each proposed time requires the other.
  if ((s.proposedStartTime === undefined) !== (s.proposedEndTime === undefined)) {
    throw new EasProtocolError('ProposedStartTime and ProposedEndTime go together', 'MeetingResponse');
  }
  return mr(
    'SendResponse',
    s.body !== undefined && bodyElement(s.body),
    // Compact DateTime (MS-ASDTYPE 2.7.2), e.g. 20260105T090000Z.
    s.proposedStartTime !== undefined && mr('ProposedStartTime', formatCompactDateTime(s.proposedStartTime)),
    s.proposedEndTime !== undefined && mr('ProposedEndTime', formatCompactDateTime(s.proposedEndTime)),
  );
}

function requireVersion(version: EasVersion, min: EasVersion, what: string): void {
  if (!atLeast(version, min)) {
    throw new EasProtocolError(`${what} needs protocol ${min} or later (negotiated ${version})`, 'MeetingResponse');
  }
}

export function parseMeetingResponse(root: El | null, _ctx: EasContext): MeetingResponseResponse {
  const r = requireRoot(root, 'MeetingResponse', 'MeetingResponse');
  return { results: kids(r, 'Result').map(result) };
}

function result(e: El): MeetingResponseResult {
  const status = intAt(e, 'Status');
  if (status === undefined) missing('MeetingResponse', 'Result/Status');
  return {
    requestId: textAt(e, 'RequestId'),
    status,
    calendarId: textAt(e, 'CalendarId'),
    instanceId: textAt(e, 'InstanceId'),
  };
}
