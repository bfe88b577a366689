import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSearch, parseRange, parseSearch, searchStatusText, type SearchQuery } from '../../../src/eas/commands/search.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, easFromXml, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, isEl, kid, ns, type El } from '../../../src/wbxml/tree.ts';
import { SHARED_FIXTURES } from '../../support/corpus.ts';
import { noLibwbxml } from '../../support/shared.ts';

const se = ns('Search');
const gal = ns('GAL');
const v121: EasContext = { version: '12.1' };
const v140: EasContext = { version: '14.0' };
const v141: EasContext = { version: '14.1' };
const v161: EasContext = { version: '16.1' };
const noFixtures = noLibwbxml('the search tests on libwbxml documents');
const fixture = (name: string): El => easFromXml(readFileSync(join(SHARED_FIXTURES, name), 'utf8'));

/** Children sorted by namespace and name, recursively: Options is an unordered choice. */
const unordered = (e: El): El => ({
  ...e,
  children: e.children
    .map((c) => (isEl(c) ? unordered(c) : c))
    .sort((a, b) => (isEl(a) && isEl(b) ? `${a.ns}:${a.name}`.localeCompare(`${b.ns}:${b.name}`) : 0)),
});

describe('buildSearch, GAL', () => {
  it('builds the MS-ASCMD 4.13.1 style GAL query with a range', () => {
    const req = buildSearch({ store: 'GAL', query: 'Anat', range: { first: 0, last: 1 } }, v121);
    expect(req.cmd).toBe('Search');
    expect(req.body).toEqual(se('Search', se('Store', se('Name', 'GAL'), se('Query', 'Anat'), se('Options', se('Range', '0-1')))));
  });

  it('asks for contact photos from 14.1', () => {
    const body = buildSearch(
      { store: 'GAL', query: 'ann', range: { first: 0, last: 9 }, picture: { maxSize: 10240, maxPictures: 5 } },
      v141,
    ).body as El;
    expect(kid(kid(body, 'Store') as El, 'Options')).toEqual(
      se('Options', se('Range', '0-9'), se('Picture', se('MaxSize', '10240'), se('MaxPictures', '5'))),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
    expect(() => buildSearch({ store: 'GAL', query: 'ann', picture: {} }, v140)).toThrow(/14\.1/);
  });

  it('sends no Options when there are none', () => {
    const body = buildSearch({ store: 'GAL', query: 'x' }, v141).body as El;
    expect((kid(body, 'Store') as El).children.map((c) => (c as El).name)).toEqual(['Name', 'Query']);
  });
});

describe('buildSearch, Mailbox', () => {
  it.skipIf(noFixtures)('builds the same request as the libwbxml Exchange search fixture', () => {
    const body = buildSearch(
      {
        store: 'Mailbox',
        query: {
          kind: 'and',
          terms: [
            { kind: 'class', value: 'Calendar' },
            { kind: 'freeText', text: 'test' },
          ],
        },
        range: { first: 0, last: 1 },
        rebuildResults: true,
        deepTraversal: true,
        bodyPreferences: [{ type: 2 }],
      },
      v121,
    ).body as El;
    expect(unordered(body)).toEqual(unordered(fixture('airsync-002-search_query_for_exchange.xml')));
  });

  it('builds an Exchange-style query: folder, class, words and a date window', () => {
    const query: SearchQuery = {
      kind: 'and',
      terms: [
        { kind: 'class', value: 'Email' },
        { kind: 'collectionId', value: '5' },
        { kind: 'freeText', text: 'budget' },
        { kind: 'greaterThan', dateReceived: new Date(Date.UTC(2026, 0, 1)) },
        { kind: 'lessThan', dateReceived: new Date(Date.UTC(2026, 1, 1)) },
      ],
    };
    const body = buildSearch({ store: 'Mailbox', query, range: { first: 0, last: 49 }, mimeSupport: 0 }, v141).body as El;
    const store = kid(body, 'Store') as El;
    expect(kid(store, 'Query')).toEqual(
      se(
        'Query',
        se(
          'And',
          el('AirSync', 'Class', 'Email'),
          el('AirSync', 'CollectionId', '5'),
          se('FreeText', 'budget'),
          se('GreaterThan', el('Email', 'DateReceived'), se('Value', '2026-01-01T00:00:00.000Z')),
          se('LessThan', el('Email', 'DateReceived'), se('Value', '2026-02-01T00:00:00.000Z')),
        ),
      ),
    );
    expect(kid(store, 'Options')).toEqual(se('Options', el('AirSync', 'MIMESupport', '0'), se('Range', '0-49')));
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('puts Or and ConversationId in the query (14.0+)', () => {
    const query: SearchQuery = {
      kind: 'or',
      terms: [
        { kind: 'conversationId', value: 'B7A8F1C2' },
        { kind: 'freeText', text: 'x' },
      ],
    };
    const store = kid(buildSearch({ store: 'Mailbox', query }, v140).body as El, 'Store') as El;
    expect(kid(store, 'Query')).toEqual(se('Query', se('Or', se('ConversationId', 'B7A8F1C2'), se('FreeText', 'x'))));
    expect(() => buildSearch({ store: 'Mailbox', query }, v121)).toThrow(EasProtocolError);
  });

  it('adds BodyPartPreference and RightsManagementSupport from 14.1 only', () => {
    const req = {
      store: 'Mailbox',
      query: { kind: 'freeText', text: 'x' },
      bodyPartPreference: { type: 2, truncationSize: 1000 },
      rightsManagementSupport: true,
    } as const;
    const options = kid(kid(buildSearch(req, v161).body as El, 'Store') as El, 'Options') as El;
    expect(options.children.map((c) => `${(c as El).ns}:${(c as El).name}`)).toEqual([
      'AirSyncBase:BodyPartPreference',
      'RightsManagement:RightsManagementSupport',
    ]);
    expect(() => buildSearch(req, v140)).toThrow(/14\.1/);
  });

  it('refuses a range the wire cannot carry', () => {
    const query: SearchQuery = { kind: 'freeText', text: 'x' };
    expect(() => buildSearch({ store: 'Mailbox', query, range: { first: 5, last: 4 } }, v141)).toThrow(RangeError);
    expect(() => buildSearch({ store: 'Mailbox', query, range: { first: 0, last: 1000 } }, v141)).toThrow(RangeError);
  });
});

describe('buildSearch, DocumentLibrary', () => {
  it('looks up a link with credentials', () => {
    const body = buildSearch(
      {
        store: 'DocumentLibrary',
        query: { kind: 'equalTo', linkId: '\\\\fileserver\\share' },
        range: { first: 0, last: 99 },
        userName: 'CONTOSO\\ann',
        password: 'secret',
      },
      v121,
    ).body as El;
    expect(body).toEqual(
      se(
        'Search',
        se(
          'Store',
          se('Name', 'DocumentLibrary'),
          se('Query', se('EqualTo', el('DocumentLibrary', 'LinkId'), se('Value', '\\\\fileserver\\share'))),
          se('Options', se('Range', '0-99'), se('UserName', 'CONTOSO\\ann'), se('Password', 'secret')),
        ),
      ),
    );
  });
});

describe('parseSearch', () => {
  it.skipIf(noFixtures)('reads the libwbxml GAL response with a contact photo', () => {
    const r = parseSearch(fixture('activesync-040-search-response.xml'), v141);
    expect(r.status).toBe(1);
    expect(r.store?.status).toBe(1);
    expect(r.store?.range).toEqual({ first: 0, last: 0 });
    expect(r.store?.total).toBe(1);
    expect(r.store?.results).toHaveLength(1);
    const entry = r.store?.results[0]?.gal;
    expect(entry).toMatchObject({
      displayName: 'xxx yyy',
      firstName: 'xxx',
      lastName: 'yyy',
      emailAddress: 'tfu@aon.at',
      phone: '+0 (999) 99999',
      homePhone: '++0 (999) 99999',
    });
    expect(entry?.picture?.status).toBe(1);
    // A JPEG: FF D8 FF.
    expect(Array.from(entry?.picture?.data?.subarray(0, 3) ?? [])).toEqual([0xff, 0xd8, 0xff]);
  });

  it.skipIf(noFixtures)('reads the same GAL response after a WBXML round trip', () => {
    const doc = fixture('activesync-040-search-response.xml');
    expect(parseSearch(decodeEas(encodeEas(doc)), v141)).toEqual(parseSearch(doc, v141));
  });

  it('reads a picture sent as base64 text, and a missing photo', () => {
    const root = se(
      'Search',
      se('Status', '1'),
      se(
        'Response',
        se(
          'Store',
          se('Status', '1'),
          se('Result', se('Properties', gal('DisplayName', 'A'), gal('Picture', gal('Status', '1'), gal('Data', 'AQID')))),
          se('Result', se('Properties', gal('DisplayName', 'B'), gal('Picture', gal('Status', '173')))),
        ),
      ),
    );
    const results = parseSearch(root, v141).store?.results ?? [];
    expect(results[0]?.gal?.picture).toEqual({ status: 1, data: new Uint8Array([1, 2, 3]) });
    expect(results[1]?.gal?.picture).toEqual({ status: 173, data: undefined });
  });

  it.skipIf(noFixtures)('reads the libwbxml Exchange mailbox search response (calendar results)', () => {
    const r = parseSearch(fixture('airsync-003-search_response_from_exchange.xml'), v121);
    expect(r.status).toBe(1);
    expect(r.store?.range).toEqual({ first: 0, last: 1 });
    expect(r.store?.total).toBe(19);
    const [first, second] = r.store?.results ?? [];
    expect(first?.class).toBe('Calendar');
    expect(first?.collectionId).toBe('3');
    expect(first?.longId).toBe('RgAAAADi22n%2b5K6eSoH%2bdzl9mrUlBwAiJdrFeosuS5FQPukoeMhpAH7xbHCsAAAiJdrFeosuS5FQPukoeMhpAH7zrksUAAAP');
    expect(first?.gal).toBeUndefined();
    expect(kid(first?.properties as El, 'Subject', 'Calendar')?.children).toEqual(['hfjjf']);
    expect(kid(second?.properties as El, 'Subject', 'Calendar')?.children).toEqual(['tent']);
  });

  it('reads "no results": an empty Result element and Total 0', () => {
    const root = se('Search', se('Status', '1'), se('Response', se('Store', se('Status', '1'), se('Result'), se('Total', '0'))));
    expect(parseSearch(root, v141)).toEqual({
      status: 1,
      store: { status: 1, results: [], range: undefined, total: 0 },
    });
  });

  it('reads failures at the command and at the store level', () => {
    expect(parseSearch(se('Search', se('Status', '2')), v141)).toEqual({ status: 2, store: undefined });
    const timedOut = parseSearch(se('Search', se('Status', '1'), se('Response', se('Store', se('Status', '10')))), v141);
    expect(timedOut.store?.status).toBe(10);
    expect(searchStatusText(10)).toBe('The search timed out');
    expect(searchStatusText(9)).toBe('Unknown Search status 9');
  });

  it('throws when a required Status is missing', () => {
    expect(() => parseSearch(se('Search'), v141)).toThrow(EasProtocolError);
    expect(() => parseSearch(se('Search', se('Status', '1'), se('Response', se('Store'))), v141)).toThrow(/Store\/Status/);
  });

  it('parses ranges', () => {
    expect(parseRange('10-19')).toEqual({ first: 10, last: 19 });
    expect(parseRange('x')).toBeUndefined();
  });
});
