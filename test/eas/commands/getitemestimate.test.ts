import { describe, expect, it } from 'vitest';
import {
  buildGetItemEstimate,
  describeGetItemEstimateStatus,
  getItemEstimateStatusText,
  parseGetItemEstimate,
} from '../../../src/eas/commands/getitemestimate.ts';
import { EasProtocolError } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import type { El } from '../../../src/wbxml/tree.ts';
import { ns } from '../../../src/wbxml/tree.ts';

const g = ns('GetItemEstimate');
const as = ns('AirSync');

describe('buildGetItemEstimate', () => {
  it('14.0+: SyncKey first, Options with FilterType and Class (MS-ASCMD 4.9.1)', () => {
    const req = buildGetItemEstimate(
      { collections: [{ syncKey: '785971245', collectionId: '5', conversationMode: true, options: [{ filterType: 0, class: 'Email' }] }] },
      { version: '14.1' },
    );
    expect(req.cmd).toBe('GetItemEstimate');
    expect(req.body).toEqual(
      g(
        'GetItemEstimate',
        g(
          'Collections',
          g(
            'Collection',
            as('SyncKey', '785971245'),
            g('CollectionId', '5'),
            as('ConversationMode', '1'),
            as('Options', as('Class', 'Email'), as('FilterType', '0')),
          ),
        ),
      ),
    );
  });

  it('14.0+: several collections, Options with MaxItems for the RI cache', () => {
    const req = buildGetItemEstimate(
      {
        collections: [
          { syncKey: '3', collectionId: '5' },
          { syncKey: '9', collectionId: 'ri', options: [{ maxItems: 50 }] },
        ],
      },
      { version: '16.1' },
    );
    expect(req.body).toEqual(
      g(
        'GetItemEstimate',
        g(
          'Collections',
          g('Collection', as('SyncKey', '3'), g('CollectionId', '5')),
          g('Collection', as('SyncKey', '9'), g('CollectionId', 'ri'), as('Options', as('MaxItems', '50'))),
        ),
      ),
    );
  });

  it('12.1: Class, CollectionId, FilterType, SyncKey in the Collection', () => {
    const req = buildGetItemEstimate(
      {
        collections: [
          { syncKey: '4', collectionId: '5', class: 'Email', filterType: 3 },
          { syncKey: '2', collectionId: '9' },
        ],
      },
      { version: '12.1' },
    );
    expect(req.body).toEqual(
      g(
        'GetItemEstimate',
        g(
          'Collections',
          g('Collection', g('Class', 'Email'), g('CollectionId', '5'), as('FilterType', '3'), as('SyncKey', '4')),
          g('Collection', g('CollectionId', '9'), as('FilterType', '0'), as('SyncKey', '2')),
        ),
      ),
    );
  });

  it("refuses the other version's shape", () => {
    expect(() => buildGetItemEstimate({ collections: [{ syncKey: '1', collectionId: '5', filterType: 3 }] }, { version: '14.0' })).toThrow(
      RangeError,
    );
    expect(() => buildGetItemEstimate({ collections: [{ syncKey: '1', collectionId: '5', options: [] }] }, { version: '12.1' })).toThrow(
      /14.0/,
    );
  });
});

describe('parseGetItemEstimate', () => {
  const ctx = { version: '14.1' } as const;

  it('reads one estimate per collection', () => {
    const r = parseGetItemEstimate(
      g(
        'GetItemEstimate',
        g('Response', g('Status', '1'), g('Collection', g('CollectionId', '5'), g('Estimate', '212'))),
        g('Response', g('Status', '1'), g('Collection', g('CollectionId', '1'), g('Estimate', '0'))),
      ),
      ctx,
    );
    expect(r).toEqual({
      status: 1,
      responses: [
        { status: 1, collectionId: '5', class: undefined, estimate: 212 },
        { status: 1, collectionId: '1', class: undefined, estimate: 0 },
      ],
    });
  });

  it('reads per-collection errors 2, 3 and 4', () => {
    const r = parseGetItemEstimate(
      g(
        'GetItemEstimate',
        g('Response', g('Status', '2'), g('Collection', g('CollectionId', 'gone'))),
        g('Response', g('Status', '3')),
        g('Response', g('Status', '4'), g('Collection', g('CollectionId', '5'))),
      ),
      ctx,
    );
    expect(r.responses.map((x) => [x.status, x.collectionId, x.estimate])).toEqual([
      [2, 'gone', undefined],
      [3, undefined, undefined],
      [4, '5', undefined],
    ]);
  });

  it('reads a 12.1 response that echoes the Class', () => {
    const r = parseGetItemEstimate(
      g(
        'GetItemEstimate',
        g('Response', g('Status', '1'), g('Collection', g('Class', 'Email'), g('CollectionId', '5'), g('Estimate', '7'))),
      ),
      { version: '12.1' },
    );
    expect(r.responses[0]).toEqual({ status: 1, collectionId: '5', class: 'Email', estimate: 7 });
  });

  it('reads a request-wide status (e.g. a common code) without responses', () => {
    expect(parseGetItemEstimate(g('GetItemEstimate', g('Status', '111')), ctx)).toEqual({ status: 111, responses: [] });
  });

  it('describes statuses', () => {
    expect(Object.keys(describeGetItemEstimateStatus)).toEqual(['1', '2', '3', '4']);
    expect(getItemEstimateStatusText(3)).toMatch(/not been primed/);
    expect(getItemEstimateStatusText(5)).toBe('Unknown GetItemEstimate status 5');
  });

  it('throws on a Response without Status, or a Collection without CollectionId', () => {
    expect(() => parseGetItemEstimate(g('GetItemEstimate', g('Response')), ctx)).toThrow(EasProtocolError);
    expect(() =>
      parseGetItemEstimate(g('GetItemEstimate', g('Response', g('Status', '1'), g('Collection', g('Estimate', '1')))), ctx),
    ).toThrow(/CollectionId/);
  });
});

describe('GetItemEstimate on the wire', () => {
  it('round-trips both request shapes and parses an XML response', () => {
    for (const version of ['12.1', '14.1'] as const) {
      const c =
        version === '12.1'
          ? { syncKey: '4', collectionId: '5', class: 'Email', filterType: 3 as const }
          : {
              syncKey: '4',
              collectionId: '5',
              conversationMode: false,
              options: [{ class: 'Email', filterType: 3 as const, maxItems: 5 }],
            };
      const body = buildGetItemEstimate({ collections: [c] }, { version }).body as El;
      expect(decodeEas(encodeEas(body))).toEqual(body);
    }
    const r = parseGetItemEstimate(
      easFromXml(`<GetItemEstimate xmlns="GetItemEstimate">
      <Response><Status>1</Status><Collection><CollectionId>5</CollectionId><Estimate>212</Estimate></Collection></Response>
    </GetItemEstimate>`),
      { version: '14.1' },
    );
    expect(r.responses).toEqual([{ status: 1, collectionId: '5', class: undefined, estimate: 212 }]);
  });
});
