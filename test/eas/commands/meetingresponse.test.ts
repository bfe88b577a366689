import { describe, expect, it } from 'vitest';
import {
  buildMeetingResponse,
  meetingResponseStatusText,
  parseMeetingResponse,
  UserResponse,
} from '../../../src/eas/commands/meetingresponse.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, ns, type El } from '../../../src/wbxml/tree.ts';

const mr = ns('MeetingResponse');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };

describe('buildMeetingResponse', () => {
  it('accepts a meeting request found by folder and server id', () => {
    const req = buildMeetingResponse({ requests: [{ userResponse: UserResponse.Accepted, collectionId: '5', requestId: '5:8' }] }, v141);
    expect(req.cmd).toBe('MeetingResponse');
    expect(req.body).toEqual(
      mr('MeetingResponse', mr('Request', mr('UserResponse', '1'), mr('CollectionId', '5'), mr('RequestId', '5:8'))),
    );
  });

  it('is the same request in 12.1 for the basic case', () => {
    const requests = [{ userResponse: UserResponse.Declined, collectionId: '5', requestId: '5:8' }] as const;
    expect(buildMeetingResponse({ requests }, v121)).toEqual(buildMeetingResponse({ requests }, v141));
  });

  it('uses search:LongId instead of CollectionId and RequestId, and names one occurrence (14.1)', () => {
    const body = buildMeetingResponse(
      {
        requests: [{ userResponse: UserResponse.Tentative, longId: 'RgAAAAD', instanceId: new Date(Date.UTC(2010, 3, 8, 18, 16)) }],
      },
      v141,
    ).body as El;
    expect(body).toEqual(
      mr(
        'MeetingResponse',
        mr('Request', mr('UserResponse', '2'), el('Search', 'LongId', 'RgAAAAD'), mr('InstanceId', '2010-04-08T18:16:00.000Z')),
      ),
    );
  });

  it('refuses InstanceId on 14.0, where the server answers Status 2', () => {
    expect(() =>
      buildMeetingResponse({ requests: [{ userResponse: 1, collectionId: '5', requestId: '5:8', instanceId: new Date(0) }] }, v140),
    ).toThrow(/14\.1/);
  });

  it('sends a response email with a body and a new time proposal (16.x)', () => {
    const body = buildMeetingResponse(
      {
        requests: [
          {
            userResponse: UserResponse.Tentative,
            collectionId: '5',
            requestId: '5:8',
            sendResponse: {
              body: { type: 1, data: 'Could we move it?' },
              proposedStartTime: new Date(Date.UTC(2026, 0, 5, 10)),
              proposedEndTime: new Date(Date.UTC(2026, 0, 5, 11)),
            },
          },
        ],
      },
      v161,
    ).body as El;
    expect(body).toEqual(
      mr(
        'MeetingResponse',
        mr(
          'Request',
          mr('UserResponse', '2'),
          mr('CollectionId', '5'),
          mr('RequestId', '5:8'),
          mr(
            'SendResponse',
            el('AirSyncBase', 'Body', el('AirSyncBase', 'Type', '1'), el('AirSyncBase', 'Data', 'Could we move it?')),
            mr('ProposedStartTime', '20260105T100000Z'),
            mr('ProposedEndTime', '20260105T110000Z'),
          ),
        ),
      ),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('sends an empty SendResponse for an email without body', () => {
    const body = buildMeetingResponse({ requests: [{ userResponse: 3, longId: 'L', sendResponse: {} }] }, v161).body as El;
    expect((body.children[0] as El).children[2]).toEqual(mr('SendResponse'));
  });

  it('refuses SendResponse before 16.0 and a half time proposal', () => {
    expect(() => buildMeetingResponse({ requests: [{ userResponse: 1, longId: 'L', sendResponse: {} }] }, v141)).toThrow(/16\.0/);
    expect(() =>
      buildMeetingResponse({ requests: [{ userResponse: 2, longId: 'L', sendResponse: { proposedStartTime: new Date(0) } }] }, v161),
    ).toThrow(EasProtocolError);
  });

  it('answers several requests at once, and refuses an empty list', () => {
    const body = buildMeetingResponse(
      {
        requests: [
          { userResponse: 1, collectionId: '5', requestId: '5:1' },
          { userResponse: 3, collectionId: '5', requestId: '5:2' },
        ],
      },
      v141,
    ).body as El;
    expect(body.children).toHaveLength(2);
    expect(() => buildMeetingResponse({ requests: [] }, v141)).toThrow(EasProtocolError);
  });
});

describe('parseMeetingResponse', () => {
  it('reads an accepted meeting with its new calendar item', () => {
    const root = mr('MeetingResponse', mr('Result', mr('RequestId', '5:8'), mr('Status', '1'), mr('CalendarId', '1:34')));
    expect(parseMeetingResponse(decodeEas(encodeEas(root)), v141)).toEqual({
      results: [{ requestId: '5:8', status: 1, calendarId: '1:34' }],
    });
  });

  it('reads a declined meeting (no CalendarId) and a failure', () => {
    const root = mr(
      'MeetingResponse',
      mr('Result', mr('RequestId', '5:9'), mr('Status', '1')),
      mr('Result', mr('RequestId', '5:10'), mr('Status', '2')),
    );
    const r = parseMeetingResponse(root, v141);
    expect(r.results.map((x) => [x.requestId, x.status, x.calendarId])).toEqual([
      ['5:9', 1, undefined],
      ['5:10', 2, undefined],
    ]);
    expect(meetingResponseStatusText(2)).toBe('Invalid meeting request');
  });

  it('reads the echoed InstanceId of a LongId request (no RequestId)', () => {
    const root = mr(
      'MeetingResponse',
      mr('Result', mr('Status', '1'), mr('CalendarId', '1:2'), mr('InstanceId', '2010-04-08T18:16:00.000Z')),
    );
    expect(parseMeetingResponse(root, v161).results[0]).toEqual({
      status: 1,
      calendarId: '1:2',
      instanceId: '2010-04-08T18:16:00.000Z',
    });
  });

  it('throws when a Result has no Status, or the body is not a MeetingResponse', () => {
    expect(() => parseMeetingResponse(mr('MeetingResponse', mr('Result', mr('RequestId', '1'))), v141)).toThrow(EasProtocolError);
    expect(() => parseMeetingResponse(null, v141)).toThrow(EasProtocolError);
  });
});
