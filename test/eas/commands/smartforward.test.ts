import { describe, expect, it } from 'vitest';
import { buildSmartForward, parseSmartForward } from '../../../src/eas/commands/smartforward.ts';
import { EasProtocolError, type EasContext } from '../../../src/eas/command.ts';
import { decodeEas, encodeEas } from '../../../src/eas/wbxml.ts';
import { el, ns, type El } from '../../../src/wbxml/tree.ts';

const cm = ns('ComposeMail');
const asb = ns('AirSyncBase');
const v121: EasContext = { version: '12.1' };
const v141: EasContext = { version: '14.1' };
const v160: EasContext = { version: '16.0' };
const v161: EasContext = { version: '16.1' };
const mime = new TextEncoder().encode('To: c@example.com\r\nSubject: FW: Hi\r\n\r\nFYI\r\n');

describe('buildSmartForward, MIME form', () => {
  it('builds the 14.1 request', () => {
    const req = buildSmartForward(
      { clientId: 'f1', source: { folderId: '5', itemId: '5:3' }, mime, saveInSentItems: true, replaceMime: true },
      v141,
    );
    expect(req).toEqual({
      cmd: 'SmartForward',
      body: cm(
        'SmartForward',
        cm('ClientId', 'f1'),
        cm('Source', cm('FolderId', '5'), cm('ItemId', '5:3')),
        cm('SaveInSentItems'),
        cm('ReplaceMime'),
        cm('Mime', mime),
      ),
    });
  });

  it('builds the same MIME form on 16.1 when no calendar fields are given', () => {
    const body = buildSmartForward({ clientId: 'f2', source: { longId: 'L' }, mime }, v161).body as El;
    expect(body).toEqual(cm('SmartForward', cm('ClientId', 'f2'), cm('Source', cm('LongId', 'L')), cm('Mime', mime)));
  });

  it('builds the 12.1 request with the source in the query', () => {
    expect(buildSmartForward({ clientId: 'f3', source: { folderId: '5', itemId: '5:3' }, mime }, v121)).toEqual({
      cmd: 'SmartForward',
      body: { mime },
      params: { ItemId: '5:3', CollectionId: '5' },
    });
  });

  it('requires the message when no calendar fields are given', () => {
    expect(() => buildSmartForward({ clientId: 'f4', source: { itemId: '1' } }, v141)).toThrow(/mime/);
  });
});

describe('buildSmartForward, 16.x calendar form', () => {
  it('sends Body and Forwardees instead of MIME', () => {
    const body = buildSmartForward(
      {
        clientId: 'f5',
        source: { folderId: '1', itemId: '1:9', instanceId: new Date(Date.UTC(2026, 0, 5, 9)) },
        body: { type: 1, data: 'Please join' },
        forwardees: [{ email: 'dana@example.com', name: 'Dana' }, { email: 'eli@example.com' }],
      },
      v160,
    ).body as El;
    expect(body).toEqual(
      cm(
        'SmartForward',
        cm('ClientId', 'f5'),
        cm('Source', cm('FolderId', '1'), cm('ItemId', '1:9'), cm('InstanceId', '2026-01-05T09:00:00.000Z')),
        asb('Body', asb('Type', '1'), asb('Data', 'Please join')),
        cm(
          'Forwardees',
          cm('Forwardee', cm('Email', 'dana@example.com'), cm('Name', 'Dana')),
          cm('Forwardee', cm('Email', 'eli@example.com')),
        ),
      ),
    );
    expect(decodeEas(encodeEas(body))).toEqual(body);
  });

  it('refuses Mime, SaveInSentItems, ReplaceMime or TemplateID next to Forwardees (MS-ASCMD 2.2.3.169)', () => {
    const base = { clientId: 'f6', source: { itemId: '1:9' }, forwardees: [{ email: 'a@example.com' }] };
    expect(() => buildSmartForward({ ...base, mime }, v161)).toThrow(EasProtocolError);
    expect(() => buildSmartForward({ ...base, saveInSentItems: true }, v161)).toThrow(EasProtocolError);
    expect(() => buildSmartForward({ ...base, replaceMime: true }, v161)).toThrow(EasProtocolError);
    expect(() => buildSmartForward({ ...base, templateId: 't' }, v161)).toThrow(EasProtocolError);
  });

  it('refuses the calendar form before 16.0', () => {
    expect(() => buildSmartForward({ clientId: 'f7', source: { itemId: '1' }, body: { type: 1, data: 'x' } }, v141)).toThrow(/16\.0/);
  });
});

describe('parseSmartForward', () => {
  it('reads success and the 16.x calendar-forward statuses', () => {
    expect(parseSmartForward(null, v161)).toEqual({ ok: true });
    expect(parseSmartForward(cm('SmartForward', cm('Status', '179')), v161)).toEqual({ ok: false, status: 179 });
    expect(parseSmartForward(cm('SmartForward', cm('Status', '183')), v161)).toEqual({ ok: false, status: 183 });
  });

  it('rejects a SmartReply response given to the SmartForward parser', () => {
    expect(() => parseSmartForward(el('ComposeMail', 'SmartReply'), v141)).toThrow(EasProtocolError);
  });
});
