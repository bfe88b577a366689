import { describe, expect, it } from 'vitest';
import { buildFind, findStatusText, parseFind } from '../../../src/eas/commands/find.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, kid, ns, type El } from '../../../src/wbxml/tree.ts';

const fd = ns('Find');
const as = ns('AirSync');
const em = ns('Email');
const gal = ns('GAL');
const v141: EasContext = { version: '14.1' };
const v160: EasContext = { version: '16.0' };
const v161: EasContext = { version: '16.1' };
const searchId = '6a3ae1b3-3e6b-4c4f-9a44-0f6c2a2b7d10';

describe('buildFind', () => {
  it('builds a mailbox search in one folder', () => {
    const req = buildFind(
      {
        searchId,
        criterion: { kind: 'mailbox', freeText: 'subject:budget', class: 'Email', collectionId: '5', deepTraversal: true },
        range: { first: 0, last: 24 },
      },
      v161,
    );
    expect(req.cmd).toBe('Find');
    expect(req.body).toEqual(
      fd(
        'Find',
        fd('SearchId', searchId),
        fd(
          'ExecuteSearch',
          fd(
            'MailBoxSearchCriterion',
            fd('Query', fd('FreeText', 'subject:budget'), as('Class', 'Email'), as('CollectionId', '5')),
            fd('Options', fd('Range', '0-24'), fd('DeepTraversal')),
          ),
        ),
      ),
    );
    expect(decodeEas(encodeEas(req.body as El))).toEqual(req.body);
  });

  it('builds a GAL search with photos', () => {
    const body = buildFind(
      { searchId, criterion: { kind: 'gal', query: 'dana', picture: { maxSize: 4096, maxPictures: 3 } }, range: { first: 0, last: 9 } },
      v161,
    ).body as El;
    expect(kid(body, 'ExecuteSearch')).toEqual(
      fd(
        'ExecuteSearch',
        fd(
          'GalSearchCriterion',
          fd('Query', 'dana'),
          fd('Options', fd('Range', '0-9'), fd('Picture', fd('MaxSize', '4096'), fd('MaxPictures', '3'))),
        ),
      ),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('is 16.1 only, and wants a GUID SearchId', () => {
    const req = { searchId, criterion: { kind: 'gal', query: 'x' }, range: { first: 0, last: 9 } } as const;
    expect(() => buildFind(req, v160)).toThrow(/16\.1/);
    expect(() => buildFind(req, v141)).toThrow(EasProtocolError);
    expect(() => buildFind({ ...req, searchId: '1' }, v161)).toThrow(/GUID/);
  });
});

describe('parseFind', () => {
  it('reads mailbox results with their listing properties', () => {
    const root = fd(
      'Find',
      fd('Status', '1'),
      fd(
        'Response',
        el('ItemOperations', 'Store', 'Mailbox'),
        fd('Status', '1'),
        fd(
          'Result',
          as('Class', 'Email'),
          as('ServerId', '5:17'),
          as('CollectionId', '5'),
          fd(
            'Properties',
            em('Subject', 'Budget 2026'),
            em('DateReceived', '2026-01-04T16:30:00.000Z'),
            em('From', '"Dana Lee" <dana@example.com>'),
            fd('Preview', 'Here are the numbers'),
            fd('HasAttachments', '1'),
          ),
        ),
        fd('Range', '0-0'),
        fd('Total', '1'),
      ),
    );
    const r = parseFind(decodeEas(encodeEas(root)), v161);
    expect(r.status).toBe(1);
    expect(r.response).toMatchObject({ store: 'Mailbox', status: 1, range: { first: 0, last: 0 }, total: 1 });
    const [hit] = r.response?.results ?? [];
    expect(hit).toMatchObject({ class: 'Email', serverId: '5:17', collectionId: '5', gal: undefined });
    expect(kid(hit?.properties as El, 'Preview')?.children).toEqual(['Here are the numbers']);
  });

  it('reads GAL results', () => {
    const root = fd(
      'Find',
      fd('Status', '1'),
      fd(
        'Response',
        fd('Status', '1'),
        fd('Result', fd('Properties', gal('DisplayName', 'Dana Lee'), gal('Alias', 'dana'), gal('EmailAddress', 'dana@example.com'))),
        fd('Range', '0-0'),
        fd('Total', '1'),
      ),
    );
    expect(parseFind(root, v161).response?.results[0]?.gal).toMatchObject({
      displayName: 'Dana Lee',
      alias: 'dana',
      emailAddress: 'dana@example.com',
    });
  });

  it('reads the failure statuses', () => {
    expect(parseFind(fd('Find', fd('Status', '3')), v161)).toEqual({ status: 3, response: undefined });
    const badRange = parseFind(fd('Find', fd('Status', '1'), fd('Response', fd('Status', '4'))), v161);
    expect(badRange.response?.status).toBe(4);
    expect(badRange.response?.results).toEqual([]);
    expect(findStatusText(4)).toMatch(/begin with 0/);
  });

  it('throws when a Status is missing', () => {
    expect(() => parseFind(fd('Find'), v161)).toThrow(EasProtocolError);
    expect(() => parseFind(fd('Find', fd('Status', '1'), fd('Response')), v161)).toThrow(/Response\/Status/);
  });
});
